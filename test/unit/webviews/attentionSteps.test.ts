/**
 * "Attention, step by step": the checks of what its page sends (a layer, a head and a query token
 * in range; draw reports of the right shape), the Attention view's "Step by step…" message, and
 * how the page writes numbers in English and in French.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkStepsOpen } from '../../../src/webviews/attentionMessageChecks';
import { checkStepsDrawReport, checkStepsSelection, MAX_STEPS_TOKENS } from '../../../src/webviews/attentionStepsMessageChecks';
import { numberFormatter } from '../../../webview-ui/numberFormat';

const hostile: unknown[] = [undefined, null, 42, 'x', [], NaN, { layer: '1', head: 0, query: 0 }];

test('steps/select: whole numbers in range, nothing else', () => {
  assert.deepEqual(checkStepsSelection({ layer: 2, head: 3, query: 4 }), { layer: 2, head: 3, query: 4 });
  assert.deepEqual(checkStepsSelection({ layer: 0, head: 0, query: 0, extra: 'dropped' }), { layer: 0, head: 0, query: 0 });
  for (const bad of [-1, 1.5, NaN, Infinity, 1e9, '2', null]) {
    assert.equal(checkStepsSelection({ layer: bad, head: 0, query: 0 }), undefined, `layer ${String(bad)}`);
    assert.equal(checkStepsSelection({ layer: 0, head: bad, query: 0 }), undefined, `head ${String(bad)}`);
    assert.equal(checkStepsSelection({ layer: 0, head: 0, query: bad }), undefined, `query ${String(bad)}`);
  }
  assert.equal(checkStepsSelection({ layer: 0, head: 0, query: MAX_STEPS_TOKENS }), undefined, 'beyond any text');
  assert.equal(checkStepsSelection({ layer: 0, head: 0 }), undefined, 'the query is required');
  for (const p of hostile) assert.equal(checkStepsSelection(p), undefined);
});

test('view/didDraw: weights in [0, 1], both lists alike long, the counts bounded', () => {
  const report = { id: 7, layer: 1, head: 2, query: 3, weights: [0.25, 0.75, 0, 0], modelWeights: [0.25, 0.75, 0, 0], checkPassed: true, stages: 4, heads: 4 };
  assert.deepEqual(checkStepsDrawReport(report), report);
  assert.equal(checkStepsDrawReport({ ...report, weights: [0.25, 0.75, 0] }), undefined, 'a weight per token in both lists');
  assert.equal(checkStepsDrawReport({ ...report, weights: [0.25, 0.75, 0, NaN] }), undefined);
  assert.equal(checkStepsDrawReport({ ...report, weights: [1.5, 0.75, 0, 0] }), undefined, 'a weight above 1');
  assert.equal(checkStepsDrawReport({ ...report, modelWeights: [-0.1, 0.75, 0, 0] }), undefined, 'a negative weight');
  assert.equal(checkStepsDrawReport({ ...report, checkPassed: 'yes' }), undefined);
  assert.equal(checkStepsDrawReport({ ...report, stages: 5 }), undefined);
  assert.equal(checkStepsDrawReport({ ...report, id: -1 }), undefined, 'a payload id');
  assert.equal(checkStepsDrawReport({ ...report, weights: new Array(MAX_STEPS_TOKENS + 1).fill(0), modelWeights: new Array(MAX_STEPS_TOKENS + 1).fill(0) }), undefined, 'a bounded list');
  const { checkPassed: _, ...noCheck } = report;
  assert.equal(checkStepsDrawReport(noCheck), undefined);
  for (const p of hostile) assert.equal(checkStepsDrawReport(p), undefined);
});

test('the Attention view’s steps/open: a layer and a head', () => {
  assert.deepEqual(checkStepsOpen({ layer: 2, head: 3 }), { layer: 2, head: 3 });
  assert.equal(checkStepsOpen({ layer: 2, head: 'mean' }), undefined, 'one head, not the mean');
  assert.equal(checkStepsOpen({ layer: -1, head: 0 }), undefined);
  for (const p of hostile) assert.equal(checkStepsOpen(p), undefined);
});

test('numbers: fixed decimals with a true minus, no "−0", the locale’s decimal separator', () => {
  const en = numberFormatter('en');
  const fr = numberFormatter('fr');
  assert.equal(en.fixed(1.23456), '1.235');
  assert.equal(fr.fixed(1.23456), '1,235');
  assert.equal(en.fixed(-0.25), '\u22120.250');
  assert.equal(fr.fixed(-0.25, 4), '\u22120,2500');
  assert.equal(en.fixed(-0.0001), '0.000', 'rounds to zero: no sign');
  assert.equal(en.fixed(12345.6, 1), '12345.6', 'no grouping in the tables');
  assert.equal(fr.fixed(12345.6, 1), '12345,6');
  assert.equal(en.fixed(-Infinity), '\u2212∞', 'the mask');
  assert.equal(en.fixed(Infinity), '∞');
  assert.equal(numberFormatter(undefined).fixed(0.5, 1).length, 3, 'the default locale');
});

test('numbers: small differences in scientific notation, rounded to one decimal', () => {
  const en = numberFormatter('en');
  const fr = numberFormatter('fr');
  assert.equal(en.scientific(3.1e-8), '3.1e-8');
  assert.equal(fr.scientific(3.1e-8), '3,1e-8');
  assert.equal(en.scientific(2.96e-7), '3.0e-7');
  assert.equal(en.scientific(9.96e-6), '1.0e-5', 'a mantissa rounded up to 10 moves the exponent');
  assert.equal(en.scientific(1e-5), '1.0e-5');
  assert.equal(en.scientific(0), '0');
  assert.equal(en.scientific(-4.2e-3), '\u22124.2e-3');
  assert.equal(en.scientific(250), '2.5e2');
});
