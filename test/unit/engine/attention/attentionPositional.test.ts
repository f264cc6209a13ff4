/** Sinusoidal position encoding and cosine similarity, against values computed by hand. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cosineSimilarityMatrix, sinusoidalEncoding } from '../../../../src/engine/attention/positional';

test('PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(…)', () => {
  const pe = sinusoidalEncoding(3, 4);
  assert.equal(pe.length, 12);
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-6, `${a} ≠ ${b}`);
  // pos 0: sin 0, cos 0, sin 0, cos 0.
  [0, 1, 0, 1].forEach((v, k) => close(pe[k], v));
  // pos 1, d = 4: 10000^(0/4) = 1, 10000^(2/4) = 100.
  [Math.sin(1), Math.cos(1), Math.sin(0.01), Math.cos(0.01)].forEach((v, k) => close(pe[4 + k], v));
  [Math.sin(2), Math.cos(2), Math.sin(0.02), Math.cos(0.02)].forEach((v, k) => close(pe[8 + k], v));
  assert.throws(() => sinusoidalEncoding(2, 0), /bad shape/);
});

test('cosine similarity of rows: 1 on the diagonal, 0 for orthogonal rows, 0 for a zero row', () => {
  const c = cosineSimilarityMatrix(Float32Array.from([1, 0, 0, 1, 1, 1, 0, 0]), 4, 2);
  const r = Math.SQRT1_2;
  const expected = [
    [1, 0, r, 0],
    [0, 1, r, 0],
    [r, r, 1, 0],
    [0, 0, 0, 0],
  ];
  expected.flat().forEach((v, k) => assert.ok(Math.abs(c[k] - v) < 1e-6, `cell ${k}: ${c[k]} ≠ ${v}`));
  // Sinusoidal rows: near positions are more alike than far ones.
  const pe = sinusoidalEncoding(50, 32);
  const sim = cosineSimilarityMatrix(pe, 50, 32);
  assert.ok(sim[10 * 50 + 11] > sim[10 * 50 + 40]);
  assert.throws(() => cosineSimilarityMatrix(new Float32Array(5), 2, 2), /not \[2, 2\]/);
});
