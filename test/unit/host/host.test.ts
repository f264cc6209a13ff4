/**
 * The model host over real IPC (dist/modelHost.js forked with advanced serialization, fake
 * backend): tensors cross as typed arrays both ways, progress, and errors with code + message.
 * The `session/*` methods are test-only (test/support/sessionMethods.ts, through the host's test hook).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeFakeModel } from '../../support/fakeBackend';
import { HostRequestError } from '../../../src/host/client';
import type { HostMethod, HostProgress } from '../../../src/host/protocol';
import { checkTensor } from '../../support/tensors';
import type { TensorData } from '../../../src/engine/runtime/types';
import { sessionRequest } from '../../support/sessionMethods';
import { f32, fakeHostClient, HOST_SCRIPT, i64 } from '../../support/hostClients';
import { ModelHostClient } from '../../../src/host/client';

/** Asserts that `promise` rejects with a HostRequestError of this code; returns it. */
async function rejectsWith(promise: Promise<unknown>, code: string, message?: RegExp): Promise<HostRequestError> {
  const error = await promise.then(
    () => assert.fail(`expected a ${code} error, got a result`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof HostRequestError, `not a HostRequestError: ${String(error)}`);
  assert.equal(error.code, code, error.message);
  if (message) assert.match(error.message, message);
  return error;
}

test('host: host/configure answers from another process with the chosen backend and the limits it started with', async () => {
  const client = fakeHostClient({ limits: { maxModels: 3 } });
  try {
    const pong = await client.request('host/configure', {});
    assert.notEqual(pong.pid, process.pid);
    assert.equal(pong.pid, client.pid);
    assert.equal(pong.backend, 'fake');
    assert.equal(pong.models, 0);
    assert.deepEqual(pong.limits, { maxModels: 3, maxBytes: Number.POSITIVE_INFINITY });
    // New limits: the running host takes them at once, and a host started later starts with them.
    await client.configure({ maxBytes: 2 ** 30 });
    assert.deepEqual((await client.request('host/configure', {})).limits, { maxModels: 3, maxBytes: 2 ** 30 });
    const died = new Promise((resolve) => client.onDidDie(resolve));
    process.kill(pong.pid, 'SIGKILL');
    await died;
    const next = await client.request('host/configure', {});
    assert.notEqual(next.pid, pong.pid);
    assert.deepEqual(next.limits, { maxModels: 3, maxBytes: 2 ** 30 });
    await assert.rejects(client.request('host/configure', { limits: { maxModels: 0 } }), (e: unknown) => e instanceof HostRequestError && e.code === 'invalidParams' && /limits\.maxModels must be a number ≥ 1/.test(e.message));
  } finally {
    client.dispose();
  }
});

test('host: tensors cross the process boundary as typed arrays, both ways', async () => {
  const client = fakeHostClient();
  try {
    const created = await sessionRequest(client, 'session/create', { model: encodeFakeModel({ scale: 2.5 }), device: 'cpu' });
    assert.equal(created.device, 'cpu');
    assert.equal(created.fallbackReason, undefined);
    assert.deepEqual(created.outputNames, ['y', 'sum', 'nextIds']);

    const xs = Array.from(Float32Array.of(1, -2, 3.5, 0, 0.25, 1e-3));
    const x = f32([2, 3], xs);
    const ids = i64([1, 3], [50256, 0, 2 ** 40]);
    const { outputs } = await sessionRequest(client, 'session/run', {
      sessionId: created.sessionId,
      feeds: { x, input_ids: ids },
      fetch: ['y', 'nextIds', 'sum'],
    });
    const { y, nextIds, sum } = outputs;
    assert.ok(y && nextIds && sum);
    assert.ok(y.data instanceof Float32Array, `y.data is ${y.data.constructor.name}`);
    assert.deepEqual(y.dims, [2, 3]);
    assert.deepEqual([...y.data], xs.map((v) => Math.fround(v * 2.5)));
    assert.ok(nextIds.data instanceof BigInt64Array, `nextIds.data is ${nextIds.data.constructor.name}`);
    assert.equal(nextIds.type, 'int64');
    assert.deepEqual([...nextIds.data], [50257n, 1n, 2n ** 40n + 1n]);
    assert.ok(sum.data instanceof Float32Array);
    assert.equal(sum.data[0], Math.fround(xs.reduce((s, v) => s + v, 0)));

    // Only fetched outputs come back.
    const only = await sessionRequest(client, 'session/run', { sessionId: created.sessionId, feeds: { x }, fetch: ['sum'] });
    assert.deepEqual(Object.keys(only.outputs), ['sum']);
  } finally {
    client.dispose();
  }
});

test('host: a typed array that is a view into a larger buffer crosses with only its own bytes', async () => {
  const client = fakeHostClient();
  try {
    const { sessionId } = await sessionRequest(client, 'session/create', { model: encodeFakeModel({ scale: 1 }), device: 'cpu' });
    const backing = new Float32Array([9, 9, 1, 2, 3, 9]);
    const x: TensorData = { type: 'float32', dims: [3], data: backing.subarray(2, 5) };
    const { outputs } = await sessionRequest(client, 'session/run', { sessionId, feeds: { x }, fetch: ['y'] });
    assert.deepEqual([...(outputs['y']?.data ?? [])], [1, 2, 3]);
  } finally {
    client.dispose();
  }
});

test('host: session/create from a file reports progress, then the device and the CUDA fallback', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trex-host-'));
  const path = join(dir, 'fake.onnx');
  const bytes = encodeFakeModel({ scale: 1, createDelayMs: 20 });
  writeFileSync(path, bytes);
  const client = fakeHostClient();
  try {
    const progress: HostProgress[] = [];
    const created = await sessionRequest(client, 'session/create', { model: path, device: 'cuda' }, { onProgress: (p) => progress.push(p) });
    assert.deepEqual(progress, [{ stage: 'loadingModel', done: 0, total: bytes.byteLength }, { stage: 'creatingSession' }]);
    assert.equal(created.device, 'cpu');
    assert.match(created.fallbackReason ?? '', /CUDA is not available/);

    writeFileSync(path, encodeFakeModel({ scale: 1, cudaAvailable: true }));
    const onGpu = await sessionRequest(client, 'session/create', { model: path, device: 'auto' });
    assert.equal(onGpu.device, 'cuda');
    assert.equal(onGpu.fallbackReason, undefined);
    assert.notEqual(onGpu.sessionId, created.sessionId);
    assert.equal((await sessionRequest(client, 'session/count', {})).sessions, 2);
  } finally {
    client.dispose();
  }
});

