/**
 * SentencePiece model files (`sentencepiece.bpe.model`): the hand-written protobuf reader, its
 * faults, and a camembert-type model folder that has only that file — loaded through openModel as
 * the RoBERTa graph, with the same numbers as the same weights declared `roberta` with a tokenizer.json.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTinyModelFolder, type TinyModelSpec } from '../../../support/tinyModelFolder';
import { OnnxRuntimeBackend } from '../../../../src/engine/runtime/onnxRuntime';
import { runLogits } from '../../../../src/engine/tasks/logits';
import { openModel } from '../../../../src/engine/tasks/openModel';
import { buildTokenizer } from '../../../../src/engine/tokenizers/buildTokenizer';
import { sentencePieceTokenizerJson } from '../../../../src/engine/tokenizers/fromSentencePiece';
import { tokenizerJsonFromVocabFiles } from '../../../../src/engine/tokenizers/fromVocabFiles';
import { parseSentencePieceModel } from '../../../../src/engine/tokenizers/sentencePieceModel';
import { tempDir } from '../../../support/tinyModels';
import { REPO_ROOT } from '../../../support/repoRoot';

const MODEL_FILE = join(REPO_ROOT, 'test', 'fixtures', 'camembert-spm', 'sentencepiece.bpe.model');

/** Protobuf encoding, enough to write small ModelProto messages by hand. */
function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? b | 0x80 : b);
  } while (v > 0n);
  return out;
}
const key = (field: number, wire: number): number[] => varint((field << 3) | wire);
const bytesField = (field: number, payload: number[]): number[] => [...key(field, 2), ...varint(payload.length), ...payload];
const stringField = (field: number, s: string): number[] => bytesField(field, [...Buffer.from(s, 'utf8')]);
const intField = (field: number, n: number): number[] => [...key(field, 0), ...varint(n)];
function floatField(field: number, x: number): number[] {
  const b = Buffer.alloc(4);
  b.writeFloatLE(x);
  return [...key(field, 5), ...b];
}
function piece(p: string, score: number, type?: number): number[] {
  return bytesField(1, [...stringField(1, p), ...floatField(2, score), ...(type ? intField(3, type) : [])]);
}

test('the fixture model reads as spm_train wrote it: 2,000 pieces, Unigram, nmt_nfkc charsmap', () => {
  const model = parseSentencePieceModel(readFileSync(MODEL_FILE), 'fixture');
  assert.equal(model.pieces.length, 2000);
  assert.equal(model.modelType, 1);
  assert.equal(model.unkId, 0);
  assert.equal(model.byteFallback, false);
  assert.equal(model.normalizerName, 'nmt_nfkc');
  assert.equal(model.precompiledCharsmap.length, 237561);
  assert.deepEqual(model.pieces.slice(0, 5), [
    { piece: '<unk>', score: 0, type: 2 },
    { piece: '<s>', score: 0, type: 3 },
    { piece: '</s>', score: 0, type: 3 },
    // The float32 scores, exactly as SentencePiece's own Python binding reports them.
    { piece: ',', score: -2.9928672313690186, type: 1 },
    { piece: '▁the', score: -3.2071197032928467, type: 1 },
  ]);
  assert.ok(model.pieces.slice(3).every((p) => p.type === 1 && p.score < 0 && p.piece.length > 0));
});

