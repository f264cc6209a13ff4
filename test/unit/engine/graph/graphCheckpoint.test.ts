/**
 * From config.json + model.safetensors (written with the models area's writer, HF names) to a graph
 * that matches the PyTorch golden: the glue between src/engine/models and the graph builders.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModelGraph, graphFamilyConfig, GraphBuildError, readGraphWeights } from '../../../../src/engine/graph/modelGraph';
import { encoderTensorSpecs, gpt2TensorSpecs } from '../../../../src/engine/graph/tensorSpecs';
import { randomWeights } from '../../../support/randomWeights';
import type { WeightTensor } from '../../../../src/engine/graph/weights';
import { parseModelConfig } from '../../../../src/engine/models/config';
import { encodeSafetensors, TensorToWrite } from '../../../../src/engine/models/safetensorsWriter';
import { Checkpoint } from '../../../../src/engine/models/weights';
import { OnnxRuntimeBackend } from '../../../../src/engine/runtime/onnxRuntime';
import { flatten, floats, int64, maxAbsDiff, readFixture } from '../../../support/graphGolden';

const dir = mkdtempSync(join(tmpdir(), 'trex-graph-ckpt-'));

function writeCheckpoint(name: string, weights: ReadonlyMap<string, WeightTensor>, rename: (n: string) => string = (n) => n): string {
  const tensors: Record<string, TensorToWrite> = {};
  for (const [key, { dims, data }] of weights) {
    tensors[rename(key)] = { dtype: 'F32', shape: dims, bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  }
  const file = join(dir, `${name}.safetensors`);
  writeFileSync(file, encodeSafetensors(tensors));
  return file;
}

interface Golden<C> { seed: number; config: C; cases: Array<{ inputIds: number[]; tokenTypeIds?: number[]; attentionMask?: number[]; logits: number[][] }> }

test('GPT-2 from config.json and a transformer.-prefixed safetensors checkpoint matches the golden logits', async () => {
  const golden = readFixture<Golden<{ nLayer: number; nHead: number; nEmbd: number; vocabSize: number; nPositions: number; layerNormEpsilon: number }>>('gpt2-golden.json');
  const c = golden.config;
  const config = parseModelConfig({ model_type: 'gpt2', n_layer: c.nLayer, n_head: c.nHead, n_embd: c.nEmbd, vocab_size: c.vocabSize, n_positions: c.nPositions, layer_norm_epsilon: c.layerNormEpsilon, activation_function: 'gelu_new' });
  const family = graphFamilyConfig(config);
  const file = writeCheckpoint('gpt2', randomWeights(gpt2TensorSpecs(c), golden.seed), (n) => `transformer.${n}`);
  const checkpoint = await Checkpoint.open({ kind: 'single', file });
  const graph = buildModelGraph(family, await readGraphWeights(family, checkpoint), { variant: 'decode' });
  await checkpoint.close();
  const s = await new OnnxRuntimeBackend().createSession(graph, { device: 'cpu' });
  const ids = golden.cases[0].inputIds;
  const T = ids.length;
  const past: Record<string, { type: 'float32'; dims: number[]; data: Float32Array }> = {};
  for (let i = 0; i < c.nLayer; i++) for (const k of ['key', 'value']) past[`past_key_values.${i}.${k}`] = { type: 'float32', dims: [1, c.nHead, 0, c.nEmbd / c.nHead], data: new Float32Array(0) };
  const out = await s.run({ input_ids: int64(ids, [1, T]), attention_mask: int64(ids.map(() => 1), [1, T]), position_ids: int64([...ids.keys()], [1, T]), ...past }, ['logits']);
  const error = maxAbsDiff(floats(out.logits), flatten(golden.cases[0].logits));
  assert.ok(error < 1e-4, `max abs error ${error}`);
  await s.release();
});

test('RoBERTa (model_type camembert) from config.json and safetensors matches the golden logits', async () => {
  const golden = readFixture<Golden<{ vocabSize: number; hiddenSize: number; nLayer: number; nHead: number; intermediateSize: number; maxPositions: number; typeVocabSize: number; layerNormEpsilon: number; padTokenId: number; modelType: 'roberta' }>>('roberta-golden.json');
  const c = golden.config;
  const config = parseModelConfig({
    model_type: 'camembert', vocab_size: c.vocabSize, hidden_size: c.hiddenSize, num_hidden_layers: c.nLayer, num_attention_heads: c.nHead,
    intermediate_size: c.intermediateSize, max_position_embeddings: c.maxPositions, type_vocab_size: c.typeVocabSize, layer_norm_eps: c.layerNormEpsilon,
    pad_token_id: c.padTokenId, hidden_act: 'gelu',
  });
  const family = graphFamilyConfig(config);
  const file = writeCheckpoint('roberta', randomWeights(encoderTensorSpecs(c), golden.seed));
  const checkpoint = await Checkpoint.open({ kind: 'single', file });
  const graph = buildModelGraph(family, await readGraphWeights(family, checkpoint), { variant: 'decode' });
  await checkpoint.close();
  const s = await new OnnxRuntimeBackend().createSession(graph, { device: 'cpu' });
  for (const k of golden.cases) {
    const T = k.inputIds.length;
    const out = await s.run({ input_ids: int64(k.inputIds, [1, T]), attention_mask: int64(k.attentionMask ?? [], [1, T]) }, ['logits']);
    const error = maxAbsDiff(floats(out.logits), flatten(k.logits));
    assert.ok(error < 1e-4, `max abs error ${error}`);
  }
  await s.release();
});

test('a missing tensor and an unsupported activation are clear GraphBuildErrors', async () => {
  const c = { nLayer: 1, nHead: 2, nEmbd: 8, vocabSize: 10, nPositions: 8, layerNormEpsilon: 1e-5 };
  const weights = randomWeights(gpt2TensorSpecs(c), 7);
  weights.delete('h.0.attn.c_proj.bias');
  const config = parseModelConfig({ model_type: 'gpt2', n_layer: 1, n_head: 2, n_embd: 8, vocab_size: 10, n_positions: 8 });
  const checkpoint = await Checkpoint.open({ kind: 'single', file: writeCheckpoint('gpt2-broken', weights) });
  await assert.rejects(readGraphWeights(graphFamilyConfig(config), checkpoint), (e: unknown) => e instanceof GraphBuildError && /no tensor "h\.0\.attn\.c_proj\.bias"/.test(e.message));
  await checkpoint.close();
  const relu = parseModelConfig({ model_type: 'gpt2', n_layer: 1, n_head: 2, n_embd: 8, vocab_size: 10, n_positions: 8, activation_function: 'relu' });
  assert.throws(() => graphFamilyConfig(relu), /activation "relu" is not supported/);
});

test('BERT checkpoints with LayerNorm gamma/beta names (converted from TensorFlow, like bert-base-uncased) load', async () => {
  const golden = readFixture<Golden<{ vocabSize: number; hiddenSize: number; nLayer: number; nHead: number; intermediateSize: number; maxPositions: number; typeVocabSize: number; layerNormEpsilon: number; padTokenId: number; modelType: 'bert' }>>('bert-golden.json');
  const c = golden.config;
  const config = parseModelConfig({
    model_type: 'bert', vocab_size: c.vocabSize, hidden_size: c.hiddenSize, num_hidden_layers: c.nLayer, num_attention_heads: c.nHead,
    intermediate_size: c.intermediateSize, max_position_embeddings: c.maxPositions, type_vocab_size: c.typeVocabSize, layer_norm_eps: c.layerNormEpsilon,
  });
  const family = graphFamilyConfig(config);
  const legacy = (n: string): string => (/LayerNorm\.(weight|bias)$/.test(n) ? n.replace(/\.weight$/, '.gamma').replace(/\.bias$/, '.beta') : n);
  const file = writeCheckpoint('bert-legacy', randomWeights(encoderTensorSpecs(c), golden.seed), legacy);
  const checkpoint = await Checkpoint.open({ kind: 'single', file });
  assert.ok(checkpoint.has('bert.embeddings.LayerNorm.gamma') && !checkpoint.has('bert.embeddings.LayerNorm.weight'));
  const graph = buildModelGraph(family, await readGraphWeights(family, checkpoint), { variant: 'decode' });
  await checkpoint.close();
  const s = await new OnnxRuntimeBackend().createSession(graph, { device: 'cpu' });
  const k = golden.cases[0];
  const T = k.inputIds.length;
  const out = await s.run({ input_ids: int64(k.inputIds, [1, T]), attention_mask: int64(k.attentionMask ?? [], [1, T]), token_type_ids: int64(k.tokenTypeIds ?? [], [1, T]) }, ['logits']);
  assert.ok(maxAbsDiff(floats(out.logits), flatten(k.logits)) < 1e-4);
  await s.release();
});
