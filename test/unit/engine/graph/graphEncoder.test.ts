/**
 * BERT, RoBERTa and DistilBERT ONNX graphs (HF weight names, MLM head, run by onnxruntime-node)
 * against golden logits and attentions from an independent PyTorch implementation
 * (tools/golden/encoder_golden.py, nn.MultiheadAttention), with and without padding.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEncoderGraph, encoderHasTokenTypes } from '../../../../src/engine/graph/encoderGraph';
import type { EncoderConfig } from '../../../../src/engine/graph/encoderNames';
import { encoderTensorSpecs } from '../../../../src/engine/graph/tensorSpecs';
import { randomWeights } from '../../../support/randomWeights';
import { OnnxRuntimeBackend } from '../../../../src/engine/runtime/onnxRuntime';
import type { TensorData } from '../../../../src/engine/runtime/types';
import { flatten, floats, int64, maxAbsDiff, readFixture, rowsOf } from '../../../support/graphGolden';

interface Case { inputIds: number[]; tokenTypeIds: number[]; attentionMask: number[]; logits: number[][]; attentions: number[][][][] }
interface Golden { seed: number; config: EncoderConfig; cases: Case[] }
const TOLERANCE = 1e-4;
const backend = new OnnxRuntimeBackend();

function feeds(config: EncoderConfig, cases: readonly Case[]): Record<string, TensorData> {
  const dims = [cases.length, cases[0].inputIds.length];
  return {
    input_ids: int64(cases.flatMap((c) => c.inputIds), dims),
    attention_mask: int64(cases.flatMap((c) => c.attentionMask), dims),
    ...(encoderHasTokenTypes(config) ? { token_type_ids: int64(cases.flatMap((c) => c.tokenTypeIds), dims) } : {}),
  };
}

for (const family of ['bert', 'roberta', 'distilbert'] as const) {
  const golden = readFixture<Golden>(`${family}-golden.json`);
  const { config } = golden;
  const weights = randomWeights(encoderTensorSpecs(config), golden.seed);
  const attentionNames = Array.from({ length: config.nLayer }, (_, i) => `attentions.${i}`);

  test(`${family}: logits and every layer attention match the PyTorch golden to 1e-4, one sequence at a time and batched`, async () => {
    const s = await backend.createSession(buildEncoderGraph(config, weights, { variant: 'inspect' }), { device: 'cpu' });
    assert.deepEqual(s.inputNames, ['input_ids', 'attention_mask', ...(family === 'bert' ? ['token_type_ids'] : [])]);
    assert.deepEqual(s.outputNames, ['logits', ...attentionNames]);
    const T = golden.cases[0].inputIds.length;
    for (const c of golden.cases) {
      const out = await s.run(feeds(config, [c]), ['logits', ...attentionNames]);
      assert.deepEqual(out.logits.dims, [1, T, config.vocabSize]);
      const error = maxAbsDiff(floats(out.logits), flatten(c.logits));
      assert.ok(error < TOLERANCE, `logits max abs error ${error}`);
      for (let l = 0; l < config.nLayer; l++) {
        const attention = out[`attentions.${l}`];
        assert.deepEqual(attention.dims, [1, config.nHead, T, T]);
        const attentionError = maxAbsDiff(floats(attention), flatten(c.attentions[l]));
        assert.ok(attentionError < TOLERANCE, `layer ${l} attention max abs error ${attentionError}`);
        const real = c.attentionMask.reduce((a, b) => a + b, 0);
        for (const row of rowsOf(attention)) {
          assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
          for (let k = real; k < T; k++) assert.equal(row[k], 0, 'a padding key gets attention');
        }
      }
    }
    const batched = await s.run(feeds(config, golden.cases), ['logits']);
    const error = maxAbsDiff(floats(batched.logits), golden.cases.flatMap((c) => flatten(c.logits)));
    assert.ok(error < TOLERANCE, `batched logits max abs error ${error}`);
    await s.release();
  });

  test(`${family}: the lean graph has only logits, equal to the inspect graph's`, async () => {
    const s = await backend.createSession(buildEncoderGraph(config, weights, { variant: 'decode' }), { device: 'cpu' });
    assert.deepEqual(s.outputNames, ['logits']);
    const out = await s.run(feeds(config, golden.cases), ['logits']);
    assert.ok(maxAbsDiff(floats(out.logits), golden.cases.flatMap((c) => flatten(c.logits))) < TOLERANCE);
    await s.release();
  });
}

test('an encoder checkpoint with its own decoder weight uses it instead of the word embeddings', async () => {
  const golden = readFixture<Golden>('bert-golden.json');
  const weights = randomWeights(encoderTensorSpecs(golden.config), golden.seed);
  const untied = new Map(weights);
  untied.set('cls.predictions.decoder.weight', { dims: [golden.config.vocabSize, golden.config.hiddenSize], data: new Float32Array(golden.config.vocabSize * golden.config.hiddenSize) });
  const s = await backend.createSession(buildEncoderGraph(golden.config, untied, { variant: 'decode' }), { device: 'cpu' });
  const out = await s.run(feeds(golden.config, [golden.cases[0]]), ['logits']);
  const bias = weights.get('cls.predictions.bias')?.data;
  assert.ok(bias);
  const rows = rowsOf(out.logits);
  for (const row of rows) assert.ok(maxAbsDiff(row, bias) < 1e-6, 'zero decoder → logits = bias');
  await s.release();
});

test('unprefixed encoder weight names are accepted too; a missing one is named', () => {
  const golden = readFixture<Golden>('bert-golden.json');
  const weights = randomWeights(encoderTensorSpecs(golden.config), golden.seed);
  const bare = new Map([...weights].map(([k, v]) => [k.replace(/^bert\./, ''), v]));
  assert.ok(buildEncoderGraph(golden.config, bare, { variant: 'decode' }).length > 0);
  bare.delete('encoder.layer.1.output.LayerNorm.bias');
  assert.throws(() => buildEncoderGraph(golden.config, bare, { variant: 'decode' }), /encoder\.layer\.1\.output\.LayerNorm\.bias is missing/);
});

test('encoder hidden states: the embeddings as computed by hand, then LayerNorm outputs of every layer', async () => {
  const golden = readFixture<Golden>('bert-golden.json');
  const { config } = golden;
  const d = config.hiddenSize;
  const weights = randomWeights(encoderTensorSpecs(config), golden.seed);
  const s = await backend.createSession(buildEncoderGraph(config, weights, { variant: 'decode', hiddenStates: true }), { device: 'cpu' });
  const names = Array.from({ length: config.nLayer + 1 }, (_, i) => `hidden_states.${i}`);
  assert.deepEqual(s.outputNames, ['logits', ...names]);
  const c = golden.cases[0];
  const out = await s.run(feeds(config, [c]), ['logits', ...names]);
  assert.ok(maxAbsDiff(floats(out.logits), flatten(c.logits)) < TOLERANCE);
  const w = (name: string): Float32Array => weights.get(`bert.${name}`)?.data as Float32Array;
  const normalized = (x: number[], gain: Float32Array, bias: Float32Array): number[] => {
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length;
    return x.map((v, j) => ((v - mean) / Math.sqrt(variance + config.layerNormEpsilon)) * gain[j] + bias[j]);
  };
  const embeddings = c.inputIds.flatMap((id, t) => normalized(
    Array.from({ length: d }, (_, j) => w('embeddings.word_embeddings.weight')[id * d + j] + w('embeddings.position_embeddings.weight')[t * d + j] + w('embeddings.token_type_embeddings.weight')[c.tokenTypeIds[t] * d + j]),
    w('embeddings.LayerNorm.weight'), w('embeddings.LayerNorm.bias')));
  assert.deepEqual(out['hidden_states.0'].dims, [1, c.inputIds.length, d]);
  assert.ok(maxAbsDiff(floats(out['hidden_states.0']), embeddings) < 1e-5);
  for (let l = 1; l <= config.nLayer; l++) {
    const gain = w(`encoder.layer.${l - 1}.output.LayerNorm.weight`);
    const bias = w(`encoder.layer.${l - 1}.output.LayerNorm.bias`);
    for (const row of rowsOf(out[`hidden_states.${l}`])) {
      const unscaled = Array.from(row, (v, j) => (v - bias[j]) / gain[j]);
      const mean = unscaled.reduce((a, b) => a + b, 0) / d;
      const variance = unscaled.reduce((a, b) => a + (b - mean) ** 2, 0) / d;
      assert.ok(Math.abs(mean) < 1e-4 && Math.abs(variance - 1) < 1e-3, `layer ${l}: mean ${mean}, variance ${variance}`);
    }
  }
  await s.release();
});
