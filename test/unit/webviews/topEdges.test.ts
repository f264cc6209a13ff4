/** The head view's top-k edges: ties, k ≥ n, zero rows, causal rows, and 1,024 tokens. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { topEdges, topK } from '../../../webview-ui/topEdges';

test('topK: strongest first', () => {
  assert.deepEqual(topK([0.1, 0.5, 0.2, 0.15, 0.05], 3), [1, 2, 3]);
  assert.deepEqual(topK(new Float32Array([0.3, 0.1, 0.6]), 1), [2]);
});

test('topK: ties keep the lower index first, also when they compete for the last place', () => {
  assert.deepEqual(topK([0.25, 0.25, 0.25, 0.25], 2), [0, 1]);
  assert.deepEqual(topK([0.1, 0.3, 0.3, 0.3], 2), [1, 2]);
  assert.deepEqual(topK([0.2, 0.4, 0.2, 0.2], 3), [1, 0, 2]);
});

test('topK: k ≥ n gives every positive value; k ≤ 0 none', () => {
  assert.deepEqual(topK([0.2, 0.5, 0.3], 10), [1, 2, 0]);
  assert.deepEqual(topK([0.2, 0.5, 0.3], 3), [1, 2, 0]);
  assert.deepEqual(topK([0.2, 0.5], 0), []);
  assert.deepEqual(topK([0.2, 0.5], -2), []);
  assert.deepEqual(topK([0.2, 0.5, 0.3], 2.7), [1, 2], 'a fractional k is floored');
});

test('topK: a zero row has no edges; NaN and negatives are not edges', () => {
  assert.deepEqual(topK(new Float32Array(8), 5), []);
  assert.deepEqual(topK([NaN, -1, 0, 0.4], 5), [3]);
});

test('topEdges: causal rows never link to later tokens', () => {
  const n = 6;
  // Causal: row i spreads its weight evenly over 0..i.
  const edges = topEdges(n, 3, (i, j) => (j <= i ? 1 / (i + 1) : 0));
  assert.deepEqual(edges[0], [0]);
  assert.deepEqual(edges[1], [0, 1]);
  assert.deepEqual(edges[5], [0, 1, 2]);
  edges.forEach((row, i) => row.forEach((j) => assert.ok(j <= i, `row ${i} links to ${j}`)));
  assert.equal(topEdges(n, 0, (i, j) => (j <= i ? 1 : 0))[5].length, 6, 'k = 0: every edge');
});

test('topEdges: 1,024 tokens, k = 5, quickly and at most k per row', () => {
  const n = 1024;
  const data = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) data[i * n + j] = ((i * 31 + j * 17) % 97) + 1;
  const t0 = performance.now();
  const edges = topEdges(n, 5, (i, j) => data[i * n + j]);
  const ms = performance.now() - t0;
  assert.equal(edges.length, n);
  assert.ok(edges.every((row, i) => row.length === Math.min(5, i + 1)));
  for (const [i, row] of edges.entries()) {
    for (let a = 1; a < row.length; a++) assert.ok(data[i * n + row[a - 1]] >= data[i * n + row[a]]);
    const fifth = data[i * n + row[row.length - 1]];
    let larger = 0;
    for (let j = 0; j < n; j++) if (data[i * n + j] > fifth) larger++;
    assert.ok(larger < row.length, `row ${i}: a stronger edge was left out`);
  }
  assert.ok(ms < 2000, `${ms.toFixed(0)} ms`);
});
