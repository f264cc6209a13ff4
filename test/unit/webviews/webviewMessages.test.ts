/**
 * The checks of what webviews send to the extension host (src/webviews/*MessageChecks.ts): only
 * what the panel offered, finite numbers in range, bounded strings, the expected shapes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkAttentionOptions,
  checkCompareDraw,
  checkCompareRequest,
  checkDrawReport,
  checkGridRequest,
  checkImage,
  checkImageRendered,
  checkMatricesRequest,
  checkPositionsRequest,
  checkSnapshotSave,
  fitsAnalysis,
  headChoice,
} from '../../../src/webviews/attentionMessageChecks';
import { checkEmpty, checkMerges, checkSpecChange, checkTokenRange, checkTokensOptions, MAX_SPEC_CHARS, safeFileName } from '../../../src/webviews/messageChecks';
import { checkApply, checkRerun, checkSeed, checkTarget } from '../../../src/webviews/predictionMessageChecks';

const offered = new Set(['gpt2', 'bert-base-uncased', '/home/me/models/camembert/tokenizer.json']);
const hostile: unknown[] = [undefined, null, 42, 'x', [], NaN];

test('webview messages: a tokenizer must be one the panel offered, never any path a message names', () => {
  assert.deepEqual(checkSpecChange({ spec: 'gpt2' }, offered), { spec: 'gpt2' });
  assert.deepEqual(checkSpecChange({ spec: '/home/me/models/camembert/tokenizer.json' }, offered), { spec: '/home/me/models/camembert/tokenizer.json' });
  for (const spec of ['/tmp/evil/tokenizer.json', '../../tokenizer.json', 'GPT2', '', 'x'.repeat(MAX_SPEC_CHARS + 1), 7, null, ['gpt2']]) {
    assert.equal(checkSpecChange({ spec }, offered), undefined, String(spec).slice(0, 40));
  }
  for (const p of hostile) assert.equal(checkSpecChange(p, offered), undefined);

  assert.deepEqual(checkTokensOptions({ primary: 'gpt2', secondary: 'bert-base-uncased', compare: true }, offered), { primary: 'gpt2', secondary: 'bert-base-uncased', compare: true });
  assert.deepEqual(checkTokensOptions({ primary: 'gpt2', secondary: 'gpt2', compare: false, extra: 'dropped' }, offered), { primary: 'gpt2', secondary: 'gpt2', compare: false });
  assert.equal(checkTokensOptions({ primary: 'gpt2', secondary: '/tmp/evil.json', compare: true }, offered), undefined);
  assert.equal(checkTokensOptions({ primary: '/tmp/evil.json', secondary: 'gpt2', compare: false }, offered), undefined);
  assert.equal(checkTokensOptions({ primary: 'gpt2', secondary: 'gpt2', compare: 'yes' }, offered), undefined);
  for (const p of hostile) assert.equal(checkTokensOptions(p, offered), undefined);
});

test('webview messages: numbers are finite and in range (NaN no longer passes the attention grid clamp)', () => {
  const groups = { hideSpecial: false, mergeSubwords: true };
  assert.deepEqual(checkGridRequest({ ...groups, analysis: 3, max: 48 }), { ...groups, analysis: 3, max: 48 });
  assert.equal(checkGridRequest({ ...groups, analysis: 3, max: NaN }), undefined);
  assert.equal(checkGridRequest({ ...groups, analysis: 3, max: Infinity }), undefined);
  assert.equal(checkGridRequest({ ...groups, analysis: 3, max: '48' }), undefined);
  assert.equal(checkGridRequest({ ...groups, analysis: 3, max: 1e9 })?.max, 96, 'a size is clamped to what the view draws');
  assert.equal(checkGridRequest({ ...groups, analysis: 3, max: -5 })?.max, 8);
  assert.equal(checkGridRequest({ analysis: 3, max: 48 }), undefined, 'the group options are required');
  assert.equal(checkGridRequest({ ...groups, analysis: -1, max: 48 }), undefined);

  assert.deepEqual(checkPositionsRequest({ count: 64 }), { count: 64 });
  assert.equal(checkPositionsRequest({ count: NaN }), undefined);
  assert.equal(checkPositionsRequest({ count: 1e6 })?.count, 512);

  const matrices = { ...groups, analysis: 1, layer: 2, heads: [0, 'mean', 'rollout'] };
  assert.deepEqual(checkMatricesRequest(matrices), matrices);
  for (const layer of [NaN, -1, 1.5, 1e9, '2']) assert.equal(checkMatricesRequest({ ...matrices, layer }), undefined, String(layer));
  assert.equal(checkMatricesRequest({ ...matrices, heads: ['max'] }), undefined);
  assert.equal(checkMatricesRequest({ ...matrices, heads: Array(10_000).fill('rollout') }), undefined, 'a bounded list');
  assert.equal(checkMatricesRequest({ ...matrices, heads: 'mean' }), undefined);
  assert.ok(fitsAnalysis({ layer: 1, heads: [0, 3, 'mean'] }, 2, 4));
  assert.ok(!fitsAnalysis({ layer: 2, heads: [0] }, 2, 4), 'no layer 2 in a 2-layer model');
  assert.ok(!fitsAnalysis({ layer: 0, heads: [4] }, 2, 4), 'no head 4 in a 4-head model');
  assert.ok(!fitsAnalysis({ layer: 0, head: 7 }, 2, 4));
  assert.equal(headChoice(3, 4), 3);
  assert.equal(headChoice(4, 4), undefined);

  assert.deepEqual(checkMerges({ merges: 30 }), { merges: 30 });
  for (const merges of [NaN, Infinity, '30', null]) assert.equal(checkMerges({ merges }), undefined);
  assert.deepEqual(checkTokenRange({ start: 2, end: 5 }, 10), { start: 2, end: 5 });
  assert.equal(checkTokenRange({ start: 2, end: 11 }, 10), undefined, 'beyond the text shown');
  assert.equal(checkTokenRange({ start: 5, end: 2 }, 10), undefined);
  assert.equal(checkTokenRange({ start: NaN, end: 2 }, 10), undefined);

  assert.deepEqual(checkSeed({ seed: 42 }), { seed: 42 });
  for (const seed of [-1, 2 ** 32, 1.5, NaN, '1']) assert.equal(checkSeed({ seed }), undefined);
  assert.deepEqual(checkApply({ slot: 0, text: 'dort' }), { slot: 0, text: 'dort' });
  assert.equal(checkApply({ slot: -1, text: 'dort' }), undefined);
  assert.equal(checkApply({ slot: 0, text: 'x'.repeat(5000) }), undefined);
  assert.deepEqual(checkTarget({ text: '  chat ' }), { text: 'chat' });
  assert.equal(checkTarget({ text: '   ' }), undefined);
  assert.equal(checkTarget({ text: 'x'.repeat(300) }), undefined);
});

test('webview messages: options and reports keep their shape; generation options keep only valid fields', () => {
  const options = { tab: 'heatmap', layer: 1, head: 'mean', heads: [0, 2], hideSpecial: true, mergeSubwords: false };
  assert.deepEqual(checkAttentionOptions(options), options);
  assert.equal(checkAttentionOptions({ ...options, tab: 'secrets' }), undefined);
  assert.equal(checkAttentionOptions({ ...options, head: -3 }), undefined);
  assert.deepEqual(checkSnapshotSave({ ...options, analysis: 4 }), { ...options, analysis: 4 });
  assert.equal(checkSnapshotSave(options), undefined, 'which analysis is required');

  const report = { tab: 'heatmap', analysis: 1, layer: 0, head: 2, hideSpecial: false, mergeSubwords: false, n: 2, labels: ['a', 'b'], upperSum: 0, lowerSum: 2, upperPainted: 0, lowerPainted: 3 };
  assert.deepEqual(checkDrawReport(report), report);
  assert.equal(checkDrawReport({ ...report, labels: ['a', 7] }), undefined);
  assert.equal(checkDrawReport({ ...report, upperSum: NaN }), undefined);
  assert.deepEqual(checkCompareDraw({ ...report, role: 'masked' }), { ...report, role: 'masked' });
  assert.equal(checkCompareDraw({ ...report, role: 'both' }), undefined);
  assert.deepEqual(checkCompareRequest({ layer: 3, head: 'rollout', hideSpecial: false, mergeSubwords: false }), { layer: 3, head: 'rollout', hideSpecial: false, mergeSubwords: false });
  assert.equal(checkCompareRequest({ layer: NaN, head: 'mean', hideSpecial: false, mergeSubwords: false }), undefined);

  assert.deepEqual(checkImage({ format: 'png', data: 'data:image/png;base64,AA==', name: 'gpt2-L0-mean' }), { format: 'png', data: 'data:image/png;base64,AA==', name: 'gpt2-L0-mean' });
  assert.equal(checkImage({ format: 'gif', data: '', name: 'x' }), undefined);
  assert.equal(checkImage({ format: 'svg', data: 5, name: 'x' }), undefined);
  assert.equal(checkImage({ format: 'svg', data: '<svg/>', name: '../../.ssh/authorized_keys' })?.name, '__.._.ssh_authorized_keys', 'no folder in a file name');
  assert.equal(safeFileName('a/b\\c\nd'), 'a_b_c_d');
  assert.equal(safeFileName('x'.repeat(500)), undefined);
  assert.equal(checkImageRendered({ id: 0, format: 'svg', data: '<svg/>', name: 'x' }), undefined);
  assert.deepEqual(checkImageRendered({ id: 2, format: 'svg', data: '<svg/>', name: 'x' }), { id: 2, format: 'svg', data: '<svg/>', name: 'x' });

  assert.deepEqual(checkRerun({ options: { strategy: 'beam', numBeams: 1000, maxNewTokens: 8, temperature: NaN, stop: ['\n', 7] } }), { options: { strategy: 'beam', maxNewTokens: 8, stop: ['\n'] } });
  assert.deepEqual(checkRerun({ options: { strategy: 'magic' } }), { options: {} });
  assert.equal(checkRerun({ options: 'beam' }), undefined);

  assert.deepEqual(checkEmpty({}), {});
  for (const p of [null, 'x', [], 1]) assert.equal(checkEmpty(p), undefined);
});
