/**
 * The checks of what the Logit Lens and Contextual Embeddings pages send (their draw reports):
 * whole counts in range and consistent, a similarity that is a cosine, nothing else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkEmbeddingsDraw, checkLensDraw } from '../../../src/webviews/insideMessageChecks';

const hostile: unknown[] = [undefined, null, 42, 'x', [], NaN, { drawId: 1 }];

test('lens draw report: whole counts, cells within rows × columns, one outline per column at most', () => {
  const report = { drawId: 3, rows: 4, columns: 10, cells: 40, firstFinal: 10, caveat: true };
  assert.deepEqual(checkLensDraw(report), report);
  assert.deepEqual(checkLensDraw({ ...report, extra: 'dropped' }), report);
  assert.equal(checkLensDraw({ ...report, cells: 41 }), undefined, 'more cells than the grid holds');
  assert.equal(checkLensDraw({ ...report, firstFinal: 11 }), undefined, 'more outlines than columns');
  for (const bad of [-1, 1.5, NaN, Infinity, '4', 1e9, null]) assert.equal(checkLensDraw({ ...report, rows: bad }), undefined, String(bad));
  for (const bad of [-1, 1.5, NaN, Infinity, '4', 2 ** 60, null]) assert.equal(checkLensDraw({ ...report, drawId: bad }), undefined, String(bad));
  assert.equal(checkLensDraw({ ...report, caveat: 'yes' }), undefined);
  for (const p of hostile) assert.equal(checkLensDraw(p), undefined);
});

test('embeddings draw report: counts, and a similarity that is null or a cosine in [−1, 1]', () => {
  const report = { drawId: 1, curves: 3, points: 4, neighbours: 20, similarity: 0.75 };
  assert.deepEqual(checkEmbeddingsDraw(report), report);
  assert.deepEqual(checkEmbeddingsDraw({ ...report, similarity: null }), { ...report, similarity: null });
  assert.deepEqual(checkEmbeddingsDraw({ ...report, similarity: -1 }), { ...report, similarity: -1 });
  for (const bad of [1.5, -2, NaN, Infinity, '0.5', undefined]) assert.equal(checkEmbeddingsDraw({ ...report, similarity: bad }), undefined, String(bad));
  for (const bad of [-1, 0.5, '3', 1e9]) assert.equal(checkEmbeddingsDraw({ ...report, curves: bad }), undefined, String(bad));
  for (const p of hostile) assert.equal(checkEmbeddingsDraw(p), undefined);
});
