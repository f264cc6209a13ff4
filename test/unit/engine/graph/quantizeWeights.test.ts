/**
 * The block quantization of quantizeWeights.ts: every weight within half a step of its
 * dequantized value, zero exact, and the bytes laid out as onnxruntime's MatMulNBits reads them
 * (codes low bits first along K, one scale per block, int4 zero points two blocks per byte).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../../../../src/engine/graph/weights';
import { dequantizeMatrix, quantizedBytes, quantizedDims, quantizeMatrix, type QuantBits } from '../../../../src/engine/graph/quantizeWeights';

function randomMatrix(n: number, k: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  // Mostly small values with a few large ones, as in trained weights.
  return Float32Array.from({ length: n * k }, () => (random() < 0.02 ? 8 : 1) * (2 * random() - 1) * 0.1);
}

for (const bits of [8, 4] as QuantBits[]) {
  for (const [n, k, blockSize] of [[5, 64, 32], [3, 100, 32], [4, 256, 128], [2, 48, 16]] as const) {
    test(`int${bits}: dequantize(quantize(W)) is within half a step of W, [${n}, ${k}], blocks of ${blockSize}`, () => {
      const w = randomMatrix(n, k, n * 1000 + k);
      const q = quantizeMatrix(w, n, k, 'nk', bits, blockSize);
      const back = dequantizeMatrix(q);
      assert.equal(q.nBlocks, Math.ceil(k / blockSize));
      for (let row = 0; row < n; row++) {
        for (let block = 0; block < q.nBlocks; block++) {
          const cols = Array.from({ length: Math.min(k, (block + 1) * blockSize) - block * blockSize }, (_, i) => block * blockSize + i);
          const values = cols.map((c) => w[row * k + c]);
          const range = Math.max(0, ...values) - Math.min(0, ...values);
          const step = range / (2 ** bits - 1);
          assert.ok(Math.abs(q.scales[row * q.nBlocks + block] - step) <= step * 1e-6, 'the scale is one step of the block range');
          for (const c of cols) {
            const err = Math.abs(back[row * k + c] - w[row * k + c]);
            assert.ok(err <= step / 2 + 1e-7, `row ${row} col ${c}: |error| ${err} > step/2 ${step / 2}`);
          }
        }
      }
      // The relative error of the whole matrix: about step/√12 per weight (outliers widen a block's step).
      let num = 0;
      let den = 0;
      for (let i = 0; i < w.length; i++) {
        num += (back[i] - w[i]) ** 2;
        den += w[i] ** 2;
      }
      assert.ok(Math.sqrt(num / den) < (bits === 8 ? 0.02 : 0.3), `relative RMS error ${Math.sqrt(num / den)}`);
    });
  }

  test(`int${bits}: zero stays exactly zero, the [K, N] layout quantizes the transpose, re-quantizing is stable`, () => {
    const n = 6;
    const k = 64;
    const w = randomMatrix(n, k, 7);
    for (let i = 0; i < w.length; i += 5) w[i] = 0;
    const q = quantizeMatrix(w, n, k, 'nk', bits, 32);
    const back = dequantizeMatrix(q);
    for (let i = 0; i < w.length; i += 5) assert.equal(back[i], 0);
    const transposed = new Float32Array(n * k);
    for (let row = 0; row < n; row++) for (let col = 0; col < k; col++) transposed[col * n + row] = w[row * k + col];
    const qt = quantizeMatrix(transposed, n, k, 'kn', bits, 32);
    assert.deepEqual(qt.packed, q.packed);
    assert.deepEqual(qt.scales, q.scales);
    assert.deepEqual(qt.zeroPoints, q.zeroPoints);
    // Dequantized weights quantize to themselves (within float32 rounding): the graph tests rely on it.
    const again = dequantizeMatrix(quantizeMatrix(back, n, k, 'nk', bits, 32));
    for (let i = 0; i < back.length; i++) assert.ok(Math.abs(again[i] - back[i]) <= 1e-6 * Math.max(1, Math.abs(back[i])), `${again[i]} vs ${back[i]}`);
  });
}

test('int4 layout: codes low nibble first along K, zero points two blocks per byte (low nibble = even block), padding = zero point', () => {
  // One row, K = 40 → blocks of 16: 3 blocks, the last one 8 values + 8 of padding.
  const k = 40;
  const w = Float32Array.from({ length: k }, (_, i) => (i < 16 ? i - 15 : i < 32 ? i - 16 : (i - 32) * 2));
  const q = quantizeMatrix(w, 1, k, 'nk', 4, 16);
  assert.deepEqual(quantizedDims(q), { packed: [1, 3, 8], scales: [3], zeroPoints: [2] });
  // Block 0: values −15 … 0 → step 1, zero point 15, codes 0 … 15.
  assert.equal(q.scales[0], 1);
  assert.equal(q.packed[0], 0 | (1 << 4));
  assert.equal(q.packed[7], 14 | (15 << 4));
  // Block 1: values 0 … 15 → step 1, zero point 0, codes 0 … 15. Block 2: 0 … 14 by 2 → step 14/15.
  assert.equal(q.scales[1], 1);
  assert.equal(q.packed[8], 0 | (1 << 4));
  assert.equal(q.zeroPoints[0], 15 | (0 << 4));
  assert.equal(q.zeroPoints[1] & 15, 0, 'block 2 (odd count): low nibble of the second byte');
  assert.equal(q.zeroPoints[1] >> 4, 0, 'the unused high nibble stays 0');
  // Block 2's padding (K 40 … 47) holds its zero point, 0.
  for (let j = 20; j < 24; j++) assert.equal(q.packed[j], 0);
  assert.equal(quantizedBytes(q), 24 + 12 + 2);
});

test('int8 layout: one code byte per weight in K order, one zero point byte per block', () => {
  const w = Float32Array.from({ length: 64 }, (_, i) => (i < 32 ? -i : i - 32));
  const q = quantizeMatrix(w, 1, 64, 'nk', 8, 32);
  assert.deepEqual(quantizedDims(q), { packed: [1, 2, 32], scales: [2], zeroPoints: [2] });
  assert.equal(q.zeroPoints[0], 255);
  assert.equal(q.zeroPoints[1], 0);
  assert.equal(q.packed[0], 255);
  assert.equal(q.packed[31], 0);
  assert.equal(q.packed[63], 255);
});

test('quantizeMatrix refuses a block size MatMulNBits cannot take and a wrong element count', () => {
  assert.throws(() => quantizeMatrix(new Float32Array(64), 1, 64, 'nk', 4, 24), /power of two/);
  assert.throws(() => quantizeMatrix(new Float32Array(63), 1, 64, 'nk', 4, 32), /63 values/);
});
