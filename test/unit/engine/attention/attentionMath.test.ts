/**
 * The attention viewer's maths on hand-made tensors with answers worked out by hand: mean over
 * heads, attention rollout (Abnar & Zuidema), per-head statistics, thumbnails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AttentionAnalysis } from '../../../../src/engine/attention/analysis';
import { headStats, type TokenInfo } from '../../../../src/engine/attention/headStats';
import { downsample, headMatrix, isLowerTriangular, meanOverHeads, multiply, type SquareMatrix } from '../../../../src/engine/attention/matrix';
import { attentionRollout, withResidual } from '../../../../src/engine/attention/rollout';

const sq = (rows: number[][]): SquareMatrix => ({ n: rows.length, data: Float32Array.from(rows.flat()) });
const rowsOf = (m: SquareMatrix): number[][] => Array.from({ length: m.n }, (_, i) => Array.from(m.data.subarray(i * m.n, (i + 1) * m.n)));

function assertClose(actual: number[][], expected: number[][], what: string, eps = 1e-6): void {
  assert.equal(actual.length, expected.length, `${what}: rows`);
  actual.forEach((r, i) => r.forEach((v, j) => assert.ok(Math.abs(v - expected[i][j]) <= eps, `${what}[${i}][${j}] = ${v}, expected ${expected[i][j]}`)));
}

test('mean over heads and one head of a [H, T, T] tensor', () => {
  const tensor = Float32Array.from([1, 0, 0.5, 0.5, /* head 1 */ 1, 0, 0.1, 0.9]);
  assertClose(rowsOf(meanOverHeads(tensor, 2)), [[1, 0], [0.3, 0.7]], 'mean');
  assertClose(rowsOf(headMatrix(tensor, 2, 1)), [[1, 0], [0.1, 0.9]], 'head 1');
  assert.throws(() => headMatrix(tensor, 2, 2), /head 2 does not exist/);
  assert.throws(() => meanOverHeads(Float32Array.from([1, 2, 3]), 1), /square/);
});

test('matrix product by hand', () => {
  assertClose(rowsOf(multiply(sq([[1, 2], [3, 4]]), sq([[0, 1], [1, 0]]))), [[2, 1], [4, 3]], 'product');
});

test('rollout: (A + I)/2 renormalised, then the product over layers, last layer on the left', () => {
  // The file comment's example.
  assertClose(rowsOf(withResidual(sq([[1, 0], [0.5, 0.5]]))), [[1, 0], [0.25, 0.75]], 'Ã');
  // One layer: the rollout is Ã itself.
  assertClose(rowsOf(attentionRollout([sq([[1, 0], [0.5, 0.5]])])), [[1, 0], [0.25, 0.75]], 'one layer');
  // Ã2 = [[1,0],[0.5,0.5]] after Ã1 = [[1,0],[0.25,0.75]]: Ã2·Ã1 = [[1,0],[0.625,0.375]].
  const r = attentionRollout([sq([[1, 0], [0.5, 0.5]]), sq([[1, 0], [1, 0]])]);
  assertClose(rowsOf(r), [[1, 0], [0.625, 0.375]], 'two layers');
  const a = sq([[0, 1, 0], [0, 0, 1], [1, 0, 0]]);
  const b = sq([[1, 0, 0], [1, 0, 0], [0, 1, 0]]);
  const ab = rowsOf(attentionRollout([a, b]));
  const ba = rowsOf(attentionRollout([b, a]));
  assert.notDeepEqual(ab, ba, 'the product is not commutative: layer order is used');
  // Ã_b · Ã_a by hand: Ã_a = [[.5,.5,0],[0,.5,.5],[.5,0,.5]], Ã_b = [[1,0,0],[.5,.5,0],[0,.5,.5]].
  assertClose(ab, [[0.5, 0.5, 0], [0.25, 0.5, 0.25], [0.25, 0.25, 0.5]], 'Ã_b·Ã_a');
  // Without the residual: the plain product.
  assertClose(rowsOf(attentionRollout([a, b], { residual: false })), rowsOf(multiply(b, a)), 'no residual');
  // Rows stay distributions.
  for (const rowValues of ab) assert.ok(Math.abs(rowValues.reduce((s, v) => s + v, 0) - 1) < 1e-6);
  assert.throws(() => attentionRollout([]), /at least one layer/);
});

test('rollout of causal layers stays causal (upper triangle empty)', () => {
  const causal = sq([[1, 0, 0], [0.3, 0.7, 0], [0.2, 0.2, 0.6]]);
  const r = attentionRollout([causal, causal, causal]);
  assert.ok(isLowerTriangular(r));
  assert.ok(!isLowerTriangular(sq([[0.5, 0.5], [0, 1]])));
});

const tok = (token: string, special = false): TokenInfo => ({ token, special });

