/**
 * The model host on its default backend, onnxruntime-node: a real ONNX graph run in the host process
 * (through the test-only session methods, test/support/sessionMethods.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GraphBuilder } from '../../../src/engine/graph/onnxBuilder';
import { HostRequestError, ModelHostClient } from '../../../src/host/client';
import { sessionRequest } from '../../support/sessionMethods';
import { f32, HOST_SCRIPT, SESSION_METHODS_MODULE } from '../../support/hostClients';

/** y = x·W (W 2×2) and s = y + 1, batch dimension symbolic. */
function smallGraph(): Uint8Array {
  const g = new GraphBuilder('host-test');
  const x = g.input('x', 'float32', ['batch', 2]);
  const y = g.op('MatMul', [x, g.initializer('w', [2, 2], Float32Array.of(1, 2, -3, 0.5))]);
  g.output('y', y, 'float32', ['batch', 2]);
  g.output('s', g.op('Add', [y, g.initializer('one', [1], Float32Array.of(1))]), 'float32', ['batch', 2]);
  return g.toBytes();
}

test('host (onnx backend, the default): creates a session from graph bytes and runs it', async () => {
  const env = { ...process.env };
  delete env['TREX_MODEL_BACKEND'];
  const client = new ModelHostClient({ hostScript: HOST_SCRIPT, env, testModule: SESSION_METHODS_MODULE });
  try {
    assert.equal((await client.request('host/configure', {})).backend, 'onnx');
    const created = await sessionRequest(client, 'session/create', { model: smallGraph(), device: 'auto' });
    assert.deepEqual([created.inputNames, created.outputNames], [['x'], ['y', 's']]);
    // Where CUDA is missing (this machine), `auto` runs on CPU and says why.
    if (created.device === 'cpu') assert.match(created.fallbackReason ?? '', /CUDA/);

    const { outputs } = await sessionRequest(client, 'session/run', {
      sessionId: created.sessionId,
      feeds: { x: f32([2, 2], [1, 1, 2, -1]) },
      fetch: ['s'],
    });
    assert.deepEqual(Object.keys(outputs), ['s']);
    const s = outputs['s'];
    assert.ok(s && s.data instanceof Float32Array, 'output is a Float32Array');
    assert.deepEqual(s.dims, [2, 2]);
    // [1,1]·W = [-2, 2.5]; [2,-1]·W = [5, 3.5]; then + 1.
    assert.deepEqual([...s.data], [-1, 3.5, 6, 4.5]);

    const error = await sessionRequest(client, 'session/run', { sessionId: created.sessionId, feeds: { x: f32([1, 3], [1, 2, 3]) }, fetch: ['y'] }).catch((e: unknown) => e);
    assert.ok(error instanceof HostRequestError && error.code === 'backendError', String(error));
    assert.equal(client.startCount, 1);
    await sessionRequest(client, 'session/release', { sessionId: created.sessionId });
  } finally {
    client.dispose();
  }
});

test('host (onnx backend): TREX_ONNXRUNTIME_PATH makes it load that copy of onnxruntime-node (the GPU-enabled one in the extension storage)', async () => {
  const copy = mkdtempSync(join(tmpdir(), 'trex-ort-copy-'));
  const modules = join(copy, 'node_modules');
  const ortDir = dirname(require.resolve('onnxruntime-node/package.json'));
  const bin = join('bin', 'napi-v6', process.platform, process.arch);
  for (const part of ['package.json', 'dist', bin]) cpSync(join(ortDir, part), join(modules, 'onnxruntime-node', part), { recursive: true });
  cpSync(join(dirname(ortDir), 'onnxruntime-common'), join(modules, 'onnxruntime-common'), { recursive: true });
  const run = async (runtime: string): Promise<unknown> => {
    const env: NodeJS.ProcessEnv = { ...process.env, TREX_ONNXRUNTIME_PATH: runtime };
    delete env['TREX_MODEL_BACKEND'];
    const client = new ModelHostClient({ hostScript: HOST_SCRIPT, env, testModule: SESSION_METHODS_MODULE });
    try {
      const created = await sessionRequest(client, 'session/create', { model: smallGraph(), device: 'cpu' });
      const { outputs } = await sessionRequest(client, 'session/run', { sessionId: created.sessionId, feeds: { x: f32([1, 2], [1, 1]) }, fetch: ['y'] });
      return [...(outputs['y']?.data ?? [])];
    } catch (e) {
      return e;
    } finally {
      client.dispose();
    }
  };
  try {
    assert.deepEqual(await run(join(modules, 'onnxruntime-node')), [-2, 2.5]);
    const missing = await run(join(copy, 'no-such-runtime'));
    assert.ok(missing instanceof Error && /no-such-runtime/.test(missing.message), `the host names the runtime it could not load: ${String(missing)}`);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});
