/**
 * The inside-the-model requests through the real model host (dist/modelHost.js, onnxruntime-node)
 * on the tiny random-weight GPT-2 and BERT: model/attentionSteps, model/logitLens and
 * model/embeddings, their results' shapes and agreement with each other, progress, and the params
 * checks (bad spans, a layer out of range named with its range, topK bounds).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelHostClient } from '../../../src/host/client';
import { codeOf, onnxHostClient } from '../../support/hostClients';
import { tempDir, tinyModelDir } from '../../support/tinyModels';

const rejection = (p: Promise<unknown>): Promise<unknown> => p.then(
  () => assert.fail('expected a rejection'),
  (e: unknown) => e,
);

async function expectError(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const e = await rejection(p);
  assert.equal(codeOf(e), code, `code of: ${(e as Error).message}`);
  if (message) assert.match((e as Error).message, message);
}

test('host: model/attentionSteps on a tiny GPT-2 — the steps, the model\'s row, and errors naming the range', async () => {
  const client: ModelHostClient = onnxHostClient(tempDir('trex-host-inside-'));
  try {
    const gpt2 = await client.request('model/load', { spec: tinyModelDir('gpt2'), device: 'cpu' });
    const text = 'the cat sat on the mat';
    const s = await client.request('model/attentionSteps', { modelId: gpt2.modelId, text, layer: 1, head: 2, query: 3 });
    assert.deepEqual([s.layer, s.head, s.query, s.numLayers, s.numHeads, s.dModel, s.dk, s.layout], [1, 2, 3, 2, 4, 32, 8, 'preLN']);
    const T = s.tokens.length;
    assert.equal(s.input.length, 32);
    assert.equal(s.q.length, 8);
    assert.equal(s.keys.length, T);
    assert.deepEqual(s.allowed, Array.from({ length: T }, (_, j) => j <= 3));
    assert.ok(s.weights.slice(4).every((w) => w === 0), 'no weight on a later token');
    assert.ok(Math.abs(s.weights.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    assert.ok(s.maxDifference < 1e-5, `the float64 softmax is the graph's row (${s.maxDifference})`);
    assert.deepEqual(s.allHeads[2], s.modelWeights);
    assert.equal(s.concat.length, 32);
    s.headOutput.forEach((x, c) => assert.ok(Math.abs(s.concat[16 + c] - x) < 1e-5, 'Σ a v is the graph\'s head 2, in its place in the concatenation'));
    assert.equal(s.projected.length, 32);

    const base = { modelId: gpt2.modelId, text, layer: 0, head: 0, query: 0 };
    await expectError(client.request('model/attentionSteps', { ...base, layer: 2 }), 'invalidInput', /layer 2 does not exist: layers are 0 to 1/);
    await expectError(client.request('model/attentionSteps', { ...base, head: 4 }), 'invalidInput', /heads are 0 to 3/);
    await expectError(client.request('model/attentionSteps', { ...base, query: T }), 'invalidInput', new RegExp(`tokens 0 to ${T - 1}`));
    await expectError(client.request('model/attentionSteps', { ...base, layer: -1 }), 'invalidParams', /layer must be an integer from 0/);
    await expectError(client.request('model/attentionSteps', { ...base, head: 1.5 }), 'invalidParams', /head must be an integer/);
    await expectError(client.request('model/attentionSteps', { ...base, query: undefined } as never), 'invalidParams', /query/);
    await expectError(client.request('model/attentionSteps', { ...base, text: 42 } as never), 'invalidParams', /text/);
    await expectError(client.request('model/attentionSteps', { ...base, modelId: 'nope' }), 'unknownModel');
  } finally {
    client.dispose();
  }
});

test('host: model/logitLens — causal rows for every position with progress, masked at [MASK] or a word, topK bounds', async () => {
  const client: ModelHostClient = onnxHostClient(tempDir('trex-host-inside-'));
  try {
    const gpt2 = await client.request('model/load', { spec: tinyModelDir('gpt2'), device: 'cpu' });
    const text = 'the cat sat on the mat';
    const progress: Array<[number, number]> = [];
    const stages: string[] = [];
    const lens = await client.request('model/logitLens', { modelId: gpt2.modelId, text, topK: 4 }, {
      onProgress: (p) => {
        stages.push(p.stage);
        if (p.done !== undefined && p.total !== undefined) progress.push([p.done, p.total]);
      },
    });
    const T = lens.tokens.length;
    assert.equal(lens.kind, 'causal');
    assert.deepEqual(lens.positions, [...Array(T).keys()]);
    assert.equal(lens.cells.length, 3, 'the embeddings and two layers');
    assert.ok(stages.includes('buildingGraph'), 'the head graph is built the first time');
    assert.deepEqual(progress.at(-1), [3 * T, 3 * T], 'rows read, of all rows');
    for (const row of lens.cells) {
      row.forEach((cell, t) => {
        assert.equal(cell.top.length, 4);
        for (let i = 1; i < 4; i++) assert.ok(cell.top[i - 1].prob >= cell.top[i].prob);
        if (t === T - 1) assert.equal(cell.target, undefined, 'nothing follows the last token');
        else assert.equal(cell.target?.id, lens.tokens[t + 1].id, 'the target is the next token');
      });
    }
    const again: string[] = [];
    await client.request('model/logitLens', { modelId: gpt2.modelId, text }, { onProgress: (p) => void again.push(p.stage) });
    assert.ok(!again.includes('buildingGraph'), 'the head session is kept');

    const base = { modelId: gpt2.modelId, text };
    await expectError(client.request('model/logitLens', { ...base, topK: 0 }), 'invalidParams', /topK must be an integer from 1 to 20/);
    await expectError(client.request('model/logitLens', { ...base, topK: 21 }), 'invalidParams', /topK/);
    assert.equal((await client.request('model/logitLens', { ...base, topK: 20 })).cells[0][0].top.length, 20);
    await expectError(client.request('model/logitLens', { ...base, word: { start: 4, end: 7 } }), 'invalidInput', /causal model/);
    await expectError(client.request('model/logitLens', { ...base, word: { start: 4, end: 99 } }), 'invalidParams', /word must be \{ start, end \}/);

    const bert = await client.request('model/load', { spec: tinyModelDir('bert'), device: 'cpu' });
    await expectError(client.request('model/logitLens', { modelId: bert.modelId, text }), 'invalidInput', /no \[MASK\] in the text/);
    const masked = await client.request('model/logitLens', { modelId: bert.modelId, text: 'the cat [MASK] on the mat' });
    assert.equal(masked.kind, 'masked');
    assert.equal(masked.positions.length, 1);
    assert.equal(masked.tokens[masked.positions[0]].token, '[MASK]');
    assert.equal(masked.cells[0][0].top.length, 5, 'top 5 by default');
    const byWord = await client.request('model/logitLens', { modelId: bert.modelId, text, word: { start: 4, end: 7 } });
    assert.deepEqual(byWord.masked, { start: 4, end: 7, text: 'cat', maskCount: 1, readText: 'the [MASK] sat on the mat' });
    assert.equal(byWord.cells.at(-1)?.[0].target?.token, 'cat', 'scored against the word that was there');
  } finally {
    client.dispose();
  }
});

test('host: model/embeddings — occurrences, a second selection, neighbours, and span errors', async () => {
  const client: ModelHostClient = onnxHostClient(tempDir('trex-host-inside-'));
  try {
    const bert = await client.request('model/load', { spec: tinyModelDir('bert'), device: 'cpu' });
    const text = 'the bank of the river and the bank downtown';
    const e = await client.request('model/embeddings', { modelId: bert.modelId, text, spans: [{ start: 4, end: 8 }] });
    assert.equal(e.word.text, 'bank');
    assert.equal(e.comparisons.length, 1, 'the other "bank"');
    assert.equal(e.comparisons[0].source, 'occurrence');
    assert.equal(e.comparisons[0].other.start, 30);
    assert.equal(e.comparisons[0].cosine.length, e.numLayers + 1);
    assert.ok(Math.abs(e.comparisons[0].cosine[0] - 1) > 1e-6, 'different positions: not the same vector even at the embeddings');
    assert.equal(e.staticCosine.length, e.numLayers + 1);
    assert.equal(e.nearest.length, 1);
    assert.equal(e.nearest[0].neighbours.length, 10, '10 by default');
    assert.ok(e.nearest[0].neighbours.every((n) => n.id !== e.tokens[e.word.positions[0]].id), 'itself left out');
    assert.equal(e.similarity, undefined);

    const two = await client.request('model/embeddings', { modelId: bert.modelId, text, spans: [{ start: 4, end: 8 }, { start: 16, end: 21 }], neighbours: 3 });
    assert.equal(two.comparisons.length, 1);
    assert.equal(two.comparisons[0].source, 'selection');
    assert.equal(two.comparisons[0].other.text, 'river');
    assert.equal(two.nearest[0].neighbours.length, 3);
    assert.ok(two.similarity);
    assert.equal(two.similarity.method, 'meanLastLayerCosine');
    assert.ok(Math.abs(two.similarity.cosine - two.comparisons[0].cosine[two.numLayers]) < 1e-12, 'the last layer\'s cosine');

    const base = { modelId: bert.modelId, text };
    await expectError(client.request('model/embeddings', { ...base, spans: [] }), 'invalidParams', /one or two/);
    await expectError(client.request('model/embeddings', { ...base, spans: [{ start: 0, end: 3 }, { start: 4, end: 8 }, { start: 9, end: 11 }] }), 'invalidParams', /one or two/);
    await expectError(client.request('model/embeddings', { ...base, spans: [{ start: 8, end: 4 }] }), 'invalidParams', /spans\[0\]/);
    await expectError(client.request('model/embeddings', { ...base, spans: [{ start: 4, end: 8 }, { start: 40, end: 99 }] }), 'invalidParams', /spans\[1\] must be \{ start, end \}.*≤ 43/);
    await expectError(client.request('model/embeddings', { ...base, spans: 'bank' } as never), 'invalidParams');
    await expectError(client.request('model/embeddings', { ...base, spans: [{ start: 3, end: 4 }] }), 'invalidInput', /no token of the model covers/);
    await expectError(client.request('model/embeddings', { ...base, spans: [{ start: 4, end: 8 }], neighbours: 0 }), 'invalidParams', /neighbours must be an integer from 1 to 50/);
    await expectError(client.request('model/embeddings', { ...base, spans: [{ start: 4, end: 8 }], neighbours: 51 }), 'invalidParams', /neighbours/);
  } finally {
    client.dispose();
  }
});