test('host: errors come back with their code and message', async () => {
  const client = fakeHostClient();
  try {
    await rejectsWith(client.request('nope/method' as HostMethod, {} as never), 'unknownMethod', /nope\/method/);
    await rejectsWith(sessionRequest(client, 'session/create', { model: new TextEncoder().encode('garbage'), device: 'cpu' }), 'backendError', /not a fake model/);
    await rejectsWith(sessionRequest(client, 'session/create', { model: '/nonexistent/model.onnx', device: 'cpu' }), 'backendError', /ENOENT/);
    await rejectsWith(sessionRequest(client, 'session/create', { model: encodeFakeModel({ scale: 1 }), device: 'gpu' as 'cuda' }), 'invalidParams', /device/);

    const { sessionId } = await sessionRequest(client, 'session/create', { model: encodeFakeModel({ scale: 1 }), device: 'cpu' });
    const x = f32([1], [1]);
    // Nested JSON arrays are refused: tensors must be typed arrays.
    const plain = { type: 'float32', dims: [2], data: [1, 2] } as unknown as TensorData;
    await rejectsWith(sessionRequest(client, 'session/run', { sessionId, feeds: { x: plain }, fetch: ['y'] }), 'invalidParams', /Float32Array.*plain array/);
    await rejectsWith(sessionRequest(client, 'session/run', { sessionId, feeds: { x: f32([3], [1, 2]) }, fetch: ['y'] }), 'invalidParams', /2 values for dims \[3\]/);
    await rejectsWith(sessionRequest(client, 'session/run', { sessionId, feeds: { x }, fetch: ['logits'] }), 'invalidParams', /unknown outputs logits/);
    await rejectsWith(sessionRequest(client, 'session/run', { sessionId, feeds: { x, mask: x }, fetch: ['y'] }), 'backendError', /unknown input "mask"/);
    await rejectsWith(sessionRequest(client, 'session/run', { sessionId, feeds: {}, fetch: ['nextIds'] }), 'backendError', /needs an int64 input/);

    assert.deepEqual(await sessionRequest(client, 'session/release', { sessionId }), { released: true });
    await rejectsWith(sessionRequest(client, 'session/run', { sessionId, feeds: { x }, fetch: ['y'] }), 'invalidParams', new RegExp(`no session "${sessionId}"`));
    await rejectsWith(sessionRequest(client, 'session/release', { sessionId }), 'invalidParams', /no session/);
    // None of this hurt the host.
    assert.equal(client.startCount, 1);
    assert.equal((await sessionRequest(client, 'session/count', {})).sessions, 0);
  } finally {
    client.dispose();
  }
});

