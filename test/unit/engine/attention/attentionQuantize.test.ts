/**
 * Display quantization (quantize.ts): bytes with one scale per matrix, an error of at most max/510,
 * no NaN ever, and the edge cases (all zeros, one value, NaN/negative/infinite inputs, blocks).
 * And the faster products of the rollout: the lower-triangular product equals the full one on
 * causal matrices.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dequantize, dequantizeBlocks, quantize, quantizeBlocks } from '../../../../src/engine/attention/quantize';
import { identity, isLowerTriangular, multiply, type SquareMatrix } from '../../../../src/engine/attention/matrix';

/** A seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('quantize: error at most max/510 on random attention rows, bytes 0–255, the max maps to 255', () => {
  const rnd = random(15);
  for (const size of [1, 2, 7, 64, 1000, 4096]) {
    const data = Float32Array.from({ length: size }, () => rnd() ** 3);
    const q = quantize(data);
    assert.equal(q.data.length, size);
    const max = data.reduce((m, v) => Math.max(m, v), 0);
    assert.equal(q.scale, max);
    assert.ok(q.data.includes(255) || max === 0, 'the largest value is 255');
    const back = dequantize(q);
    for (let k = 0; k < size; k++) {
      assert.ok(Math.abs(back[k] - data[k]) <= max / 510 + 1e-7, `value ${k}: ${data[k]} → ${back[k]} (max ${max})`);
      assert.ok(!Number.isNaN(back[k]));
    }
  }
});

test('quantize: all zeros, a single value, and values that are not weights never give NaN', () => {
  const zeros = quantize(new Float32Array(9));
  assert.equal(zeros.scale, 0);
  assert.deepEqual(Array.from(zeros.data), Array(9).fill(0));
  assert.deepEqual(Array.from(dequantize(zeros)), Array(9).fill(0));

  const one = quantize(Float32Array.of(0.37));
  assert.deepEqual(Array.from(one.data), [255]);
  assert.ok(Math.abs(dequantize(one)[0] - 0.37) < 1e-7, 'n = 1: exact at the scale');
  assert.deepEqual(Array.from(dequantize(quantize(Float32Array.of(0)))), [0]);
  assert.equal(quantize(new Float32Array(0)).data.length, 0);

  const odd = quantize(Float32Array.of(NaN, -1, Infinity, -Infinity, 0.5, 0.25));
  assert.equal(odd.scale, 0.5, 'only finite non-negative values count');
  assert.deepEqual(Array.from(odd.data), [0, 0, 0, 0, 255, 128]);
  assert.ok(dequantize(odd).every((v) => Number.isFinite(v)));
  assert.deepEqual(Array.from(dequantize({ data: Uint8Array.of(255, 3), scale: NaN })), [0, 0], 'a bad scale dequantizes to zeros');
});

test('quantizeBlocks: one scale per thumbnail, each within its own max/510', () => {
  const rnd = random(7);
  const block = 16;
  const data = Float32Array.from({ length: 5 * block }, (_, k) => (k < block ? 0 : rnd() * (1 + Math.floor(k / block))));
  const q = quantizeBlocks(data, block);
  assert.equal(q.scales.length, 5);
  assert.equal(q.scales[0], 0, 'an empty thumbnail');
  const back = dequantizeBlocks(q.data, q.scales);
  for (let b = 0; b < 5; b++) {
    for (let k = b * block; k < (b + 1) * block; k++) assert.ok(Math.abs(back[k] - data[k]) <= q.scales[b] / 510 + 1e-6, `block ${b}`);
  }
  assert.throws(() => quantizeBlocks(data, 3), /blocks of 3/);
  assert.throws(() => dequantizeBlocks(q.data, new Float32Array(3)), /for 3 scales/);
});

function randomCausal(n: number, rnd: () => number): SquareMatrix {
  const data = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j <= i; j++) s += data[i * n + j] = rnd();
    for (let j = 0; j <= i; j++) data[i * n + j] /= s;
  }
  return { n, data };
}

test('multiply: the lower-triangular product equals the full one on causal matrices, and stays causal', () => {
  const rnd = random(3);
  for (const n of [1, 2, 5, 33]) {
    const a = randomCausal(n, rnd);
    const b = randomCausal(n, rnd);
    const full = multiply(a, b);
    const lower = multiply(a, b, { lowerTriangular: true });
    assert.ok(isLowerTriangular(lower));
    for (let k = 0; k < n * n; k++) assert.ok(Math.abs(full.data[k] - lower.data[k]) < 1e-6, `n = ${n}, cell ${k}`);
    assert.deepEqual(Array.from(multiply(a, identity(n)).data), Array.from(a.data), 'A · I = A');
  }
});
