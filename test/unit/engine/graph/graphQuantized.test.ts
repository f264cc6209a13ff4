/**
 * int8/int4 graphs (weight-only block quantization run by onnxruntime's MatMulNBits):
 * - the runtime reads our packing: with weights that are already on the quantization grid, the
 *   quantized graph gives the float32 graph's numbers (accuracy level 0, float32 activations);
 * - on the shipped trained GPT-2 (models/trex-gpt2-kjv), with the default settings (int8
 *   activations inside the products), logits, next-token choices and attention stay close to
 *   float32 on held-out verses it never saw in training (BENCHMARKS.md has the full fidelity table);
 * - the float32 graph and its cache key do not change; quantized graphs import com.microsoft.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { onnx } from 'onnx-proto';
import { buildEncoderGraph } from '../../../../src/engine/graph/encoderGraph';
import type { EncoderConfig } from '../../../../src/engine/graph/encoderNames';
import { buildGpt2Graph, type Gpt2Config } from '../../../../src/engine/graph/gpt2Graph';
import { graphCacheKey } from '../../../../src/engine/graph/graphCache';
import { buildModelGraph, graphFamilyConfig, readGraphWeights } from '../../../../src/engine/graph/modelGraph';
import type { QuantizationOptions } from '../../../../src/engine/graph/precision';
import { dequantizeMatrix, quantizeMatrix, type QuantBits } from '../../../../src/engine/graph/quantizeWeights';
import { encoderTensorSpecs, gpt2TensorSpecs } from '../../../../src/engine/graph/tensorSpecs';
import type { WeightTensor } from '../../../../src/engine/graph/weights';
import { readModelDir } from '../../../../src/engine/models/modelDir';
import { Checkpoint } from '../../../../src/engine/models/weights';
import { OnnxRuntimeBackend } from '../../../../src/engine/runtime/onnxRuntime';
import type { TensorData } from '../../../../src/engine/runtime/types';
import { loadTokenizer } from '../../../../src/engine/tokenizers/load';
import { versesFromTsv } from '../../../../tools/training/corpus';
import { GPT_DIR, HELDOUT_FILE } from '../../../../tools/training/paths';
import { int64, readFixture } from '../../../support/graphGolden';
import { randomWeights } from '../../../support/randomWeights';

const backend = new OnnxRuntimeBackend();
const EXACT: QuantizationOptions = { blockSize: 32, accuracyLevel: 0 };

async function run(graph: Uint8Array, feeds: Record<string, TensorData>, fetch: string[]): Promise<Record<string, Float32Array>> {
  const session = await backend.createSession(graph, { device: 'cpu' });
  try {
    const out = await session.run(feeds, fetch);
    return Object.fromEntries(fetch.map((name) => [name, out[name].data as Float32Array]));
  } finally {
    await session.release();
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const maxAbs = (a: Float32Array): number => a.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/** `w` replaced by dequantize(quantize(w)): the values the quantized graph multiplies by. */
function onGrid(w: WeightTensor, layout: 'nk' | 'kn', bits: QuantBits): WeightTensor {
  const [n, k] = layout === 'nk' ? w.dims : [w.dims[1], w.dims[0]];
  const back = dequantizeMatrix(quantizeMatrix(w.data, n, k, layout, bits, EXACT.blockSize));
  if (layout === 'nk') return { dims: w.dims, data: back };
  const data = new Float32Array(back.length);
  for (let row = 0; row < n; row++) for (let col = 0; col < k; col++) data[col * n + row] = back[row * k + col];
  return { dims: w.dims, data };
}

const gpt2 = readFixture<{ seed: number; config: Gpt2Config; cases: Array<{ inputIds: number[] }> }>('gpt2-golden.json');
const bert = readFixture<{ seed: number; config: EncoderConfig; cases: Array<{ inputIds: number[]; tokenTypeIds: number[]; attentionMask: number[] }> }>('bert-golden.json');

