/**
 * Hiding special tokens and merging sub-words into words: which tokens form a word (WordPiece
 * `##`, byte-level BPE pieces touching inside a word), and the aggregation — sum of the attention
 * TO a word's pieces, mean of the rows FROM them — on a matrix worked out by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate, groupLabel, tokenGroups, type GroupToken } from '../../../../src/engine/attention/tokenGroups';
import type { SquareMatrix } from '../../../../src/engine/attention/matrix';

const t = (token: string, start: number, end: number, special = false): GroupToken => ({ token, start, end, special });
const sq = (rows: number[][]): SquareMatrix => ({ n: rows.length, data: Float32Array.from(rows.flat()) });
const rowsOf = (m: SquareMatrix): number[][] => Array.from({ length: m.n }, (_, i) => Array.from(m.data.subarray(i * m.n, (i + 1) * m.n), (v) => Math.round(v * 1e6) / 1e6));

// BERT: "unaffable cat" → [CLS] un ##aff ##able cat [SEP]
const BERT_TEXT = 'unaffable cat';
const BERT = [t('[CLS]', 0, 0, true), t('un', 0, 2), t('##aff', 2, 5), t('##able', 5, 9), t('cat', 10, 13), t('[SEP]', 13, 13, true)];
// GPT-2: "Hello world, unaffable" → Hello Ġworld , Ġun aff able
const GPT_TEXT = 'Hello world, unaffable';
const GPT = [t('Hello', 0, 5), t('Ġworld', 5, 11), t(',', 11, 12), t('Ġun', 12, 15), t('aff', 15, 18), t('able', 18, 22)];

test('WordPiece: ## pieces join the word before them; special tokens stay alone or hidden', () => {
  assert.deepEqual(tokenGroups(BERT, BERT_TEXT, { hideSpecial: false, mergeSubwords: false }), [[0], [1], [2], [3], [4], [5]]);
  assert.deepEqual(tokenGroups(BERT, BERT_TEXT, { hideSpecial: false, mergeSubwords: true }), [[0], [1, 2, 3], [4], [5]]);
  assert.deepEqual(tokenGroups(BERT, BERT_TEXT, { hideSpecial: true, mergeSubwords: true }), [[1, 2, 3], [4]]);
  assert.deepEqual(tokenGroups(BERT, BERT_TEXT, { hideSpecial: true, mergeSubwords: false }), [[1], [2], [3], [4]]);
  const groups = tokenGroups(BERT, BERT_TEXT, { hideSpecial: false, mergeSubwords: true });
  assert.deepEqual(groups.map((g) => groupLabel(BERT, BERT_TEXT, g)), ['[CLS]', 'unaffable', 'cat', '[SEP]']);
});

test('byte-level BPE: pieces touching inside a word merge; punctuation and Ġ-words do not', () => {
  const groups = tokenGroups(GPT, GPT_TEXT, { hideSpecial: false, mergeSubwords: true });
  assert.deepEqual(groups, [[0], [1], [2], [3, 4, 5]]);
  assert.deepEqual(groups.map((g) => groupLabel(GPT, GPT_TEXT, g)), ['Hello', 'world', ',', 'unaffable']);
});

test('merging: sum of the attention TO the pieces, mean of the rows FROM them', () => {
  // Tokens a, b1, b2 with b1 b2 one word.
  const m = sq([
    [0.2, 0.3, 0.5],
    [0.1, 0.6, 0.3],
    [0.4, 0.4, 0.2],
  ]);
  const merged = aggregate(m, [[0], [1, 2]], { renormalize: false });
  // Row a: 0.2 to a, 0.3 + 0.5 to b. Row b: mean of [0.1, 0.9] and [0.4, 0.6].
  assert.deepEqual(rowsOf(merged), [[0.2, 0.8], [0.25, 0.75]]);
});

test('hiding tokens: rows renormalised to 1, or the raw weights kept', () => {
  const m = sq([
    [0.2, 0.3, 0.5],
    [0.1, 0.6, 0.3],
    [0.4, 0.4, 0.2],
  ]);
  assert.deepEqual(rowsOf(aggregate(m, [[1], [2]], { renormalize: true })), [[0.666667, 0.333333], [0.666667, 0.333333]]);
  assert.deepEqual(rowsOf(aggregate(m, [[1], [2]], { renormalize: false })), [[0.6, 0.3], [0.4, 0.2]]);
  assert.equal(aggregate(m, [[0], [1], [2]], { renormalize: true }), m, 'identity groups return the matrix itself');
});
