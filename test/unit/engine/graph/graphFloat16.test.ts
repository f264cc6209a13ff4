/**
 * float16 weights for GPU sessions: the `precision: 'float16'` graphs store the big projection
 * weights as float16 and run those products in float16, with everything else (LayerNorm, Softmax,
 * residual sums, biases, inputs and outputs) in float32. onnxruntime-node's CPU provider runs these
 * graphs too, so their numbers are checked here against the float32 graphs of the same weights;
 * `openModel` moves a session that runs on CUDA to the float16 graph.
 *
 * Tolerance: a float16 weight or operand carries a relative rounding error of at most 2⁻¹¹ ≈ 4.9e-4,
 * so each product term is off by ≤ ~1e-3 relatively; with random signs the errors of a dot product
 * mostly cancel, and the LayerNorms after each block rescale. Two layers of a d = 32 model stay
 * far below 1e-2 of the largest logit; attention probabilities (in [0, 1]) below 1e-2 absolute.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { onnx } from 'onnx-proto';
import { buildEncoderGraph, encoderHasTokenTypes } from '../../../../src/engine/graph/encoderGraph';
import type { EncoderConfig } from '../../../../src/engine/graph/encoderNames';
import { buildGpt2Graph, type Gpt2Config, type Gpt2GraphOptions } from '../../../../src/engine/graph/gpt2Graph';
import { graphCacheKey } from '../../../../src/engine/graph/graphCache';
import { graphPrecisionFor } from '../../../../src/engine/graph/modelGraph';
import { encoderTensorSpecs, gpt2TensorSpecs } from '../../../../src/engine/graph/tensorSpecs';
import { randomWeights } from '../../../support/randomWeights';
import { OnnxRuntimeBackend } from '../../../../src/engine/runtime/onnxRuntime';
import type { InferenceBackend, InferenceSession, SessionOptions, TensorData } from '../../../../src/engine/runtime/types';
import { openModel } from '../../../../src/engine/tasks/openModel';
import { readFileSync } from 'node:fs';
import { float32, floats, int64, readFixture } from '../../../support/graphGolden';
import { tempDir, tinyModelDir } from '../../../support/tinyModels';

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const FLOAT16 = onnx.TensorProto.DataType.FLOAT16;
const backend = new OnnxRuntimeBackend();

interface Gpt2Golden { seed: number; config: Gpt2Config; cases: Array<{ inputIds: number[] }> }
interface EncoderGolden { seed: number; config: EncoderConfig; cases: Array<{ inputIds: number[]; tokenTypeIds: number[]; attentionMask: number[] }> }

function decode(bytes: Uint8Array): onnx.IGraphProto {
  const graph = onnx.ModelProto.decode(bytes).graph;
  assert.ok(graph);
  return graph;
}

/** The initializers' element types by name. */
function initializerTypes(graph: onnx.IGraphProto): Map<string, number> {
  return new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t.dataType ?? 0]));
}

function castTo(node: onnx.INodeProto | undefined): number | undefined {
  if (node?.opType !== 'Cast') return undefined;
  const to = node.attribute?.find((a) => a.name === 'to')?.i;
  return to === undefined || to === null ? undefined : Number(to);
}

/**
 * Checks where float16 lives: every float16 initializer feeds only MatMul/Gemm/Gather; each of
 * those nodes takes its other operand from a Cast to float16 and hands its result to Casts to
 * float32 only; norms, softmax and the bias/residual adds never see a float16 initializer.
 */
function assertFloat16Confined(graph: onnx.IGraphProto): number {
  const types = initializerTypes(graph);
  const nodes = graph.node ?? [];
  const producer = new Map<string, onnx.INodeProto>();
  for (const n of nodes) for (const o of n.output ?? []) producer.set(o, n);
  const consumers = (value: string) => nodes.filter((n) => (n.input ?? []).includes(value));
  let products = 0;
  for (const n of nodes) {
    const inputs = n.input ?? [];
    const halfInputs = inputs.filter((i) => types.get(i) === FLOAT16);
    if (halfInputs.length === 0) continue;
    assert.ok(['MatMul', 'Gemm', 'Gather'].includes(n.opType ?? ''), `${n.opType} ${n.name} reads float16 weights`);
    if (n.opType !== 'Gather') {
      products++;
      for (const other of inputs.filter((i) => i !== '' && !halfInputs.includes(i))) {
        assert.equal(castTo(producer.get(other)), FLOAT16, `${n.name}: operand ${other} is not cast to float16`);
      }
    }
    for (const out of n.output ?? []) {
      const after = consumers(out);
      assert.ok(after.length > 0 && after.every((c) => castTo(c) === FLOAT), `${n.name}: its float16 result goes to ${after.map((c) => c.opType).join(', ')}`);
    }
  }
  for (const n of nodes.filter((x) => ['LayerNormalization', 'Softmax', 'Add'].includes(x.opType ?? ''))) {
    for (const i of n.input ?? []) assert.notEqual(types.get(i), FLOAT16, `${n.opType} ${n.name} reads float16 ${i}`);
  }
  for (const output of graph.output ?? []) assert.equal(output.type?.tensorType?.elemType, FLOAT, `output ${output.name}`);
  for (const input of graph.input ?? []) assert.notEqual(input.type?.tensorType?.elemType, FLOAT16, `input ${input.name}`);
  return products;
}

