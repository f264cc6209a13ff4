/**
 * GPT-2 ONNX graph (built from HF weight names, run by onnxruntime-node) against golden logits and
 * attentions from an independent PyTorch implementation (tools/golden/gpt2_golden.py), plus the
 * KV cache: step-by-step decoding gives the logits of the full sequence.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGpt2Graph, Gpt2Config, Gpt2GraphOptions } from '../../../../src/engine/graph/gpt2Graph';
import { gpt2TensorSpecs } from '../../../../src/engine/graph/tensorSpecs';
import { randomWeights } from '../../../support/randomWeights';
import { OnnxRuntimeBackend } from '../../../../src/engine/runtime/onnxRuntime';
import type { InferenceSession, TensorData } from '../../../../src/engine/runtime/types';
import { flatten, float32, floats, int64, maxAbsDiff, readFixture, rowsOf } from '../../../support/graphGolden';

interface Golden {
  seed: number;
  config: Gpt2Config;
  cases: Array<{ inputIds: number[]; logits: number[][]; attentions: number[][][][] }>;
}
const golden = readFixture<Golden>('gpt2-golden.json');
const config = golden.config;
const headDim = config.nEmbd / config.nHead;
const weights = randomWeights(gpt2TensorSpecs(config), golden.seed);
const backend = new OnnxRuntimeBackend();
const TOLERANCE = 1e-4;

function session(options: Gpt2GraphOptions): Promise<InferenceSession> {
  return backend.createSession(buildGpt2Graph(config, weights, options), { device: 'cpu' });
}

function emptyPast(batch: number): Record<string, TensorData> {
  const feeds: Record<string, TensorData> = {};
  for (let i = 0; i < config.nLayer; i++) {
    for (const kind of ['key', 'value']) feeds[`past_key_values.${i}.${kind}`] = float32(new Float32Array(0), [batch, config.nHead, 0, headDim]);
  }
  return feeds;
}

function fullFeeds(ids: number[], withPositions = true): Record<string, TensorData> {
  const T = ids.length;
  return {
    input_ids: int64(ids, [1, T]),
    attention_mask: int64(ids.map(() => 1), [1, T]),
    ...(withPositions ? { position_ids: int64(ids.map((_, i) => i), [1, T]) } : {}),
    ...emptyPast(1),
  };
}

const attentionNames = Array.from({ length: config.nLayer }, (_, i) => `attentions.${i}`);

test('GPT-2 inspect graph: logits and every layer attention match the PyTorch golden to 1e-4', async () => {
  const s = await session({ variant: 'inspect' });
  assert.equal(s.device, 'cpu');
  for (const c of golden.cases) {
    const out = await s.run(fullFeeds(c.inputIds), ['logits', ...attentionNames]);
    assert.deepEqual(Object.keys(out).sort(), ['logits', ...attentionNames].sort(), 'only the fetched outputs');
    assert.deepEqual(out.logits.dims, [1, c.inputIds.length, config.vocabSize]);
    const logitsError = maxAbsDiff(floats(out.logits), flatten(c.logits));
    assert.ok(logitsError < TOLERANCE, `logits max abs error ${logitsError}`);
    for (let l = 0; l < config.nLayer; l++) {
      assert.deepEqual(out[`attentions.${l}`].dims, [1, config.nHead, c.inputIds.length, c.inputIds.length]);
      const error = maxAbsDiff(floats(out[`attentions.${l}`]), flatten(c.attentions[l]));
      assert.ok(error < TOLERANCE, `layer ${l} attention max abs error ${error}`);
    }
  }
  await s.release();
});

test('GPT-2 attention rows sum to 1 and nothing attends to a later token', async () => {
  const s = await session({ variant: 'inspect' });
  const ids = golden.cases[0].inputIds;
  const T = ids.length;
  const out = await s.run(fullFeeds(ids), attentionNames);
  for (const name of attentionNames) {
    rowsOf(out[name]).forEach((row, r) => {
      const query = r % T;
      const sum = row.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-5, `${name} row ${r} sums to ${sum}`);
      for (let k = query + 1; k < T; k++) assert.equal(row[k], 0, `${name} query ${query} attends to later key ${k}`);
      assert.ok(row.slice(0, query + 1).some((p) => p > 0));
    });
  }
  await s.release();
});

test('GPT-2 decode graph with the KV cache, one token at a time, gives the full-sequence logits', async () => {
  const s = await session({ variant: 'decode' });
  assert.ok(!s.outputNames.some((n) => n.startsWith('attentions.')), 'the decode graph has no attention outputs');
  const presentNames = s.outputNames.filter((n) => n.startsWith('present.'));
  assert.equal(presentNames.length, 2 * config.nLayer);
  for (const c of golden.cases) {
    const ids = c.inputIds;
    let past = emptyPast(1);
    for (let t = 0; t < ids.length; t++) {
      const out = await s.run({
        input_ids: int64([ids[t]], [1, 1]),
        attention_mask: int64(Array(t + 1).fill(1), [1, t + 1]),
        position_ids: int64([t], [1, 1]),
        ...past,
      }, ['logits', ...presentNames]);
      assert.deepEqual(out.logits.dims, [1, 1, config.vocabSize]);
      const error = maxAbsDiff(floats(out.logits), c.logits[t]);
      assert.ok(error < TOLERANCE, `step ${t}: logits max abs error ${error}`);
      past = {};
      for (let i = 0; i < config.nLayer; i++) {
        for (const kind of ['key', 'value']) {
          const present = out[`present.${i}.${kind}`];
          assert.deepEqual(present.dims, [1, config.nHead, t + 1, headDim]);
          past[`past_key_values.${i}.${kind}`] = present;
        }
      }
    }
  }
  await s.release();
});

test('GPT-2 with a cached prefix: a 3-token chunk after a 4-token past matches, attention spans past+T', async () => {
  const s = await session({ variant: 'inspect' });
  const c = golden.cases[0];
  const prefix = await s.run(fullFeeds(c.inputIds.slice(0, 4)), s.outputNames.filter((n) => n.startsWith('present.')));
  const past: Record<string, TensorData> = {};
  for (const [name, t] of Object.entries(prefix)) past[name.replace('present.', 'past_key_values.')] = t;
  const out = await s.run({
    input_ids: int64(c.inputIds.slice(4), [1, 3]),
    attention_mask: int64(Array(7).fill(1), [1, 7]),
    position_ids: int64([4, 5, 6], [1, 3]),
    ...past,
  }, ['logits', 'attentions.1']);
  const error = maxAbsDiff(floats(out.logits), flatten(c.logits.slice(4)));
  assert.ok(error < TOLERANCE, `chunk logits max abs error ${error}`);
  assert.deepEqual(out['attentions.1'].dims, [1, config.nHead, 3, 7]);
  const expected = c.attentions[1].flatMap((head) => head.slice(4)).flat();
  assert.ok(maxAbsDiff(floats(out['attentions.1']), expected) < TOLERANCE);
  await s.release();
});

test('GPT-2 without a position_ids input counts positions from the past length', async () => {
  const s = await session({ variant: 'decode', positionIdsInput: false });
  assert.ok(!s.inputNames.includes('position_ids'));
  const c = golden.cases[1];
  const out = await s.run(fullFeeds(c.inputIds, false), ['logits']);
  assert.ok(maxAbsDiff(floats(out.logits), flatten(c.logits)) < TOLERANCE);
  await s.release();
});

test('GPT-2 batch with right padding: each row equals its unpadded run; padded keys get no attention', async () => {
  const s = await session({ variant: 'inspect' });
  const [a, b] = golden.cases;
  const T = a.inputIds.length;
  const padded = [...b.inputIds, ...Array(T - b.inputIds.length).fill(0)];
  const mask = [...a.inputIds.map(() => 1), ...b.inputIds.map(() => 1), ...Array(T - b.inputIds.length).fill(0)];
  const positions = [...Array(T).keys(), ...Array(T).keys()];
  const out = await s.run({
    input_ids: int64([...a.inputIds, ...padded], [2, T]),
    attention_mask: int64(mask, [2, T]),
    position_ids: int64(positions, [2, T]),
    ...emptyPast(2),
  }, ['logits', 'attentions.0']);
  const V = config.vocabSize;
  const logits = floats(out.logits);
  assert.ok(maxAbsDiff(logits.subarray(0, T * V), flatten(a.logits)) < TOLERANCE);
  assert.ok(maxAbsDiff(logits.subarray(T * V, (T + b.inputIds.length) * V), flatten(b.logits)) < TOLERANCE);
  const rows = rowsOf(out['attentions.0']).slice(config.nHead * T);
  for (const row of rows) for (let k = b.inputIds.length; k < T; k++) assert.equal(row[k], 0);
  await s.release();
});

test('a missing or misshapen weight is a clear error naming it', () => {
  const missing = new Map(weights);
  missing.delete('h.1.mlp.c_fc.bias');
  assert.throws(() => buildGpt2Graph(config, missing, { variant: 'decode' }), /h\.1\.mlp\.c_fc\.bias is missing/);
  const wrong = new Map(weights);
  wrong.set('ln_f.weight', { dims: [config.nEmbd + 1], data: new Float32Array(config.nEmbd + 1) });
  assert.throws(() => buildGpt2Graph(config, wrong, { variant: 'decode' }), /ln_f\.weight has shape \[33\], expected \[32\]/);
  const prefixed = new Map([...weights].map(([k, v]) => [`transformer.${k}`, v]));
  assert.ok(buildGpt2Graph(config, prefixed, { variant: 'decode' }).length > 0, 'transformer.-prefixed names are accepted');
});

test('GPT-2 with lastLogitsOnly returns the last row of the logits; hidden states are the embeddings, blocks and ln_f output', async () => {
  const c = golden.cases[0];
  const T = c.inputIds.length;
  const V = config.vocabSize;
  const d = config.nEmbd;
  for (const hiddenStates of [false, true]) {
    const s = await session({ variant: 'decode', lastLogitsOnly: true, hiddenStates });
    const hiddenNames = hiddenStates ? Array.from({ length: config.nLayer + 1 }, (_, i) => `hidden_states.${i}`) : [];
    assert.deepEqual(s.outputNames.filter((n) => n.startsWith('hidden_states.')), hiddenNames);
    const out = await s.run(fullFeeds(c.inputIds), ['logits', ...hiddenNames]);
    assert.deepEqual(out.logits.dims, [1, 1, V]);
    assert.ok(maxAbsDiff(floats(out.logits), c.logits[T - 1]) < TOLERANCE);
    if (!hiddenStates) {
      await s.release();
      continue;
    }
    const wte = weights.get('wte.weight')?.data as Float32Array;
    const wpe = weights.get('wpe.weight')?.data as Float32Array;
    const embeddings = c.inputIds.flatMap((id, t) => Array.from({ length: d }, (_, j) => wte[id * d + j] + wpe[t * d + j]));
    assert.ok(maxAbsDiff(floats(out['hidden_states.0']), embeddings) < 1e-6);
    const last = floats(out[`hidden_states.${config.nLayer}`]);
    const logits = Array.from({ length: T * V }, (_, k) => {
      const [t, v] = [Math.floor(k / V), k % V];
      let sum = 0;
      for (let j = 0; j < d; j++) sum += last[t * d + j] * wte[v * d + j];
      return sum;
    });
    assert.ok(maxAbsDiff(logits, flatten(c.logits)) < TOLERANCE, 'the last hidden state times wteᵀ gives the logits');
    await s.release();
  }
});

test('GPT-2 batch with left padding (positions from the mask, as transformers.js feeds them): real rows match, no NaN', async () => {
  const s = await session({ variant: 'inspect' });
  const [a, b] = golden.cases;
  const T = a.inputIds.length;
  const pad = T - b.inputIds.length;
  const mask = [...a.inputIds.map(() => 1), ...Array(pad).fill(0), ...b.inputIds.map(() => 1)];
  const positions = [...Array(T).keys(), ...Array(pad).fill(1), ...b.inputIds.map((_, i) => i)];
  const out = await s.run({
    input_ids: int64([...a.inputIds, ...Array(pad).fill(0), ...b.inputIds], [2, T]),
    attention_mask: int64(mask, [2, T]),
    position_ids: int64(positions, [2, T]),
    ...emptyPast(2),
  }, ['logits', 'attentions.1']);
  const V = config.vocabSize;
  const logits = floats(out.logits);
  assert.ok(logits.every(Number.isFinite));
  assert.ok(maxAbsDiff(logits.subarray((T + pad) * V, 2 * T * V), flatten(b.logits)) < TOLERANCE);
  const rows = rowsOf(out['attentions.1']).slice(config.nHead * T);
  rows.forEach((row, r) => {
    const query = r % T;
    if (query < pad) return;
    for (let k = 0; k < pad; k++) assert.equal(row[k], 0, 'a left-padding key gets attention');
    assert.ok(Math.abs(row.reduce((x, y) => x + y, 0) - 1) < 1e-5);
  });
  await s.release();
});

test('GPT-2 body by blocks of query rows (the surprisal body): the same last states as the whole matrix, at every length', async () => {
  const whole = await session({ variant: 'decode', finalHiddenOnly: true });
  const blocked = await session({ variant: 'decode', finalHiddenOnly: true, queryBlocks: 4 });
  // Shorter than the blocks (empty ones), not a multiple of them, and the golden config's whole context.
  for (const T of [1, 2, 3, 5, 17, config.nPositions]) {
    const ids = Array.from({ length: T }, (_, i) => (i * 7919 + 13) % config.vocabSize);
    const [a, b] = await Promise.all([whole, blocked].map(async (s) => (await s.run(fullFeeds(ids), ['residual_final'])).residual_final));
    assert.deepEqual(b.dims, [1, T, config.nEmbd]);
    const error = maxAbsDiff(floats(b), floats(a));
    assert.ok(error < 1e-5, `T = ${T}: max |Δ| ${error}`);
  }
  assert.throws(() => buildGpt2Graph(config, weights, { variant: 'decode', queryBlocks: 4 }), /queryBlocks/);
});
