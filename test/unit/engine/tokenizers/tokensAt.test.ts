/** The hover's question: which word is under the cursor, and which tokens of the line cover it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTokenizer } from '../../../../src/engine/tokenizers/load';
import { tokensAt, wordAt } from '../../../../src/engine/tokenizers/tokensAt';

test('wordAt: letters and digits, symbol runs, the word just before the cursor, nothing on spaces', () => {
  const line = 'The café -> 42 😀😀  end';
  assert.deepEqual(wordAt(line, 5), { start: 4, end: 8 });
  assert.deepEqual(wordAt(line, 8), { start: 4, end: 8 }, 'cursor right after a word');
  assert.deepEqual(wordAt(line, 10), { start: 9, end: 11 }, 'a symbol run');
  assert.deepEqual(wordAt(line, 12), { start: 12, end: 14 });
  assert.deepEqual(wordAt(line, 16), { start: 15, end: 19 }, 'the second half of a surrogate pair');
  assert.equal(wordAt(line, 20), undefined, 'between two spaces');
  assert.equal(wordAt(line, -1), undefined);
  assert.equal(wordAt(line, line.length + 1), undefined);
  assert.deepEqual(wordAt(line, line.length), { start: 21, end: 24 });
});

test('GPT-2: the tokens overlapping the hovered word, from the whole line', async () => {
  const gpt2 = await loadTokenizer('gpt2');
  const line = 'The quick brown fox jumps over the lazy dog';
  const at = tokensAt(gpt2, line, 6);
  assert.deepEqual(at?.word, { start: 4, end: 9 });
  assert.deepEqual(at?.tokens.map((t) => [t.id, t.token, t.start, t.end]), [[2068, 'Ġquick', 3, 9]]);
  const emoji = tokensAt(gpt2, 'I ❤️ 😀 tokens', 6);
  assert.deepEqual(emoji?.word, { start: 5, end: 7 });
  assert.deepEqual(emoji?.tokens.map((t) => [t.token, t.start, t.end]), [['ĠðŁĺ', 4, 7], ['Ģ', 5, 7]]);
  assert.deepEqual(tokensAt(gpt2, line, 3)?.tokens.map((t) => t.token), ['The'], 'cursor right after "The"');
});

test('BERT: a word cut in pieces, special tokens left out, results are copies', async () => {
  const bert = await loadTokenizer('bert-base-uncased');
  const line = '[CLS] Tokenization is unaffable';
  const at = tokensAt(bert, line, 25);
  assert.deepEqual(at?.word, { start: 22, end: 31 });
  assert.deepEqual(at?.tokens.map((t) => [t.id, t.token, t.start, t.end]), [[14477, 'una', 22, 25], [20961, '##ffa', 25, 28], [3468, '##ble', 28, 31]]);
  const cls = tokensAt(bert, line, 2);
  assert.deepEqual(cls?.tokens.map((t) => t.token), ['[CLS]']);
  if (at) at.tokens[0].id = -1;
  assert.equal(tokensAt(bert, line, 25)?.tokens[0].id, 14477);
  assert.equal(tokensAt(bert, '   ', 1), undefined);
});

test('a very long line is encoded around the cursor, with the same tokens as the whole line', async () => {
  for (const name of ['gpt2', 'bert-base-uncased']) {
    const tok = await loadTokenizer(name);
    const words = 'Le chat mangé la souris; the lowest newer wider, unaffable! 😀 x=f(y) '.split(' ');
    const line = Array.from({ length: 3000 }, (_, i) => words[i % words.length]).join(' ');
    const whole = tok.encode(line).tokens;
    for (const offset of [5, 9000, 15_000, line.length - 3]) {
      const at = tokensAt(tok, line, offset);
      assert.ok(at);
      const expected = whole.filter((t) => t.end > t.start && t.start < at.word.end && t.end > at.word.start);
      assert.deepEqual(at.tokens, expected, `${name} at ${offset}`);
    }
  }
});
