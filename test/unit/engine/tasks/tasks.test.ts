/**
 * openModel / runAttention / runLogits on tiny random-weight GPT-2 and BERT folders with the real
 * tokenizers, on onnxruntime-node: shapes, probabilities, causality, and logits equal to the
 * PyTorch golden the graph tests check.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { OnnxRuntimeBackend } from '../../../../src/engine/runtime/onnxRuntime';
import { runAttention } from '../../../../src/engine/tasks/attention';
import { TaskError } from '../../../../src/engine/tasks/errors';
import { runLogits, topK } from '../../../../src/engine/tasks/logits';
import { openModel, type LoadedModel } from '../../../../src/engine/tasks/openModel';
import { maxAbsDiff, readFixture } from '../../../support/graphGolden';
import { tempDir, tinyModelDir, tinySpec } from '../../../support/tinyModels';

const backend = new OnnxRuntimeBackend();

async function open(name: 'gpt2' | 'bert', graphCacheDir = tempDir('trex-graphs-')): Promise<LoadedModel> {
  return openModel(tinyModelDir(name), backend, { device: 'cpu', graphCacheDir });
}

function checkAttention(model: LoadedModel, attentions: Float32Array[], T: number, causal: boolean): void {
  for (const a of attentions) {
    assert.equal(a.length, model.numHeads * T * T);
    for (let row = 0; row < model.numHeads * T; row++) {
      const q = row % T;
      let sum = 0;
      for (let k = 0; k < T; k++) {
        const p = a[row * T + k];
        assert.ok(p >= 0 && p <= 1, `probability ${p}`);
        if (causal && k > q) assert.equal(p, 0, `GPT-2 token ${q} sees no later token ${k}`);
        sum += p;
      }
      assert.ok(Math.abs(sum - 1) < 1e-5, `row sums to ${sum}`);
    }
  }
}

test('openModel on a tiny GPT-2 folder: figures, graph built once into the cache, reused the second time', async () => {
  const cache = tempDir('trex-graphs-');
  const stages: string[] = [];
  const dir = tinyModelDir('gpt2');
  const m = await openModel(dir, backend, { device: 'cpu', graphCacheDir: cache, onStage: (s) => stages.push(s) });
  assert.deepEqual(stages, ['buildingGraph', 'creatingSession']);
  assert.equal(m.family, 'gpt2');
  assert.deepEqual([m.numLayers, m.numHeads, m.hiddenSize, m.contextLength, m.vocabSize], [2, 4, 32, 64, 50257]);
  assert.equal(m.maskToken, undefined);
  assert.equal(m.session.device, 'cpu');
  assert.ok(existsSync(m.graphPath) && m.graphBytes > 50257 * 32 * 4, 'the graph holds the embeddings');
  assert.deepEqual(readdirSync(cache).sort(), [basename(dirname(m.graphPath)), 'weights-sha256.json'].sort(), 'one graph, and the remembered weights hash');
  await m.session.release();
  stages.length = 0;
  const again = await openModel(dir, backend, { device: 'cpu', graphCacheDir: cache, onStage: (s) => stages.push(s) });
  assert.deepEqual(stages, ['creatingSession'], 'no rebuild');
  assert.equal(again.graphPath, m.graphPath);
  await again.session.release();
});

test('openModel on a tiny BERT folder: encoder family with its [MASK] token', async () => {
  const m = await open('bert');
  assert.equal(m.family, 'bert');
  assert.equal(m.maskToken, '[MASK]');
  assert.ok(m.session.inputNames.includes('token_type_ids'));
  await m.session.release();
});

test('GPT-2 attention: [H, T, T] per layer, rows are distributions, nothing above the diagonal', async () => {
  const m = await open('gpt2');
  const { tokens, layers, attentions } = await runAttention(m, tinySpec('gpt2').text);
  const T = tokens.length;
  assert.equal(T, 9);
  assert.deepEqual(layers, [0, 1]);
  assert.deepEqual(attentions.map((a) => a.dims), [[4, T, T], [4, T, T]]);
  checkAttention(m, attentions.map((a) => a.data as Float32Array), T, true);
  const one = await runAttention(m, tinySpec('gpt2').text, [1]);
  assert.deepEqual(one.layers, [1]);
  assert.deepEqual([...one.attentions[0].data], [...attentions[1].data]);
  await assert.rejects(runAttention(m, 'x', [2]), (e: unknown) => e instanceof TaskError && /layers 0 to 1/.test(e.message));
  await m.session.release();
});

test('BERT attention: [CLS] … [SEP] tokens, every token attends to every token', async () => {
  const m = await open('bert');
  const { tokens, attentions } = await runAttention(m, tinySpec('bert').text, [0]);
  assert.equal(tokens[0].token, '[CLS]');
  assert.equal(tokens.at(-1)?.token, '[SEP]');
  const T = tokens.length;
  checkAttention(m, [attentions[0].data as Float32Array], T, false);
  const a = attentions[0].data as Float32Array;
  assert.ok(a[1] > 0, 'token 0 attends to token 1 (no causal mask)');
  await m.session.release();
});

test('logits equal the PyTorch golden for GPT-2 and BERT; positions select rows', async () => {
  for (const name of ['gpt2', 'bert'] as const) {
    const m = await open(name);
    const spec = tinySpec(name);
    const golden = readFixture<{ cases: Array<{ logitsAtColumns: number[][]; argmax: number[] }> }>(`${name}-real-vocab-golden.json`).cases[0];
    const { tokens, positions, logits } = await runLogits(m, spec.text);
    assert.deepEqual(logits.dims, [tokens.length, m.vocabSize]);
    assert.deepEqual(positions, [...tokens.keys()]);
    const data = logits.data as Float32Array;
    tokens.forEach((_, t) => {
      const row = data.subarray(t * m.vocabSize, (t + 1) * m.vocabSize);
      assert.ok(maxAbsDiff(spec.logitColumns.map((c) => row[c]), golden.logitsAtColumns[t]) < 1e-4, `${name} row ${t}`);
      assert.equal(topK(row, 1)[0].id, golden.argmax[t]);
    });
    const picked = await runLogits(m, spec.text, [2, -1]);
    assert.deepEqual(picked.positions, [2, tokens.length - 1]);
    assert.deepEqual(picked.logits.dims, [2, m.vocabSize]);
    const V = m.vocabSize;
    assert.deepEqual([...(picked.logits.data as Float32Array).subarray(V, 2 * V)], [...data.subarray((tokens.length - 1) * V)]);
    await assert.rejects(runLogits(m, spec.text, [tokens.length]), TaskError);
    await m.session.release();
  }
});

test('a text longer than the context length is a clear error, empty text too', async () => {
  const m = await open('gpt2');
  const long = 'le chat '.repeat(40);
  await assert.rejects(runLogits(m, long), (e: unknown) => e instanceof TaskError && /81 tokens long .* at most 64/.test(e.message));
  await assert.rejects(runAttention(m, ''), (e: unknown) => e instanceof TaskError && /no tokens/.test(e.message));
  await m.session.release();
});

test('openModel on a missing folder or an unknown id says so', async () => {
  const hub = { cacheDir: tempDir('trex-hf-'), endpoint: 'http://127.0.0.1:9', offline: true, timeoutMs: 1000 };
  await assert.rejects(openModel(join(tempDir('trex-x-'), 'nope', 'deeper'), backend, { device: 'cpu', graphCacheDir: tempDir('g-'), hub }), /no model folder/);
  await assert.rejects(openModel('someone/not-cached', backend, { device: 'cpu', graphCacheDir: tempDir('g-'), hub }), /not in the Hugging Face cache/);
});
