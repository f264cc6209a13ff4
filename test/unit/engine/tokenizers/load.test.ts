/** Loading tokenizers: names, files, folders, and a clear one-line TokenizerError for each mistake. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenizer, TokenizerError, BUNDLED_TOKENIZERS } from '../../../../src/engine/tokenizers/load';

const dir = mkdtempSync(join(tmpdir(), 'trex-load-'));
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function rejectsWith(spec: string, pattern: RegExp): Promise<void> {
  await assert.rejects(loadTokenizer(spec), (e: unknown) => {
    assert.ok(e instanceof TokenizerError, `not a TokenizerError: ${String(e)}`);
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes('\n'), `not one line: ${e.message}`);
    return true;
  });
}

test('bundled tokenizers load by name, with their info, once', async () => {
  assert.deepEqual([...BUNDLED_TOKENIZERS], ['gpt2', 'bert-base-uncased']);
  const gpt2 = await loadTokenizer('gpt2');
  assert.deepEqual(gpt2.info, { id: 'gpt2', label: 'GPT-2 (byte-level BPE)', kind: 'BPE', byteLevel: true, vocabSize: 50257, idBound: 50257, source: 'bundled' });
  assert.equal(await loadTokenizer('gpt2'), gpt2);
  const bert = await loadTokenizer('bert-base-uncased');
  assert.deepEqual(bert.info, { id: 'bert-base-uncased', label: 'BERT base uncased (WordPiece)', kind: 'WordPiece', byteLevel: false, vocabSize: 30522, idBound: 30522, source: 'bundled' });
  assert.equal(bert.idToToken(7592), 'hello');
  assert.equal(gpt2.idToToken(50256), '<|endoftext|>');
  assert.equal(gpt2.idToToken(999_999), undefined);
});

test('known tokenizations of the bundled vocabularies', async () => {
  const ids = async (name: string, text: string, special = false): Promise<number[]> =>
    (await loadTokenizer(name)).encode(text, { special }).tokens.map((t) => t.id);
  assert.deepEqual(await ids('gpt2', 'Hello world'), [15496, 995]);
  assert.deepEqual(await ids('gpt2', 'Hello, my dog is cute'), [15496, 11, 616, 3290, 318, 13779]);
  assert.deepEqual(await ids('bert-base-uncased', 'Hello, how are you?', true), [101, 7592, 1010, 2129, 2024, 2017, 1029, 102]);
  assert.deepEqual(await ids('bert-base-uncased', 'i like strawberries'), [1045, 2066, 13137, 20968]);
  assert.deepEqual(await ids('bert-base-uncased', '[PAD] [UNK] [MASK] the'), [0, 100, 103, 1996]);
});

test('a tokenizer.json file or a folder holding one loads; the label names the folder', async () => {
  const folder = join(dir, 'toy-model');
  mkdirSync(folder);
  const json = JSON.stringify({ model: { type: 'WordLevel', vocab: { '[UNK]': 0, hello: 1 }, unk_token: '[UNK]' }, pre_tokenizer: { type: 'WhitespaceSplit' } });
  writeFileSync(join(folder, 'tokenizer.json'), json);
  const byFolder = await loadTokenizer(folder);
  assert.equal(byFolder.info.label, 'toy-model (WordLevel)');
  assert.equal(byFolder.info.source, join(folder, 'tokenizer.json'));
  assert.deepEqual(byFolder.encode('hello there').tokens.map((t) => [t.token, t.start, t.end]), [['hello', 0, 5], ['[UNK]', 6, 11]]);
  const byFile = await loadTokenizer(join(folder, 'tokenizer.json'));
  assert.equal(byFile.info.kind, 'WordLevel');
});

test('mistakes give a one-line TokenizerError that says what is wrong', async () => {
  await rejectsWith('gpt-5', /^unknown tokenizer "gpt-5" \(bundled: gpt2, bert-base-uncased; or give a path/);
  await rejectsWith('', /no tokenizer given/);
  await rejectsWith(join(dir, 'missing', 'tokenizer.json'), /^cannot read .*missing.*: no such file/);
  await rejectsWith(dir, /^no tokenizer\.json in the folder/);
  await rejectsWith(file('broken.json', '{"model": {'), /broken\.json is not valid JSON/);
  await rejectsWith(file('other.json', '{"name": "not a tokenizer"}'), /other\.json is not a tokenizer\.json \(no "model" object\)/);
  await rejectsWith(file('array.json', '[1, 2]'), /is not a tokenizer\.json/);
  await rejectsWith(
    file('mystery.json', JSON.stringify({ model: { type: 'Mystery', vocab: [['a', 0]] } })),
    /unsupported model type "Mystery" \(supported: BPE, WordPiece, WordLevel, Unigram\)/,
  );
  await rejectsWith(
    file('precompiled.json', JSON.stringify({ normalizer: { type: 'Precompiled', precompiled_charsmap: '' }, model: { type: 'WordLevel', vocab: { a: 0 } } })),
    /precompiled\.json: normalizer\.precompiled_charsmap: the charsmap is too short/,
  );
  await rejectsWith(
    file('nfkc-cf.json', JSON.stringify({ normalizer: { type: 'NFKC_CF' }, model: { type: 'WordLevel', vocab: { a: 0 } } })),
    /unsupported normalizer type "NFKC_CF" \(supported: BertNormalizer, NFC/,
  );
  await rejectsWith(
    file('scripts.json', JSON.stringify({ pre_tokenizer: { type: 'UnicodeScripts' }, model: { type: 'WordLevel', vocab: { a: 0 } } })),
    /unsupported pre-tokenizer type "UnicodeScripts" \(supported: ByteLevel, BertPreTokenizer/,
  );
  await rejectsWith(file('nomerges.json', JSON.stringify({ model: { type: 'BPE', vocab: { a: 0 } } })), /the BPE model has no "merges" list/);
});
