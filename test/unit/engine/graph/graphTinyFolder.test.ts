/**
 * Tiny random-weight checkpoints in the real Hugging Face layout with a real tokenizer
 * (GPT-2's 50,257 tokens, bert-base-uncased's 30,522), end to end: model folder → config →
 * tokenizer ids → graph → logits and attentions equal to the PyTorch golden (a few logit columns,
 * the log-sum-exp over the whole vocabulary, the argmax).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModelGraph, graphFamilyConfig, readGraphWeights } from '../../../../src/engine/graph/modelGraph';
import { TinyModelSpec, writeTinyModelFolder } from '../../../support/tinyModelFolder';
import { readModelDir } from '../../../../src/engine/models/modelDir';
import { Checkpoint } from '../../../../src/engine/models/weights';
import type { SafetensorsDtype } from '../../../../src/engine/models/safetensors';
import { OnnxRuntimeBackend } from '../../../../src/engine/runtime/onnxRuntime';
import type { TensorData } from '../../../../src/engine/runtime/types';
import { loadTokenizer } from '../../../../src/engine/tokenizers/load';
import { flatten, floats, int64, maxAbsDiff, readFixture, rowsOf } from '../../../support/graphGolden';
import { REPO_ROOT } from '../../../support/repoRoot';

type Spec = TinyModelSpec & { text: string };
interface GoldenCase { logitColumns: number[]; logitsAtColumns: number[][]; logsumexp: number[]; argmax: number[]; attentions: number[][][][] }

async function runFolder(name: 'gpt2' | 'bert', tokenizerFile: string, dtype: SafetensorsDtype) {
  const spec = readFixture<Spec>(`${name}-real-vocab.spec.json`);
  const dir = mkdtempSync(join(tmpdir(), `trex-tiny-${name}-`));
  writeTinyModelFolder(dir, spec, dtype);
  copyFileSync(join(REPO_ROOT, 'dist', 'tokenizers', tokenizerFile), join(dir, 'tokenizer.json'));
  const folder = await readModelDir(dir);
  const tokenizer = await loadTokenizer(folder.tokenizerSpec);
  const ids = tokenizer.encode(spec.text, { special: name === 'bert' }).tokens.map((t) => t.id);
  const family = graphFamilyConfig(folder.config);
  const checkpoint = await Checkpoint.open(folder.weightFiles);
  const graph = buildModelGraph(family, await readGraphWeights(family, checkpoint), { variant: 'inspect' });
  await checkpoint.close();
  const s = await new OnnxRuntimeBackend().createSession(graph, { device: 'cpu' });
  const T = ids.length;
  const feeds: Record<string, TensorData> = { input_ids: int64(ids, [1, T]), attention_mask: int64(ids.map(() => 1), [1, T]) };
  if (family.family === 'gpt2') {
    const c = family.gpt2;
    feeds.position_ids = int64([...ids.keys()], [1, T]);
    for (let i = 0; i < c.nLayer; i++) for (const k of ['key', 'value']) feeds[`past_key_values.${i}.${k}`] = { type: 'float32', dims: [1, c.nHead, 0, c.nEmbd / c.nHead], data: new Float32Array(0) };
  } else {
    feeds.token_type_ids = int64(ids.map(() => 0), [1, T]);
  }
  const out = await s.run(feeds, s.outputNames.filter((n) => n === 'logits' || n.startsWith('attentions.')));
  await s.release();
  return { spec, ids, out };
}

function compareWithGolden(name: 'gpt2' | 'bert', ids: number[], out: Record<string, TensorData>, expectedIds: number[]): void {
  const golden = readFixture<{ cases: GoldenCase[] }>(`${name}-real-vocab-golden.json`).cases[0];
  assert.deepEqual(ids, expectedIds, 'our tokenizer gives the ids the golden was computed for');
  const rows = rowsOf(out.logits);
  assert.equal(rows.length, ids.length);
  rows.forEach((row, t) => {
    const atColumns = golden.logitColumns.map((c) => row[c]);
    assert.ok(maxAbsDiff(atColumns, golden.logitsAtColumns[t]) < 1e-4, `row ${t} columns`);
    const max = row.reduce((a, b) => Math.max(a, b), -Infinity);
    const lse = max + Math.log(row.reduce((a, b) => a + Math.exp(b - max), 0));
    assert.ok(Math.abs(lse - golden.logsumexp[t]) < 1e-4, `row ${t} log-sum-exp ${lse} vs ${golden.logsumexp[t]}`);
    assert.equal(row.indexOf(max), golden.argmax[t]);
  });
  golden.attentions.forEach((layer, l) => assert.ok(maxAbsDiff(floats(out[`attentions.${l}`]), flatten(layer)) < 1e-4, `layer ${l} attention`));
}

test('tiny GPT-2 folder with the real GPT-2 tokenizer: French sentence → golden logits and attentions', async () => {
  const { spec, ids, out } = await runFolder('gpt2', 'gpt2.json', 'F32');
  compareWithGolden('gpt2', ids, out, (spec as unknown as { inputs: number[][] }).inputs[0]);
});

test('tiny BERT folder with the real bert-base-uncased tokenizer: [MASK] sentence → golden logits and attentions', async () => {
  const { spec, ids, out } = await runFolder('bert', 'bert-base-uncased.json', 'F32');
  compareWithGolden('bert', ids, out, (spec as unknown as { inputs: Array<{ inputIds: number[] }> }).inputs[0].inputIds);
});

test('the same tiny GPT-2 stored as float16 and bfloat16 runs, close to the float32 logits', async () => {
  const f32 = floats((await runFolder('gpt2', 'gpt2.json', 'F32')).out.logits);
  for (const dtype of ['F16', 'BF16'] as const) {
    const low = floats((await runFolder('gpt2', 'gpt2.json', dtype)).out.logits);
    const error = maxAbsDiff(low, f32);
    assert.ok(error > 0 && error < (dtype === 'F16' ? 0.02 : 0.15), `${dtype}: max abs difference ${error}`);
  }
});
