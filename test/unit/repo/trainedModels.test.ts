/**
 * The shipped models trained from scratch (models/trex-gpt2-kjv, models/trex-bert-kjv; pipeline in
 * tools/training/): their tokenizers, the held-out split they never saw, and the held-out figures
 * of docs/training.md recomputed here from the shipped weights through our ONNX engine (on the
 * first verses of the held-out split) against the numbers PyTorch wrote at training time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxRuntimeBackend } from '../../../src/engine/runtime/onnxRuntime';
import { openModel } from '../../../src/engine/tasks/openModel';
import { loadTokenizer } from '../../../src/engine/tokenizers/load';
import { bertTokenizer, gptTokenizer } from '../../../tools/training/bpeVocabularies';
import { bibleAvailable, readBible, splitVerses, versesFromTsv, versesToTsv } from '../../../tools/training/corpus';
import { engineFillMask, enginePerplexity } from '../../../tools/training/engineEval';
import { BERT_DIR, GPT_DIR, HELDOUT_FILE, TRAINING_DIR } from '../../../tools/training/paths';
import { rust, referenceEncode } from '../../support/rustReference';
import { tempDir } from '../../support/tinyModels';

interface TorchFigures {
  heldoutSubset: Record<string, number>;
}

const heldout = versesFromTsv(readFileSync(HELDOUT_FILE, 'utf8'));
const torchResults = (name: 'gpt' | 'bert'): TorchFigures =>
  JSON.parse(readFileSync(join(TRAINING_DIR, 'results', `${name}.json`), 'utf8')) as TorchFigures;
/** The number of held-out verses the PyTorch script scored for `heldoutSubset` (common.py TEST_SUBSET). */
const SUBSET = 120;

function assertClose(actual: number, expected: number, what: string): void {
  const rel = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-12);
  assert.ok(rel <= 1e-3, `${what}: engine ${actual}, PyTorch ${expected} (relative difference ${rel})`);
}

test('the shipped tokenizers load, and "beginning" is made of shipped vocabulary entries', async () => {
  const text = 'In the beginning God created';
  const start = text.indexOf('beginning');
  for (const dir of [GPT_DIR, BERT_DIR]) {
    const tokenizer = await loadTokenizer(dir);
    const vocab = (JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } }).model.vocab;
    const pieces = tokenizer.encode(text).tokens.filter((t) => t.end > start && t.start < start + 'beginning'.length);
    assert.ok(pieces.length >= 1 && pieces.length <= 2, `${dir}: "beginning" → ${pieces.map((p) => p.token).join(' ')}`);
    for (const p of pieces) assert.equal(vocab[p.token], p.id, `${p.token} is entry ${p.id} of ${dir}/tokenizer.json`);
    assert.equal(pieces[0].start, dir === GPT_DIR ? start - 1 : start);
    assert.equal(pieces[pieces.length - 1].end, start + 'beginning'.length);
  }
});

test('our engine and the Rust tokenizers read the shipped tokenizer.json files identically', async () => {
  const texts = [...heldout.slice(0, 300).map((v) => v.text), 'In the beginning God created', "Thou shalt not — naïve café 😀 words, 1611!"];
  for (const [dir, special] of [[GPT_DIR, false], [BERT_DIR, true]] as const) {
    const ours = await loadTokenizer(dir);
    const reference = rust.Tokenizer.fromFile(join(dir, 'tokenizer.json'));
    for (const text of texts) {
      const expected = await referenceEncode(reference, text, special);
      const actual = ours.encode(text, { special }).tokens.map(({ id, token, start, end }) => ({ id, token, start, end }));
      assert.deepEqual(actual, expected, `${dir}: ${text}`);
    }
  }
});

test('the split is reproducible, no held-out verse is in the training split, and the tokenizers rebuild exactly', { skip: !bibleAvailable() && 'needs Debian bible-kjv (`bible`)' }, () => {
  const split = splitVerses(readBible());
  assert.equal(versesToTsv(split.test), readFileSync(HELDOUT_FILE, 'utf8'), 'the committed held-out verses are the seeded split');
  const training = new Set(split.train.map((v) => v.text));
  assert.ok(split.train.length > 25_000 && split.test.length > 1_000);
  for (const v of [...split.test, ...split.validation]) assert.ok(!training.has(v.text), `${v.ref} is also in the training split`);
  const trainTexts = split.train.map((v) => v.text);
  const shipped = (dir: string): unknown => JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8'));
  assert.deepEqual(gptTokenizer(trainTexts).tokenizerJson, shipped(GPT_DIR), 'GPT tokenizer learned again from the seeded split');
  assert.deepEqual(bertTokenizer(trainTexts).tokenizerJson, shipped(BERT_DIR), 'BERT tokenizer learned again from the seeded split');
});

test('held-out GPT perplexity and BERT fill-mask accuracy through the engine equal PyTorch’s', async () => {
  const backend = new OnnxRuntimeBackend();
  const graphCacheDir = tempDir('trex-trained-');
  const verses = heldout.slice(0, SUBSET).map((v) => v.text);

  const gpt = await openModel(GPT_DIR, backend, { device: 'cpu', graphCacheDir });
  try {
    const ours = await enginePerplexity(gpt, verses);
    const torch = torchResults('gpt').heldoutSubset;
    assert.equal(ours.tokens, torch['tokens']);
    assertClose(ours.perplexity, torch['perplexity'], 'GPT held-out perplexity');
    assert.ok(ours.perplexity < 200, `a trained model, not random weights (perplexity ${ours.perplexity} vs vocabulary ${gpt.vocabSize})`);
  } finally {
    await gpt.session.release();
  }

  const bert = await openModel(BERT_DIR, backend, { device: 'cpu', graphCacheDir });
  try {
    const ours = await engineFillMask(bert, verses);
    const torch = torchResults('bert').heldoutSubset;
    assert.equal(ours.items, torch['items']);
    assertClose(ours.loss, torch['loss'], 'BERT mean -log p(masked word)');
    assert.equal(ours.top1, torch['top1'], 'top-1 accuracy');
    assert.equal(ours.top5, torch['top5'], 'top-5 accuracy');
    assert.ok(ours.top5 > 0.05, `a trained model, not random weights (top-5 ${ours.top5}; chance is 5 / ${bert.vocabSize})`);
  } finally {
    await bert.session.release();
  }
});
