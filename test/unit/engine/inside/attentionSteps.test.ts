/** The pure pieces of the attention formula step by step: the mask, the float64 softmax, the query checks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowedKeys, attentionSteps, checkStepsQuery, maskedSoftmax } from '../../../../src/engine/inside/attentionSteps';
import type { ModelInternals } from '../../../../src/engine/inside/internals';
import { TaskError } from '../../../../src/engine/tasks/errors';

test('allowedKeys: a causal model sees j ≤ i, an encoder every token', () => {
  assert.deepEqual(allowedKeys('preLN', 0, 3), [true, false, false]);
  assert.deepEqual(allowedKeys('preLN', 1, 3), [true, true, false]);
  assert.deepEqual(allowedKeys('preLN', 2, 3), [true, true, true]);
  assert.deepEqual(allowedKeys('postLN', 0, 3), [true, true, true]);
});

test('maskedSoftmax: a distribution over the allowed entries, 0 elsewhere, stable for large scores', () => {
  const w = maskedSoftmax([1, 2, 3], [true, true, true]);
  const e = [1, 2, 3].map(Math.exp);
  const sum = e.reduce((a, b) => a + b, 0);
  w.forEach((x, j) => assert.ok(Math.abs(x - e[j] / sum) < 1e-15));
  const masked = maskedSoftmax([5, 1000, -3], [true, false, true]);
  assert.equal(masked[1], 0, 'a masked score, however large, gets nothing');
  assert.ok(Math.abs(masked[0] - 1 / (1 + Math.exp(-8))) < 1e-15);
  assert.ok(Math.abs(masked[0] + masked[2] - 1) < 1e-15);
  const huge = maskedSoftmax([1000, 1001], [true, true]);
  assert.ok(huge.every(Number.isFinite), 'no overflow: the max is taken out first');
  assert.ok(Math.abs(huge[1] - 1 / (1 + Math.exp(-1))) < 1e-15);
  assert.deepEqual(maskedSoftmax([2, 7], [true, false]), [1, 0], 'one allowed key takes everything');
});

/** A 2-layer, 2-head run of 3 tokens, d = 4: q, k, v are made up so that the steps can be checked by hand. */
function fakeInternals(layout: ModelInternals['layout']): ModelInternals {
  const T = 3;
  const H = 2;
  const dk = 2;
  const d = 4;
  const L = 2;
  const ramp = (n: number, scale: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(i * scale));
  const attention = (l: number): Float32Array => {
    const out = new Float32Array(H * T * T);
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < T; i++) {
        const q = ramp(H * T * dk, 0.3 + l).subarray((h * T + i) * dk, (h * T + i + 1) * dk);
        const scores = Array.from({ length: T }, (_, j) => {
          const k = ramp(H * T * dk, 0.7 + l).subarray((h * T + j) * dk, (h * T + j + 1) * dk);
          return (q[0] * k[0] + q[1] * k[1]) / Math.sqrt(dk);
        });
        out.set(maskedSoftmax(scores, allowedKeys(layout, i, T)), (h * T + i) * T);
      }
    }
    return out;
  };
  return {
    tokens: ['a', 'b', 'c'].map((t, i) => ({ id: i, token: t, start: i, end: i + 1, special: false })),
    length: T,
    numLayers: L,
    numHeads: H,
    dModel: d,
    dk,
    layout,
    hidden: Array.from({ length: L + 1 }, () => ramp(T * d, 0.1)),
    attnInput: [ramp(T * d, 0.2), ramp(T * d, 1.2)],
    query: [ramp(H * T * dk, 0.3), ramp(H * T * dk, 1.3)],
    key: [ramp(H * T * dk, 0.7), ramp(H * T * dk, 1.7)],
    value: [ramp(H * T * dk, 0.9), ramp(H * T * dk, 1.9)],
    headOutputs: [ramp(H * T * dk, 0.4), ramp(H * T * dk, 1.4)],
    attnOutput: [ramp(T * d, 0.5), ramp(T * d, 1.5)],
    attentions: [attention(0), attention(1)],
    lensInput: [],
  };
}

test('checkStepsQuery: a layer, head or token out of range is a TaskError naming the valid range', () => {
  const internals = fakeInternals('preLN');
  assert.doesNotThrow(() => checkStepsQuery(internals, { layer: 1, head: 1, query: 2 }));
  const cases: Array<[{ layer: number; head: number; query: number }, RegExp]> = [
    [{ layer: 2, head: 0, query: 0 }, /^layer 2 does not exist: layers are 0 to 1$/],
    [{ layer: -1, head: 0, query: 0 }, /^layer -1 does not exist: layers are 0 to 1$/],
    [{ layer: 0.5, head: 0, query: 0 }, /^layer 0\.5 does not exist/],
    [{ layer: 0, head: 2, query: 0 }, /^head 2 does not exist: heads are 0 to 1$/],
    [{ layer: 0, head: 0, query: 3 }, /^token 3 does not exist: the text has tokens 0 to 2$/],
  ];
  for (const [query, message] of cases) {
    assert.throws(() => checkStepsQuery(internals, query), (e: unknown) => e instanceof TaskError && message.test(e.message));
    assert.throws(() => attentionSteps(internals, query), TaskError, 'attentionSteps checks first');
  }
});

test('attentionSteps by hand: q·k, /√d_k, the mask, the softmax against the model row, Σ a v', () => {
  for (const layout of ['preLN', 'postLN'] as const) {
    const internals = fakeInternals(layout);
    const s = attentionSteps(internals, { layer: 1, head: 1, query: 1 });
    const q = Array.from(internals.query[1].subarray((1 * 3 + 1) * 2, (1 * 3 + 2) * 2));
    assert.deepEqual(s.q, q);
    s.keys.forEach((k, j) => {
      assert.deepEqual(k, Array.from(internals.key[1].subarray((3 + j) * 2, (3 + j + 1) * 2)));
      assert.ok(Math.abs(s.dots[j] - (q[0] * k[0] + q[1] * k[1])) < 1e-12);
      assert.ok(Math.abs(s.scaled[j] - s.dots[j] / Math.SQRT2) < 1e-12);
    });
    assert.deepEqual(s.allowed, layout === 'preLN' ? [true, true, false] : [true, true, true]);
    if (layout === 'preLN') assert.equal(s.weights[2], 0);
    assert.ok(s.maxDifference < 1e-6, `the fake model row is the same softmax (${s.maxDifference})`);
    for (let c = 0; c < 2; c++) {
      const expected = s.weights.reduce((sum, w, j) => sum + w * s.values[j][c], 0);
      assert.ok(Math.abs(s.headOutput[c] - expected) < 1e-12);
    }
    assert.equal(s.concat.length, 4, 'both heads side by side');
    assert.deepEqual(s.concat.slice(2), Array.from(internals.headOutputs[1].subarray((3 + 1) * 2, (3 + 2) * 2)));
    assert.deepEqual(s.projected, Array.from(internals.attnOutput[1].subarray(4, 8)));
    assert.deepEqual(s.input, Array.from(internals.attnInput[1].subarray(4, 8)));
    assert.equal(s.allHeads.length, 2);
  }
  const wrong = fakeInternals('preLN');
  wrong.attentions[0].fill(1 / 3);
  assert.ok(attentionSteps(wrong, { layer: 0, head: 0, query: 0 }).maxDifference > 0.5, 'a graph row that disagrees shows in maxDifference');
});