test('broken or foreign SentencePiece files are one-line errors, never a read past the end', () => {
  const full = readFileSync(MODEL_FILE);
  const cases: Array<[Uint8Array, RegExp]> = [
    [full.subarray(0, 1000), /^TokenizerError: m is not a SentencePiece model \((field of \d+ bytes past the end|length past the end|truncated varint) at byte \d+\)$/],
    [full.subarray(0, full.length - 3), /^TokenizerError: m is not a SentencePiece model \(/],
    [new Uint8Array(0), /^TokenizerError: m is not a SentencePiece model \(no pieces or no trainer spec\)$/],
    [Buffer.from('{"model": "json"}'), /^TokenizerError: m is not a SentencePiece model \(/],
    [Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), /length past the end|past the end/],
    [Uint8Array.from([...piece('a', -1), ...bytesField(2, intField(40, 7))]), /^TokenizerError: m: unknown-piece id 7 is outside the 1 pieces$/],
  ];
  for (const [bytes, pattern] of cases) assert.throws(() => parseSentencePieceModel(bytes, 'm'), pattern);
});

test('a hand-made Unigram model without charsmap rebuilds; a BPE one is refused with a clear message', () => {
  const unigram = Uint8Array.from([
    ...piece('<unk>', 0, 2), ...piece('<s>', 0, 3), ...piece('</s>', 0, 3), ...piece('▁a', -1), ...piece('b', -2), ...piece('▁', -3),
    ...bytesField(2, [...intField(3, 1), ...intField(43, -1)]),
    ...bytesField(3, stringField(1, 'identity')),
  ]);
  const model = parseSentencePieceModel(unigram, 'u.model');
  assert.equal(model.precompiledCharsmap.length, 0);
  const json = sentencePieceTokenizerJson(model, 'xlm-roberta', 'u.model');
  const tok = buildTokenizer(json, { id: 'u', source: 'u', where: 'u' });
  // No Precompiled step (empty charsmap): only runs of spaces collapse.
  assert.deepEqual(tok.encode('a  b', { special: true }).tokens.map((t) => [t.token, t.id, t.start, t.end]), [
    ['<s>', 0, 0, 0], ['▁a', 4, 0, 1], ['▁', 6, 2, 3], ['b', 5, 3, 4], ['</s>', 2, 0, 0],
  ]);
  const bpe = Uint8Array.from([...piece('<unk>', 0, 2), ...piece('a', 0), ...bytesField(2, intField(3, 2))]);
  assert.throws(() => sentencePieceTokenizerJson(parseSentencePieceModel(bpe, 'b.model'), 'camembert', 'b.model'), /^TokenizerError: b\.model is a SentencePiece BPE model; only Unigram models are rebuilt — add the model's tokenizer\.json$/);
});

test('a camembert folder with only sentencepiece.bpe.model opens as the RoBERTa graph, with the numbers of the same weights as roberta', async () => {
  const spec: TinyModelSpec = {
    family: 'encoder',
    seed: 32005,
    config: { modelType: 'roberta', vocabSize: 2005, hiddenSize: 32, nLayer: 2, nHead: 4, intermediateSize: 64, maxPositions: 40, typeVocabSize: 1, layerNormEpsilon: 1e-5, padTokenId: 1 },
  };
  const camembertDir = tempDir('trex-camembert-');
  writeTinyModelFolder(camembertDir, spec);
  const config = JSON.parse(readFileSync(join(camembertDir, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(camembertDir, 'config.json'), JSON.stringify({ ...config, model_type: 'camembert', architectures: ['CamembertForMaskedLM'] }));
  copyFileSync(MODEL_FILE, join(camembertDir, 'sentencepiece.bpe.model'));
  const robertaDir = tempDir('trex-roberta-same-weights-');
  writeTinyModelFolder(robertaDir, spec);
  writeFileSync(join(robertaDir, 'tokenizer.json'), JSON.stringify((await tokenizerJsonFromVocabFiles(camembertDir)).json));

  const backend = new OnnxRuntimeBackend();
  const camembert = await openModel(camembertDir, backend, { device: 'cpu', graphCacheDir: tempDir('trex-graphs-') });
  const roberta = await openModel(robertaDir, backend, { device: 'cpu', graphCacheDir: tempDir('trex-graphs-') });
  try {
    assert.equal(camembert.family, 'roberta');
    assert.equal(camembert.model.config.modelType, 'camembert');
    assert.equal(camembert.maskToken, '<mask>');
    assert.equal(camembert.tokenizer.info.kind, 'Unigram');
    assert.equal(camembert.contextLength, 38, '40 position rows minus the RoBERTa offset of 2');
    const text = 'Le chat <mask> sur le tapis.';
    const a = await runLogits(camembert, text);
    const b = await runLogits(roberta, text);
    const ids = a.tokens.map((t) => t.id);
    assert.deepEqual(ids, b.tokens.map((t) => t.id));
    assert.equal(ids[0], 5, '<s> is id 5 in camembert');
    assert.equal(ids[ids.length - 1], 6, '</s> is id 6');
    assert.ok(ids.includes(2004), '<mask> is the last id');
    assert.deepEqual(a.logits.dims, [ids.length, 2005]);
    const x = a.logits.data as Float32Array;
    const y = b.logits.data as Float32Array;
    assert.ok(x.every(Number.isFinite));
    assert.ok(x.every((v, i) => Math.abs(v - y[i]) < 1e-6), 'camembert runs exactly as roberta');
  } finally {
    await camembert.session.release();
    await roberta.session.release();
  }
});
