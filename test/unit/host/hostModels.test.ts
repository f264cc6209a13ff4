/** model/* requests through the real model host (dist/modelHost.js) on onnxruntime-node, with tiny model folders. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { HostProgress } from '../../../src/host/protocol';
import { LoadedModels } from '../../../src/host/loadedModels';
import type { LoadedModel } from '../../../src/engine/tasks/openModel';
import { codeOf, hostState, onnxHostClient } from '../../support/hostClients';
import { tempDir, tinyModelDir, tinySpec } from '../../support/tinyModels';

const onnxClient = onnxHostClient;


test('host: model/load → model/attention → model/release round trip, graph cached under --cache-dir', async () => {
  const cacheDir = tempDir('trex-host-cache-');
  const client = onnxClient(cacheDir);
  try {
    const dir = tinyModelDir('gpt2');
    const stages: HostProgress['stage'][] = [];
    const loaded = await client.request('model/load', { spec: dir, device: 'cpu' }, { onProgress: (p) => stages.push(p.stage) });
    assert.deepEqual(stages, ['loadingModel', 'buildingGraph', 'creatingSession']);
    assert.equal(loaded.family, 'gpt2');
    assert.equal(loaded.device, 'cpu');
    assert.equal(loaded.tokenizerSpec, join(dir, 'tokenizer.json'));
    assert.deepEqual([loaded.numLayers, loaded.numHeads, loaded.contextLength, loaded.vocabSize], [2, 4, 64, 50257]);
    assert.deepEqual(readdirSync(join(cacheDir, 'graphs')).filter((n) => !/^[0-9a-f]{32}$/.test(n)), ['weights-sha256.json']);
    assert.equal(readdirSync(join(cacheDir, 'graphs')).length, 2, 'one graph beside the remembered weights hash');

    const text = tinySpec('gpt2').text;
    const att = await client.request('model/attention', { modelId: loaded.modelId, text, layers: [1] });
    const T = att.tokens.length;
    assert.equal(T, 9);
    assert.equal(att.attentions.length, 1);
    assert.deepEqual(att.attentions[0].dims, [4, T, T]);
    assert.ok(att.attentions[0].data instanceof Float32Array, 'a typed array crossed the process boundary');
    assert.equal(att.attentions[0].data[1], 0, 'causal: token 0 does not see token 1');

    const all = await client.request('model/attention', { modelId: loaded.modelId, text });
    assert.equal(all.attentions.length, 2, 'every layer when none is asked for');
    assert.deepEqual(all.tokens.map((t) => t.id), att.tokens.map((t) => t.id));

    const same = await client.request('model/load', { spec: dir, device: 'cpu' });
    assert.equal(same.modelId, loaded.modelId, 'the same folder on the same device is the same model');

    const tooLong = await client.request('model/attention', { modelId: loaded.modelId, text: 'le chat '.repeat(40) }).catch((e: unknown) => e);
    assert.equal(codeOf(tooLong), 'invalidInput');
    assert.match((tooLong as Error).message, /at most 64/);

    assert.deepEqual(await client.request('model/release', { modelId: loaded.modelId }), { released: true });
    const gone = await client.request('model/attention', { modelId: loaded.modelId, text }).catch((e: unknown) => e);
    assert.equal(codeOf(gone), 'unknownModel');
  } finally {
    client.dispose();
  }
});

test('host: loading beyond maxModels (a host option, changed by host/configure) releases the least recently used model', async () => {
  const client = onnxClient(tempDir('trex-host-cache-'), { limits: { maxModels: 1 } });
  try {
    const gpt2 = tinyModelDir('gpt2');
    const bert = tinyModelDir('bert');
    const a = await client.request('model/load', { spec: gpt2, device: 'cpu' });
    const b = await client.request('model/load', { spec: bert, device: 'cpu' });
    assert.equal(b.family, 'bert');
    assert.equal(b.maskToken, '[MASK]');
    assert.notEqual(a.modelId, b.modelId);
    const evicted = await client.request('model/attention', { modelId: a.modelId, text: 'hello' }).catch((e: unknown) => e);
    assert.equal(codeOf(evicted), 'unknownModel');
    assert.equal((await client.request('model/attention', { modelId: b.modelId, text: 'hello' })).tokens[0].token, '[CLS]');

    // Two allowed: using the first makes the second the least recent one.
    await client.configure({ maxModels: 2 });
    const c = await client.request('model/load', { spec: gpt2, device: 'cpu' });
    await client.request('model/attention', { modelId: b.modelId, text: 'hi', layers: [0] });
    const bert2 = tinyModelDir('bert');
    const d = await client.request('model/load', { spec: bert2, device: 'cpu' });
    assert.equal(codeOf(await client.request('model/attention', { modelId: c.modelId, text: 'x' }).catch((e: unknown) => e)), 'unknownModel');
    assert.equal((await client.request('model/attention', { modelId: b.modelId, text: 'x' })).attentions.length, 2);
    assert.equal((await client.request('model/attention', { modelId: d.modelId, text: 'x' })).attentions.length, 2);
    assert.equal((await hostState(client)).models, 2);
    // Lower limits apply at once: the least recently used model goes.
    await client.configure({ maxModels: 1 });
    assert.equal((await hostState(client)).models, 1);
    assert.equal(codeOf(await client.request('model/attention', { modelId: b.modelId, text: 'x' }).catch((e: unknown) => e)), 'unknownModel');
    assert.equal((await client.request('model/attention', { modelId: d.modelId, text: 'x' })).attentions.length, 2);
  } finally {
    client.dispose();
  }
});

test('host: model/card and user mistakes in model/load', async () => {
  const client = onnxClient(tempDir('trex-host-cache-'));
  try {
    const dir = tinyModelDir('bert');
    const card = await client.request('model/card', { spec: dir });
    assert.equal(card.family, 'bert');
    assert.deepEqual([card.numLayers, card.hiddenSize, card.numHeads, card.vocabSize, card.contextLength], [2, 32, 4, 30522, 64]);
    assert.equal(card.parameters.estimate, 12 * 2 * 32 * 32 + 30522 * 32);
    assert.ok(card.parameters.exact > card.parameters.estimate);
    assert.deepEqual(card.dtypes, ['F32']);

    const missing = await client.request('model/load', { spec: join(dir, 'nothing-here'), device: 'cpu' }).catch((e: unknown) => e);
    assert.equal(codeOf(missing), 'invalidInput');
    const badDevice = await client.request('model/load', { spec: dir, device: 'tpu' as 'cpu' }).catch((e: unknown) => e);
    assert.equal(codeOf(badDevice), 'invalidParams');
  } finally {
    client.dispose();
  }
});

test('host: model/load with precision int8/int4 opens a quantized model of its own (label says so, generation uses it); a bad precision is refused', async () => {
  const cacheDir = tempDir('trex-host-cache-');
  const client = onnxClient(cacheDir);
  try {
    const dir = tinyModelDir('gpt2');
    const plain = await client.request('model/load', { spec: dir, device: 'cpu' });
    assert.equal(plain.precision, 'float32');
    const text = tinySpec('gpt2').text;
    const reference = await client.request('model/attention', { modelId: plain.modelId, text, layers: [1] });
    for (const precision of ['int8', 'int4'] as const) {
      const q = await client.request('model/load', { spec: dir, device: 'cpu', precision });
      assert.notEqual(q.modelId, plain.modelId, 'another graph, another model');
      assert.equal(q.precision, precision);
      assert.equal(q.label, `${plain.label} · ${precision}`);
      const att = await client.request('model/attention', { modelId: q.modelId, text, layers: [1] });
      assert.deepEqual(att.attentions[0].dims, reference.attentions[0].dims, 'attention outputs unchanged in shape');
      const generated = await client.request('model/generate', { modelId: q.modelId, prompt: text, options: { strategy: 'greedy', maxNewTokens: 3 } });
      assert.equal(generated.tokenIds.length, 3);
      await client.request('model/release', { modelId: q.modelId }); // room for the next one under the host's limits
    }
    assert.equal((await client.request('model/load', { spec: dir, device: 'cpu', precision: 'float32' })).modelId, plain.modelId, 'float32 is the default model');
    const bad = await client.request('model/load', { spec: dir, device: 'cpu', precision: 'int2' as 'int8' }).catch((e: unknown) => e);
    assert.equal(codeOf(bad), 'invalidParams');
    assert.match((bad as Error).message, /precision must be one of float32, int8, int4/);
  } finally {
    client.dispose();
  }
});

test('host: two concurrent loads of one model open it once', async () => {
  const client = onnxClient(tempDir('trex-host-cache-'));
  try {
    const dir = tinyModelDir('gpt2');
    const [a, b] = await Promise.all([client.request('model/load', { spec: dir, device: 'cpu' }), client.request('model/load', { spec: dir, device: 'cpu' })]);
    assert.equal(a.modelId, b.modelId);
    assert.equal((await hostState(client)).models, 1);
  } finally {
    client.dispose();
  }
});

test('LoadedModels: the byte limit evicts least recently used models first, never the one just added', async () => {
  const released: string[] = [];
  const fake = (name: string, graphBytes: number) => ({ label: name, graphBytes, session: { release: async () => void released.push(name) } }) as unknown as LoadedModel;
  const models = new LoadedModels();
  models.limits = { maxModels: 10, maxBytes: 100 };
  const a = await models.add('a', fake('a', 40));
  const b = await models.add('b', fake('b', 40));
  models.get(a);
  await models.add('c', fake('c', 40));
  assert.deepEqual(released, ['b']);
  assert.deepEqual(models.ids().length, 2);
  assert.equal(models.get(b), undefined);
  await models.add('huge', fake('huge', 500));
  assert.deepEqual(released, ['b', 'a', 'c'], 'a model over the limit alone still loads; the others go');
  assert.equal(models.size, 1);
});
