/**
 * The model host (dist/modelHost.js on onnxruntime-node, tiny model folders): reload means reload
 * (a folder whose files changed is opened again on the next model/load), and a model released
 * while a request runs on it gives that request a clean `cancelled` answer, never a runtime error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelHostClient } from '../../../src/host/client';
import type { HostProgress } from '../../../src/host/protocol';
import { writeTinyModelFolder } from '../../support/tinyModelFolder';
import type { LoadedModel } from '../../../src/engine/tasks/openModel';
import { LoadedModels } from '../../../src/host/loadedModels';
import { codeOf, hostState, onnxHostClient } from '../../support/hostClients';
import { tempDir, tinyModelDir, tinySpec } from '../../support/tinyModels';

const onnxClient = (): ModelHostClient => onnxHostClient(tempDir('trex-host-reload-'));

/**
 * Runs `request` (given the progress callback) and sends model/release of `modelId` at the first
 * progress `at` accepts; the request's outcome (result or error) and the release's answer.
 */
async function releaseDuring(client: ModelHostClient, modelId: string, at: (p: HostProgress) => boolean, request: (onProgress: (p: HostProgress) => void) => Promise<unknown>): Promise<{ outcome: unknown; released: unknown }> {
  let release: Promise<unknown> | undefined;
  const outcome = await request((p) => void (at(p) && (release ??= client.request('model/release', { modelId })))).catch((e: unknown) => e);
  assert.ok(release, 'the release was sent while the request ran');
  return { outcome, released: await release };
}

function assertCancelledByRelease(outcome: unknown): void {
  assert.equal(codeOf(outcome), 'cancelled', `a clean answer, not ${String(outcome)}`);
  assert.match((outcome as Error).message, /released/);
  assert.doesNotMatch((outcome as Error).message, /disposed/i);
}

test('host: re-loading a folder whose weights were replaced opens the new weights (new model id, new attention)', async () => {
  const client = onnxClient();
  try {
    const dir = tinyModelDir('gpt2');
    const text = tinySpec('gpt2').text;
    const first = await client.request('model/load', { spec: dir, device: 'cpu' });
    const before = (await client.request('model/attention', { modelId: first.modelId, text, layers: [0] })).attentions[0].data as Float32Array;
    const same = await client.request('model/load', { spec: dir, device: 'cpu' });
    assert.equal(same.modelId, first.modelId, 'nothing changed: the loaded model is reused');

    const spec = tinySpec('gpt2');
    const weightsFile = join(dir, 'model.safetensors');
    const later = statSync(weightsFile).mtimeMs / 1000 + 60;
    writeTinyModelFolder(dir, { ...spec, seed: spec.seed + 1 }); // same names and sizes, other weights
    utimesSync(weightsFile, later, later); // a later modification time, whatever the clock's resolution
    const reloaded = await client.request('model/load', { spec: dir, device: 'cpu' });
    assert.notEqual(reloaded.modelId, first.modelId, 'the changed folder is opened again');
    const after = (await client.request('model/attention', { modelId: reloaded.modelId, text, layers: [0] })).attentions[0].data as Float32Array;
    assert.notDeepEqual(Array.from(after), Array.from(before), 'the new weights give other attention');
    const stale = await client.request('model/attention', { modelId: first.modelId, text }).catch((e: unknown) => e);
    assert.equal(codeOf(stale), 'unknownModel', 'the old model was released');
    assert.equal((await hostState(client)).models, 1, 'one model open, not two');
    assert.equal((await client.request('model/load', { spec: dir, device: 'cpu' })).modelId, reloaded.modelId, 'and reused again while unchanged');
  } finally {
    client.dispose();
  }
});

const RELEASE_CASES: Array<{ name: string; at: (p: HostProgress) => boolean; run: (client: ModelHostClient, modelId: string, onProgress: (p: HostProgress) => void) => Promise<unknown> }> = [
  {
    name: 'a beam-search generation (released after its first step)',
    at: (p) => p.stage === 'generating' && p.done === 1,
    run: (client, modelId, onProgress) => client.request('model/generate', { modelId, prompt: 'The cat', options: { strategy: 'beam', numBeams: 4, maxNewTokens: 60 } }, { onProgress }),
  },
  {
    name: 'surprisal over many windows (released after the first)',
    at: (p) => p.done === 1,
    run: (client, modelId, onProgress) => client.request('model/surprisal', { modelId, text: 'the cat eats the food and the dog sleeps on the mat '.repeat(20), window: 16, stride: 4 }, { onProgress }),
  },
];

for (const c of RELEASE_CASES) {
  test(`host: model/release while ${c.name} runs: it answers cancelled (model released), never "Session already disposed."; the host goes on`, async () => {
    const client = onnxClient();
    try {
      const gpt2 = await client.request('model/load', { spec: tinyModelDir('gpt2'), device: 'cpu' });
      const { outcome, released } = await releaseDuring(client, gpt2.modelId, c.at, (onProgress) => c.run(client, gpt2.modelId, onProgress));
      assert.deepEqual(released, { released: true });
      assertCancelledByRelease(outcome);
      assert.equal((await hostState(client)).models, 0);
      const again = await client.request('model/load', { spec: tinyModelDir('gpt2'), device: 'cpu' });
      assert.equal((await client.request('model/generate', { modelId: again.modelId, prompt: 'The cat', options: { strategy: 'greedy', maxNewTokens: 2 } })).steps.length, 2);
    } finally {
      client.dispose();
    }
  });
}

test('LoadedModels: eviction takes idle models before busy ones; a busy one evicted is waited for, its request told why', async () => {
  const released: string[] = [];
  const fake = (name: string) => ({ label: name, graphBytes: 1, session: { release: async () => void released.push(name) } }) as unknown as LoadedModel;
  const models = new LoadedModels();
  models.limits = { maxModels: 2, maxBytes: Number.POSITIVE_INFINITY };
  const busy = await models.add('busy', fake('busy'));
  const idle = await models.add('idle', fake('idle'));
  models.get(idle); // `busy` is now the least recently used…
  let finish!: () => void;
  let askedToStop!: () => void;
  const stopAsked = new Promise<void>((resolve) => (askedToStop = resolve));
  const running = models.use(busy, new AbortController().signal, (_model, signal) => {
    signal.addEventListener('abort', () => askedToStop(), { once: true });
    return new Promise<string>((resolve) => (finish = () => resolve(signal.aborted ? 'stopped' : 'done')));
  });
  await models.add('third', fake('third'));
  assert.deepEqual(released, ['idle'], '…but it is running a request: the idle one goes');
  models.limits.maxModels = 1;
  const fourth = models.add('fourth', fake('fourth'));
  await stopAsked; // the eviction has reached the busy model: it asked its request to stop
  assert.deepEqual(released, ['idle', 'third'], 'a busy model is released only once its request stopped');
  finish();
  await fourth;
  assert.deepEqual(released, ['idle', 'third', 'busy']);
  const outcome = await running.catch((e: unknown) => e);
  assert.equal(codeOf(outcome), 'cancelled');
  assert.match((outcome as Error).message, /model busy was unloaded to make room for another model/);
});