test('head statistics: a previous-token head', () => {
  const s = headStats(sq([[1, 0, 0], [1, 0, 0], [0, 1, 0]]), [tok('[CLS]', true), tok('a'), tok('[SEP]', true)]);
  assert.equal(s.toPrevious, 1);
  assert.ok(Math.abs(s.toSelf - 1 / 3) < 1e-9);
  assert.ok(Math.abs(s.toFirst - 2 / 3) < 1e-9);
  assert.ok(Math.abs(s.toCls - 2 / 3) < 1e-9);
  assert.equal(s.toSep, 0);
  assert.equal(s.entropy, 0);
  assert.equal(s.pattern, 'previous');
});

test('head statistics: uniform attention is broad, with log2(T) bits', () => {
  const u = sq(Array.from({ length: 4 }, () => [0.25, 0.25, 0.25, 0.25]));
  const s = headStats(u, ['a', 'b', 'c', 'd'].map((t) => tok(t)));
  assert.ok(Math.abs(s.entropy - 2) < 1e-6);
  assert.ok(Math.abs(s.normalizedEntropy - 1) < 1e-6);
  assert.ok(Math.abs(s.toSelf - 0.25) < 1e-6);
  assert.equal(s.pattern, 'broad');
});

test('head statistics: causal uniform rows are normalised by log2(i + 1); [SEP] and self heads', () => {
  const causal = sq([[1, 0, 0, 0], [0.5, 0.5, 0, 0], [1 / 3, 1 / 3, 1 / 3, 0], [0.25, 0.25, 0.25, 0.25]]);
  const s = headStats(causal, ['a', 'b', 'c', 'd'].map((t) => tok(t)), { causal: true });
  assert.ok(Math.abs(s.entropy - (0 + 1 + Math.log2(3) + 2) / 4) < 1e-6);
  assert.ok(Math.abs(s.normalizedEntropy - 1) < 1e-6);
  const sep = headStats(sq([[0, 0, 1], [0, 0, 1], [0, 0, 1]]), [tok('[CLS]', true), tok('x'), tok('[SEP]', true)]);
  assert.equal(sep.toSep, 1);
  assert.equal(sep.pattern, 'sep');
  const self = headStats(sq([[1, 0], [0, 1]]), [tok('x'), tok('y')]);
  assert.equal(self.pattern, 'self');
  assert.throws(() => headStats(sq([[1]]), []), /0 tokens for a 1×1 matrix/);
});

test('downsample averages blocks', () => {
  const m = sq([
    [1, 1, 0, 0],
    [1, 1, 0, 0],
    [0, 0, 0.5, 0.5],
    [0, 0, 0.5, 0.5],
  ]);
  assertClose(rowsOf(downsample(m, 2)), [[1, 0], [0, 0.5]], 'blocks');
  assert.equal(downsample(m, 8), m);
});

test('AttentionAnalysis: views, rollout, statistics and thumbnails agree with the functions', () => {
  // Two layers, two heads, three tokens [CLS] x [SEP].
  const l0 = Float32Array.from([1, 0, 0, 0.5, 0.5, 0, 0.2, 0.3, 0.5, /* h1 */ 0, 0, 1, 0, 0, 1, 0, 0, 1]);
  const l1 = Float32Array.from([1, 0, 0, 1, 0, 0, 0, 1, 0, /* h1 */ 1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3]);
  const tokens = [
    { token: '[CLS]', start: 0, end: 0, special: true },
    { token: 'x', start: 0, end: 1, special: false },
    { token: '[SEP]', start: 1, end: 1, special: true },
  ];
  const a = new AttentionAnalysis({ text: 'x', tokens, layers: [l0, l1], numHeads: 2, causal: false });
  assert.equal(a.n, 3);
  assertClose(rowsOf(a.raw(0, 'mean')), [[0.5, 0, 0.5], [0.25, 0.25, 0.5], [0.1, 0.15, 0.75]], 'mean of layer 0');
  assertClose(rowsOf(a.rollout(1)), rowsOf(attentionRollout([a.mean(0), a.mean(1)])), 'rollout');
  const all = a.view(0, 0, { hideSpecial: false, mergeSubwords: false });
  assert.deepEqual(all.labels, ['[CLS]', 'x', '[SEP]']);
  assert.deepEqual(all.special, [true, false, true]);
  const hidden = a.view(0, 'mean', { hideSpecial: true, mergeSubwords: false });
  assert.deepEqual(hidden.labels, ['x']);
  assertClose(rowsOf(hidden.matrix), [[1]], 'the one row left renormalised');
  const stats = a.stats();
  assert.equal(stats.length, 2);
  assert.equal(stats[0][1].pattern, 'sep');
  assert.equal(stats[0][1].toSep, 1);
  const thumbs = a.thumbnails({ hideSpecial: false, mergeSubwords: false }, 2);
  assert.equal(thumbs.side, 2);
  assert.equal(thumbs.data.length, 2 * 2 * 4);
  assert.throws(() => a.raw(2, 0), /layer 2 does not exist/);
  assert.throws(() => new AttentionAnalysis({ text: '', tokens: tokens.slice(1), layers: [l0], numHeads: 2, causal: false }), /2 tokens/);
});