/** Largest |a - b| over the largest |b|. */
function relativeError(actual: Float32Array, expected: Float32Array): number {
  assert.equal(actual.length, expected.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < actual.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  assert.ok(Number.isFinite(diff) && scale > 0);
  return diff / scale;
}

function maxAbs(actual: Float32Array, expected: Float32Array): number {
  let diff = 0;
  for (let i = 0; i < actual.length; i++) diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
  return diff;
}

async function runBoth(fp32: Uint8Array, fp16: Uint8Array, feeds: Record<string, TensorData>, fetch: string[]): Promise<[Record<string, TensorData>, Record<string, TensorData>]> {
  const a = await backend.createSession(fp32, { device: 'cpu' });
  const b = await backend.createSession(fp16, { device: 'cpu' });
  try {
    return [await a.run(feeds, fetch), await b.run(feeds, fetch)];
  } finally {
    await a.release();
    await b.release();
  }
}

test('float16 weights go with CUDA sessions only', () => {
  assert.equal(graphPrecisionFor('cuda'), 'float16');
  assert.equal(graphPrecisionFor('cpu'), 'float32');
});

const gpt2 = readFixture<Gpt2Golden>('gpt2-golden.json');
const gpt2Weights = randomWeights(gpt2TensorSpecs(gpt2.config), gpt2.seed);

test('the default graph is unchanged by the precision option (same bytes, same cache key)', () => {
  for (const options of [{ variant: 'inspect' }, { variant: 'decode', lastLogitsOnly: true }] satisfies Gpt2GraphOptions[]) {
    const plain = buildGpt2Graph(gpt2.config, gpt2Weights, options);
    assert.deepEqual(buildGpt2Graph(gpt2.config, gpt2Weights, { ...options, precision: 'float32' }), plain);
    assert.notDeepEqual(buildGpt2Graph(gpt2.config, gpt2Weights, { ...options, precision: 'float16' }), plain);
  }
  assert.notEqual(graphCacheKey('w', { variant: 'inspect', family: 'gpt2' }), graphCacheKey('w', { variant: 'inspect', family: 'gpt2', precision: 'float16' }));
});

test('GPT-2 float16 graph: projection weights and wte are float16, the rest float32, Casts around every product', () => {
  const graph = decode(buildGpt2Graph(gpt2.config, gpt2Weights, { variant: 'inspect', precision: 'float16' }));
  const types = initializerTypes(graph);
  const { nLayer, nEmbd: d, vocabSize: V } = gpt2.config;
  const half = ['wte.weight', ...Array.from({ length: nLayer }, (_, i) => ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'].map((m) => `h.${i}.${m}.weight`)).flat()];
  for (const name of half) assert.equal(types.get(name), FLOAT16, name);
  for (const name of ['wpe.weight', 'ln_f.weight', 'ln_f.bias', 'h.0.ln_1.weight', 'h.0.attn.c_attn.bias', 'h.1.mlp.c_proj.bias']) assert.equal(types.get(name), FLOAT, name);
  const wte = graph.initializer?.find((t) => t.name === 'wte.weight');
  assert.equal(wte?.rawData?.byteLength, V * d * 2, 'two bytes per float16 value');
  // 4 projections per layer + the tied LM head.
  assert.equal(assertFloat16Confined(graph), 4 * nLayer + 1);
});

test('GPT-2 float16 graph on the CPU provider: logits within 1e-2 of the largest float32 logit, attentions within 1e-2, same KV cache shapes', async () => {
  const attentionNames = Array.from({ length: gpt2.config.nLayer }, (_, i) => `attentions.${i}`);
  const presentNames = Array.from({ length: gpt2.config.nLayer }, (_, i) => `present.${i}.key`);
  const headDim = gpt2.config.nEmbd / gpt2.config.nHead;
  for (const c of gpt2.cases) {
    const T = c.inputIds.length;
    const feeds: Record<string, TensorData> = {
      input_ids: int64(c.inputIds, [1, T]),
      attention_mask: int64(c.inputIds.map(() => 1), [1, T]),
      position_ids: int64(c.inputIds.map((_, i) => i), [1, T]),
    };
    for (let i = 0; i < gpt2.config.nLayer; i++) {
      for (const kind of ['key', 'value']) feeds[`past_key_values.${i}.${kind}`] = float32(new Float32Array(0), [1, gpt2.config.nHead, 0, headDim]);
    }
    const [full, half] = await runBoth(
      buildGpt2Graph(gpt2.config, gpt2Weights, { variant: 'inspect' }),
      buildGpt2Graph(gpt2.config, gpt2Weights, { variant: 'inspect', precision: 'float16' }),
      feeds,
      ['logits', ...attentionNames, ...presentNames],
    );
    assert.equal(half.logits.type, 'float32');
    assert.deepEqual(half.logits.dims, full.logits.dims);
    const error = relativeError(floats(half.logits), floats(full.logits));
    assert.ok(error < 1e-2, `logits relative error ${error}`);
    assert.ok(error > 0, 'the float16 graph rounds: its logits cannot equal the float32 ones bit for bit');
    for (const name of [...attentionNames, ...presentNames]) {
      assert.equal(half[name].type, 'float32', name);
      assert.deepEqual(half[name].dims, full[name].dims, name);
    }
    for (const name of attentionNames) {
      const attentionError = maxAbs(floats(half[name]), floats(full[name]));
      assert.ok(attentionError < 1e-2, `${name} max abs error ${attentionError}`);
    }
  }
});

test('GPT-2 float16 decode graph: step-by-step decoding with the KV cache gives the logits of the full sequence', async () => {
  const { nLayer, nHead, nEmbd, vocabSize: V } = gpt2.config;
  const headDim = nEmbd / nHead;
  const s = await backend.createSession(buildGpt2Graph(gpt2.config, gpt2Weights, { variant: 'decode', precision: 'float16' }), { device: 'cpu' });
  try {
    assert.equal(s.outputNames.some((n) => n.startsWith('attentions.')), false);
    const ids = gpt2.cases[0].inputIds;
    const feeds = (step: number[], start: number, past: Record<string, TensorData>): Record<string, TensorData> => ({
      input_ids: int64(step, [1, step.length]),
      attention_mask: int64(Array(start + step.length).fill(1), [1, start + step.length]),
      position_ids: int64(step.map((_, i) => start + i), [1, step.length]),
      ...past,
    });
    const emptyPast: Record<string, TensorData> = {};
    for (let i = 0; i < nLayer; i++) for (const kind of ['key', 'value']) emptyPast[`past_key_values.${i}.${kind}`] = float32(new Float32Array(0), [1, nHead, 0, headDim]);
    const presents = Array.from({ length: nLayer }, (_, i) => [`present.${i}.key`, `present.${i}.value`]).flat();
    const full = floats((await s.run(feeds(ids, 0, emptyPast), ['logits'])).logits);
    let past = emptyPast;
    const stepped: number[] = [];
    for (let t = 0; t < ids.length; t++) {
      const out = await s.run(feeds([ids[t]], t, past), ['logits', ...presents]);
      stepped.push(...floats(out.logits));
      past = {};
      for (let i = 0; i < nLayer; i++) {
        past[`past_key_values.${i}.key`] = out[`present.${i}.key`];
        past[`past_key_values.${i}.value`] = out[`present.${i}.value`];
      }
    }
    assert.equal(stepped.length, ids.length * V);
    // Same float16 roundings either way; only the order of float32 accumulations may differ.
    const error = relativeError(Float32Array.from(stepped), full);
    assert.ok(error < 1e-4, `step-by-step vs full relative error ${error}`);
  } finally {
    await s.release();
  }
});

for (const family of ['bert', 'roberta', 'distilbert'] as const) {
  const golden = readFixture<EncoderGolden>(`${family}-golden.json`);
  const { config } = golden;
  const weights = randomWeights(encoderTensorSpecs(config), golden.seed);

  test(`${family} float16 graph: weights confined to the products, logits and attentions within 1e-2 of float32 on the CPU provider`, async () => {
    const halfBytes = buildEncoderGraph(config, weights, { variant: 'inspect', precision: 'float16' });
    const graph = decode(halfBytes);
    // q, k, v, attention output, intermediate, output per layer + the MLM head's dense and decoder.
    assert.equal(assertFloat16Confined(graph), 6 * config.nLayer + 2);
    const fullBytes = buildEncoderGraph(config, weights, { variant: 'inspect' });
    assert.ok(halfBytes.byteLength < 0.7 * fullBytes.byteLength, `${halfBytes.byteLength} bytes in float16 vs ${fullBytes.byteLength} in float32`);
    const dims = [golden.cases.length, golden.cases[0].inputIds.length];
    const feeds: Record<string, TensorData> = {
      input_ids: int64(golden.cases.flatMap((c) => c.inputIds), dims),
      attention_mask: int64(golden.cases.flatMap((c) => c.attentionMask), dims),
      ...(encoderHasTokenTypes(config) ? { token_type_ids: int64(golden.cases.flatMap((c) => c.tokenTypeIds), dims) } : {}),
    };
    const attentionNames = Array.from({ length: config.nLayer }, (_, i) => `attentions.${i}`);
    const [full, half] = await runBoth(fullBytes, halfBytes, feeds, ['logits', ...attentionNames]);
    const error = relativeError(floats(half.logits), floats(full.logits));
    assert.ok(error < 1e-2 && error > 0, `logits relative error ${error}`);
    for (const name of attentionNames) {
      const attentionError = maxAbs(floats(half[name]), floats(full[name]));
      assert.ok(attentionError < 1e-2, `${name} max abs error ${attentionError}`);
    }
  });
}

/** Runs on the CPU provider but reports CUDA, as a session on a machine with a GPU would. */
class ReportsCuda implements InferenceBackend {
  readonly opened: Array<{ model: string; device: SessionOptions['device'] }> = [];
  readonly released: string[] = [];
  async createSession(model: string | Uint8Array, options: SessionOptions): Promise<InferenceSession> {
    assert.equal(typeof model, 'string');
    const path = model as string;
    this.opened.push({ model: path, device: options.device });
    const inner = await backend.createSession(model, { device: 'cpu' });
    const released = this.released;
    return {
      inputNames: inner.inputNames,
      outputNames: inner.outputNames,
      device: options.device === 'cpu' ? 'cpu' : 'cuda',
      run: (feeds, fetch) => inner.run(feeds, fetch),
      release: async () => {
        released.push(path);
        await inner.release();
      },
    };
  }
}

test('openModel: a session that runs on CUDA moves to the float16 graph; a CPU session keeps float32', async () => {
  const dir = tinyModelDir('gpt2');
  const cache = tempDir('trex-fp16-cache-');
  try {
    const cuda = new ReportsCuda();
    const onGpu = await openModel(dir, cuda, { device: 'auto', graphCacheDir: cache });
    assert.equal(onGpu.session.device, 'cuda');
    assert.equal(cuda.opened.length, 2, 'the float32 session, then the float16 one');
    assert.deepEqual(cuda.released, [cuda.opened[0].model], 'the float32 session is released');
    assert.equal(onGpu.graphPath, cuda.opened[1].model);
    assert.equal(initializerTypes(decode(readFileSync(onGpu.graphPath))).get('wte.weight'), FLOAT16);

    const onCpu = await openModel(dir, backend, { device: 'cpu', graphCacheDir: cache });
    assert.equal(onCpu.graphPath, cuda.opened[0].model, 'the float32 graph, from the cache');
    assert.equal(initializerTypes(decode(readFileSync(onCpu.graphPath))).get('wte.weight'), FLOAT);

    const ids = onCpu.tokenizer.encode('Hello there').tokens.map((t) => t.id);
    const feeds: Record<string, TensorData> = {
      input_ids: int64(ids, [1, ids.length]),
      attention_mask: int64(ids.map(() => 1), [1, ids.length]),
      position_ids: int64(ids.map((_, i) => i), [1, ids.length]),
    };
    const headDim = onCpu.hiddenSize / onCpu.numHeads;
    for (let i = 0; i < onCpu.numLayers; i++) {
      for (const kind of ['key', 'value']) feeds[`past_key_values.${i}.${kind}`] = float32(new Float32Array(0), [1, onCpu.numHeads, 0, headDim]);
    }
    const [a, b] = [await onCpu.session.run(feeds, ['logits']), await onGpu.session.run(feeds, ['logits'])];
    const error = relativeError(floats(b.logits), floats(a.logits));
    assert.ok(error < 1e-2, `logits relative error ${error}`);
    await onGpu.session.release();
    await onCpu.session.release();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
});
