/**
 * Very long words (a document that is one run of letters, or one repeated character): the BPE
 * merges of long words (bpeMerge.ts, O(n log n) with typed arrays) are exactly tokenizers.js's
 * and the Rust reference's; BERT and Unigram give the reference's tokens too. Speed is measured
 * in the report, not asserted here: 1 MiB of letters through GPT-2 went from ~9.5 s to ~0.6 s.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHfTokenizer, type HfBpeModel } from '../../../../src/engine/tokenizers/hfTokenizers';
import { mergeSymbols } from '../../../../src/engine/tokenizers/bpeMerge';
import { bpeInitialSymbols, rankTable } from '../../../../src/engine/tokenizers/bpeTrace';
import { buildTokenizer } from '../../../../src/engine/tokenizers/buildTokenizer';
import { NormalizedString } from '../../../../src/engine/tokenizers/normalizedString';
import { createPreTokenizer } from '../../../../src/engine/tokenizers/preTokenizers';
import { loadTokenizer } from '../../../../src/engine/tokenizers/load';
import { bundledJsonPath, firstDifference, referenceEncode, rust, type PlainToken } from '../../../support/rustReference';
import { seededRandom } from '../../../support/unicodeStress';
import { REPO_ROOT } from '../../../support/repoRoot';

test('mergeSymbols gives tokenizers.js bpe()\'s symbols on random words of every length (GPT-2 merges)', () => {
  const json = JSON.parse(readFileSync(bundledJsonPath('gpt2'), 'utf8')) as Record<string, unknown>;
  const hf = createHfTokenizer({ ...json, normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null }).model as unknown as HfBpeModel;
  const ranks = rankTable(hf.merges);
  const random = seededRandom(17);
  const alphabet = 'abcdefghijklmnopqrstuvwxyzĠĊeeettaaoo0123';
  for (let k = 0; k < 1500; k++) {
    let word = '';
    for (let n = 1 + Math.floor(random() * 700); n > 0; n--) word += alphabet[Math.floor(random() * alphabet.length)];
    // Longer than tokenizers.js caches, so its bpe() computes every word.
    assert.deepEqual(mergeSymbols(bpeInitialSymbols(word, ''), ranks), hf.bpe(word), word);
  }
});

test('a pair listed twice takes its last rank in encode and in the replay, as in Rust', async () => {
  const json = {
    version: '1.0', added_tokens: [], normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null,
    model: { type: 'BPE', vocab: { a: 0, b: 1, c: 2, ab: 3, bc: 4 }, merges: ['a b', 'b c', 'a b'] },
  };
  const tok = buildTokenizer(json, { id: 'd', source: 'd', where: 'd.json' });
  const reference = await rust.Tokenizer.fromString(JSON.stringify(json)).encode('abc', null, { addSpecialTokens: false });
  assert.deepEqual(reference.getTokens(), ['a', 'bc']);
  assert.deepEqual(tok.encode('abc').tokens.map((t) => t.token), ['a', 'bc']);
  assert.deepEqual(tok.trace('abc')[0].trace.tokens, ['a', 'bc']);
  const long = 'abc'.repeat(200);
  assert.deepEqual(tok.encode(long).tokens.map((t) => t.token), Array.from({ length: 200 }, () => ['a', 'bc']).flat());
});

function letters(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += 'abcdefghijklmnopqrstuvwxyz'[(i * 7 + (i >> 3)) % 26];
  return s;
}

test('one long word (letters, or one repeated character) through GPT-2, BERT and a Unigram model equals Rust', async () => {
  const texts = [letters(100_000), 'a'.repeat(100_000), `x ${letters(5_000)}é${'z'.repeat(3_000)} y`];
  const specs: Array<[string, string]> = [
    ['gpt2', bundledJsonPath('gpt2')],
    ['bert-base-uncased', bundledJsonPath('bert-base-uncased')],
    [join(REPO_ROOT, 'test', 'fixtures', 'unigram-toy', 'tokenizer.json'), join(REPO_ROOT, 'test', 'fixtures', 'unigram-toy', 'tokenizer.json')],
  ];
  for (const [spec, file] of specs) {
    const ours = await loadTokenizer(spec);
    const reference = rust.Tokenizer.fromFile(file);
    for (const text of texts) {
      const expected = await referenceEncode(reference, text, false);
      const actual: PlainToken[] = ours.encode(text).tokens.map(({ id, token, start, end }) => ({ id, token, start, end }));
      const diff = firstDifference(text, expected, actual);
      if (diff) assert.fail(`${spec}, a word of ${text.length}:\n${diff}`);
    }
  }
});

test('a run of letters longer than V8\'s backtracking stack allows is cut by the linear engine: the same words as the native split', async () => {
  // V8's own `\p{L}+` overflowed its stack on ~5 million letters ("Maximum call stack size
  // exceeded", trex exit 70); texts over 2^20 units now go to the linear-time engine.
  const split = createPreTokenizer({ type: 'ByteLevel', add_prefix_space: false, use_regex: true });
  assert.ok(split);
  const tail = " don't   stop 123 ?!\n\n😀 end";
  const words = (text: string): Array<[number, number]> => split([NormalizedString.fromOriginal(text)]).map((w) => [w.startAt(0), w.endAt(w.length - 1)]);
  const long = words('a'.repeat(5_000_000) + tail);
  const short = words('a'.repeat(1000) + tail);
  assert.deepEqual(long[0], [0, 5_000_000]);
  assert.deepEqual(long.slice(1), short.slice(1).map(([s, e]) => [s + 4_999_000, e + 4_999_000]));
});

test('a normalizer that makes the text over 32 times longer is refused when it does, naming the file (no seconds of work from a few kilobytes)', async () => {
  const json = JSON.parse(readFileSync(bundledJsonPath('gpt2'), 'utf8')) as Record<string, unknown>;
  json.normalizer = { type: 'Replace', pattern: { String: 'aa' }, content: 'x'.repeat(1000) };
  const tok = buildTokenizer(json, { id: 'amplifier', source: 'amplifier.json', where: 'amplifier.json' });
  assert.throws(() => tok.encode('a'.repeat(5000)), /^TokenizerError: amplifier\.json: normalizer: makes a text of 5000 characters 2500000 characters long, more than 32 times longer/);
  assert.equal(tok.encode('aa b').tokens[0].end, 2, 'short texts keep a few thousand characters of slack');
});

test('WordPiece with a huge max_input_chars_per_word: a 5,000-character word equals Rust, and no candidate longer than the vocabulary\'s longest entry is tried', async () => {
  const json = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'wordpiece-toy', 'tokenizer.json'), 'utf8')) as { model: Record<string, unknown> };
  json.model.max_input_chars_per_word = 9007199254740991;
  const tok = buildTokenizer(json, { id: 'wp', source: 'wp.json', where: 'wp.json' });
  const reference = rust.Tokenizer.fromString(JSON.stringify(json));
  for (const word of ['unaffable'.repeat(500), `${'una'.repeat(1600)}é😀`, 'a'.repeat(5000)]) {
    const expected = await referenceEncode(reference, word, false);
    const actual: PlainToken[] = tok.encode(word).tokens.map(({ id, token, start, end }) => ({ id, token, start, end }));
    assert.equal(firstDifference(word, expected, actual), undefined);
  }
  const vocab = Object.keys(json.model.vocab as object);
  // The replay shows candidates from the whole rest of the word up to 64 characters (the course's search), never more.
  const longest = Math.max(64, ...vocab.map((t) => t.replace(/^##/, '').length));
  for (const { trace } of tok.trace('una'.repeat(1600) + 'é😀')) {
    if (trace.kind !== 'wordpiece') continue;
    for (const step of trace.steps) assert.ok(step.tried.length <= longest, `${step.tried.length} candidates tried at ${step.start}`);
  }
});