for (const bits of [8, 4] as QuantBits[]) {
  const precision = bits === 8 ? 'int8' : 'int4';
  test(`${precision} GPT-2 graph: onnxruntime reads our packing (weights on the grid give the float32 graph's logits and attention)`, async () => {
    const weights = randomWeights(gpt2TensorSpecs(gpt2.config), gpt2.seed);
    for (const [name, w] of weights) {
      if (/\.(c_attn|c_proj|c_fc)\.weight$/.test(name)) weights.set(name, onGrid(w, 'kn', bits));
      if (name === 'wte.weight') weights.set(name, onGrid(w, 'nk', bits));
    }
    const ids = gpt2.cases[0].inputIds;
    const past = Object.fromEntries(Array.from({ length: gpt2.config.nLayer }, (_, i) => [`past_key_values.${i}.key`, `past_key_values.${i}.value`]).flat()
      .map((n) => [n, { type: 'float32', dims: [1, gpt2.config.nHead, 0, gpt2.config.nEmbd / gpt2.config.nHead], data: new Float32Array(0) } as TensorData]));
    const feeds = { input_ids: int64(ids, [1, ids.length]), attention_mask: int64(ids.map(() => 1), [1, ids.length]), position_ids: int64(ids.map((_, i) => i), [1, ids.length]), ...past };
    const fetch = ['logits', 'attentions.0', 'attentions.1'];
    const reference = await run(buildGpt2Graph(gpt2.config, weights, { variant: 'inspect' }), feeds, fetch);
    const quantized = await run(buildGpt2Graph(gpt2.config, weights, { variant: 'inspect', precision, quantization: EXACT }), feeds, fetch);
    assert.ok(maxAbsDiff(quantized['logits'], reference['logits']) <= 1e-4 * Math.max(1, maxAbs(reference['logits'])), `logits differ by ${maxAbsDiff(quantized['logits'], reference['logits'])}`);
    for (const name of fetch.slice(1)) assert.ok(maxAbsDiff(quantized[name], reference[name]) <= 1e-5, `${name} differs by ${maxAbsDiff(quantized[name], reference[name])}`);
  });

  test(`${precision} BERT graph: onnxruntime reads our packing (weights on the grid give the float32 graph's logits)`, async () => {
    const weights = randomWeights(encoderTensorSpecs(bert.config), bert.seed);
    for (const [name, w] of weights) {
      const projection = w.dims.length === 2 && !/position_embeddings|token_type_embeddings/.test(name);
      if (projection) weights.set(name, onGrid(w, 'nk', bits));
    }
    const c = bert.cases[0];
    const feeds = { input_ids: int64(c.inputIds, [1, c.inputIds.length]), attention_mask: int64(c.attentionMask, [1, c.inputIds.length]), token_type_ids: int64(c.tokenTypeIds, [1, c.inputIds.length]) };
    const reference = await run(buildEncoderGraph(bert.config, weights, { variant: 'inspect' }), feeds, ['logits', 'attentions.1']);
    const quantized = await run(buildEncoderGraph(bert.config, weights, { variant: 'inspect', precision, quantization: EXACT }), feeds, ['logits', 'attentions.1']);
    assert.ok(maxAbsDiff(quantized['logits'], reference['logits']) <= 1e-4 * Math.max(1, maxAbs(reference['logits'])), `logits differ by ${maxAbsDiff(quantized['logits'], reference['logits'])}`);
    assert.ok(maxAbsDiff(quantized['attentions.1'], reference['attentions.1']) <= 1e-5);
  });
}