test('host: an unknown backend leaves the host answering, with backendUnavailable for model requests; the production host knows no fake backend', async () => {
  for (const backend of ['no-such-backend', 'fake']) {
    const client = new ModelHostClient({ hostScript: HOST_SCRIPT, backend });
    try {
      assert.equal((await client.request('host/configure', {})).backend, backend);
      await rejectsWith(client.request('model/load', { spec: '/nowhere', device: 'cpu' }), 'backendUnavailable', new RegExp(`"${backend}".*known: onnx\\)`));
    } finally {
      client.dispose();
    }
  }
  assert.doesNotMatch(readFileSync(HOST_SCRIPT, 'utf8'), /trex-fake-model|FakeBackend/, 'dist/modelHost.js holds no fake backend');
});

test('host: an unknown method is refused with unknownMethod, also beside a test module', async () => {
  const client = fakeHostClient();
  try {
    await rejectsWith(client.request('session/nope' as HostMethod, {} as never), 'unknownMethod', /session\/nope/);
    // The host serves the own properties of its handler table, not what every object inherits.
    for (const inherited of ['toString', 'constructor', 'hasOwnProperty', '__proto__']) {
      await rejectsWith(client.request(inherited as HostMethod, {} as never), 'unknownMethod', new RegExp(`unknown method ${inherited}`));
    }
  } finally {
    client.dispose();
  }
});

test('host: checkTensor accepts well-formed tensors and says what is wrong with others', () => {
  assert.deepEqual(checkTensor('x', f32([2], [1, 2])).dims, [2]);
  assert.equal(checkTensor('s', { type: 'int32', dims: [], data: Int32Array.of(7) }).data.length, 1);
  assert.equal(checkTensor('m', { type: 'bool', dims: [0], data: new Uint8Array(0) }).data.length, 0);
  const bad: Array<[unknown, RegExp]> = [
    [null, /not an object/],
    [{ type: 'uint16', dims: [1], data: new Uint16Array(1) }, /unknown type uint16/],
    [{ type: 'float32', dims: [-1], data: new Float32Array(1) }, /non-negative integers/],
    [{ type: 'float32', dims: [1.5], data: new Float32Array(1) }, /non-negative integers/],
    [{ type: 'int64', dims: [1], data: Int32Array.of(1) }, /BigInt64Array for type int64/],
    [{ type: 'float16', dims: [2, 2], data: new Uint16Array(3) }, /3 values for dims \[2, 2\]/],
  ];
  for (const [value, why] of bad) {
    assert.throws(() => checkTensor('t', value), (e: unknown) => e instanceof HostRequestError && e.code === 'invalidParams' && why.test(e.message));
  }
});

test('host: nothing under src/host imports vscode (the extension wraps it; the host process is plain Node)', () => {
  const dir = join(__dirname, '..', '..', '..', '..', 'src', 'host');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  assert.ok(files.includes('main.ts') && files.includes('client.ts'), files.join(', '));
  for (const f of files) assert.doesNotMatch(readFileSync(join(dir, f), 'utf8'), /from\s*['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)/, f);
});
