/** The pure pieces of contextual embeddings: cosine, other occurrences of a word, the nearest rows. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cosine, meanRows, nearestRows, otherOccurrences } from '../../../../src/engine/inside/embeddings';
import type { EmbeddingTable } from '../../../../src/engine/inside/modelTables';

test('cosine: parallel 1, opposite −1, orthogonal 0, a zero vector 0 (not NaN)', () => {
  assert.ok(Math.abs(cosine([1, 2], [2, 4]) - 1) < 1e-15);
  assert.ok(Math.abs(cosine([1, 2], [-1, -2]) + 1) < 1e-15);
  assert.equal(cosine([1, 0], [0, 3]), 0);
  assert.equal(cosine([0, 0], [1, 1]), 0);
  assert.ok(Math.abs(cosine([1, 1], [1, 0]) - Math.SQRT1_2) < 1e-15);
});

test('meanRows: the mean of the chosen rows', () => {
  const m = Float32Array.from([1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(meanRows(m, [0, 2], 2)), [3, 4]);
  assert.deepEqual(Array.from(meanRows(m, [1], 2)), [3, 4]);
});

test('otherOccurrences: whole words only, Unicode letters, the excluded one left out, at most `limit`', () => {
  const text = 'le chat, les chats et le chaton; le chat';
  assert.deepEqual(otherOccurrences(text, 'chat', 3, 8), [{ start: 36, end: 40 }], 'not chats nor chaton, not the one at 3');
  assert.deepEqual(otherOccurrences(text, 'chat', 99, 8), [{ start: 3, end: 7 }, { start: 36, end: 40 }]);
  assert.deepEqual(otherOccurrences(text, 'le', 0, 8), [{ start: 22, end: 24 }, { start: 33, end: 35 }], '"les" is not "le"');
  assert.deepEqual(otherOccurrences('été, étés, l’été', 'été', 0, 8), [{ start: 13, end: 16 }], 'accented letters are word characters; ’ is not');
  assert.deepEqual(otherOccurrences('éaété été', 'été', -1, 8), [{ start: 6, end: 9 }], 'é before is a letter: "aété" holds no whole "été"');
  assert.deepEqual(otherOccurrences('naïve naïveté naïve', 'naïve', 0, 8), [{ start: 14, end: 19 }]);
  assert.deepEqual(otherOccurrences('a_b a b', 'a', -1, 8), [{ start: 4, end: 5 }], '_ joins words');
  assert.deepEqual(otherOccurrences('x x x x', 'x', -1, 2), [{ start: 0, end: 1 }, { start: 2, end: 3 }], 'the limit');
  assert.deepEqual(otherOccurrences('a, b', ', ', -1, 8), [{ start: 1, end: 3 }], 'a span that starts with punctuation matches next to a letter');
  assert.deepEqual(otherOccurrences('word word', '  ', -1, 8), [], 'blank: nothing');
  assert.deepEqual(otherOccurrences('日本 日本語 日本', '日本', 0, 8), [{ start: 7, end: 9 }], 'CJK letters are letters too');
});

function table(rows: number[][]): EmbeddingTable {
  const dim = rows[0].length;
  const data = Float32Array.from(rows.flat());
  const norms = Float32Array.from(rows, (r) => Math.hypot(...r));
  return { rows: rows.length, dim, data, norms };
}

test('nearestRows: by cosine, best first, itself and zero rows left out, at most `count`', () => {
  const t = table([
    [1, 0], // 0: the query
    [0, 1], // 1: cos 0
    [1, 0.1], // 2: cos ≈ 0.995
    [-1, 0], // 3: cos −1
    [0, 0], // 4: a zero row
    [2, 1], // 5: cos ≈ 0.894
    [1, 1], // 6: cos ≈ 0.707
    [5, 0], // 7: cos 1 (same direction, longer)
  ]);
  const all = nearestRows(t, 0, 10);
  assert.deepEqual(all.map((n) => n.id), [7, 2, 5, 6, 1, 3]);
  assert.ok(Math.abs(all[0].cosine - 1) < 1e-6);
  assert.ok(Math.abs(all[2].cosine - 2 / Math.sqrt(5)) < 1e-6);
  assert.ok(Math.abs(all[5].cosine + 1) < 1e-6);
  for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].cosine >= all[i].cosine);
  assert.deepEqual(nearestRows(t, 0, 3).map((n) => n.id), [7, 2, 5], 'the first `count` of the full order');
  assert.deepEqual(nearestRows(t, 3, 4).map((n) => n.id), [1, 6, 5, 2], 'from another row: (0, 1) at cos 0 first, x and 5x at −1 last');
});