test('quantized graphs: MatMulNBits from com.microsoft for every big product, float32 inputs and outputs; float32 graphs and cache keys unchanged', () => {
  const weights = randomWeights(gpt2TensorSpecs(gpt2.config), gpt2.seed);
  const plain = onnx.ModelProto.decode(buildGpt2Graph(gpt2.config, weights, { variant: 'decode', lastLogitsOnly: true }));
  assert.deepEqual(plain.opsetImport.map((o) => o.domain), ['']);
  assert.deepEqual(buildGpt2Graph(gpt2.config, weights, { variant: 'decode', precision: 'float32' }), buildGpt2Graph(gpt2.config, weights, { variant: 'decode' }));
  for (const precision of ['int8', 'int4'] as const) {
    const model = onnx.ModelProto.decode(buildGpt2Graph(gpt2.config, weights, { variant: 'inspect', precision }));
    assert.deepEqual(model.opsetImport.map((o) => o.domain), ['', 'com.microsoft']);
    const graph = model.graph;
    assert.ok(graph);
    const nodes = graph.node ?? [];
    const nbits = nodes.filter((n) => n.opType === 'MatMulNBits');
    assert.equal(nbits.length, 4 * gpt2.config.nLayer + 1, 'c_attn, c_proj, c_fc, mlp c_proj per layer, and the LM head');
    for (const n of nbits) {
      assert.equal(n.domain, 'com.microsoft');
      assert.equal(Number((n.attribute ?? []).find((a) => a.name === 'bits')?.i), precision === 'int8' ? 8 : 4);
    }
    const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
    for (const n of nodes.filter((x) => x.opType === 'MatMul' || x.opType === 'Gemm')) {
      assert.ok((n.input ?? []).every((i) => !initializers.has(i)), `${n.name} still multiplies by a float weight`);
    }
    for (const o of graph.output ?? []) assert.equal(o.type?.tensorType?.elemType, onnx.TensorProto.DataType.FLOAT);
    assert.notEqual(graphCacheKey('w', { variant: 'inspect', family: 'gpt2', precision }), graphCacheKey('w', { variant: 'inspect', family: 'gpt2' }));
  }
});

test('the shipped GPT-2 in int8 and int4 (default settings) stays close to float32 on held-out verses', async () => {
  const model = await readModelDir(GPT_DIR);
  const family = graphFamilyConfig(model.config);
  const checkpoint = await Checkpoint.open(model.weightFiles);
  const weights = await readGraphWeights(family, checkpoint).finally(() => checkpoint.close());
  const tokenizer = await loadTokenizer(GPT_DIR);
  const verses = versesFromTsv(readFileSync(HELDOUT_FILE, 'utf8'));
  const ids = tokenizer.encode(verses.slice(0, 8).map((v) => v.text).join(' ')).tokens.map((t) => t.id).slice(0, model.config.maxPositions);
  const T = ids.length;
  const past = Object.fromEntries(Array.from({ length: model.config.numLayers }, (_, i) => [`past_key_values.${i}.key`, `past_key_values.${i}.value`]).flat()
    .map((n) => [n, { type: 'float32', dims: [1, model.config.numHeads, 0, model.config.hiddenSize / model.config.numHeads], data: new Float32Array(0) } as TensorData]));
  const feeds = { input_ids: int64(ids, [1, T]), attention_mask: int64(ids.map(() => 1), [1, T]), position_ids: int64(ids.map((_, i) => i), [1, T]), ...past };
  const fetch = ['logits', ...Array.from({ length: model.config.numLayers }, (_, i) => `attentions.${i}`)];
  const reference = await run(buildModelGraph(family, weights, { variant: 'inspect' }), feeds, fetch);
  const V = model.config.vocabSize;
  const top1 = (logits: Float32Array, t: number): number => {
    let best = 0;
    for (let v = 1; v < V; v++) if (logits[t * V + v] > logits[t * V + best]) best = v;
    return best;
  };
  // Measured: int8 0.9 % of the largest logit, 127/128 top-1, attention 0.025; int4 9 %, 120/128, 0.073.
  const limits = { int8: { logit: 0.03, agree: 0.97, attention: 0.06 }, int4: { logit: 0.2, agree: 0.85, attention: 0.15 } };
  for (const precision of ['int8', 'int4'] as const) {
    const out = await run(buildModelGraph(family, weights, { variant: 'inspect', precision }), feeds, fetch);
    const logitDiff = maxAbsDiff(out['logits'], reference['logits']) / maxAbs(reference['logits']);
    let agree = 0;
    for (let t = 0; t < T; t++) if (top1(out['logits'], t) === top1(reference['logits'], t)) agree++;
    const attention = Math.max(...fetch.slice(1).map((n) => maxAbsDiff(out[n], reference[n])));
    const limit = limits[precision];
    assert.ok(logitDiff <= limit.logit, `${precision}: max |Δ logit| is ${logitDiff} of the largest logit`);
    assert.ok(agree / T >= limit.agree, `${precision}: top-1 agrees at ${agree} of ${T} positions`);
    assert.ok(attention <= limit.attention, `${precision}: max |Δ attention| ${attention}`);
  }
});
