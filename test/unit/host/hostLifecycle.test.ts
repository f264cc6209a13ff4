/**
 * The model host's life: cancellation, timeouts, and death (killed, crashed, never started) —
 * every request settles, the user is told once, and the next request gets a new host.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeFakeModel } from '../../support/fakeBackend';
import { HostDiedError, HostRequestError, type HostDeath } from '../../../src/host/client';
import { sessionRequest } from '../../support/sessionMethods';
import { f32, FAKE_BACKEND_MODULE, fakeHostClient, i32 } from '../../support/hostClients';
import { until } from '../../support/until';
import { REPO_ROOT } from '../../support/repoRoot';

const x = f32([2], [1, 2]);

async function settle(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => assert.fail(`expected a rejection, got ${JSON.stringify(value)}`),
    (e: unknown) => e,
  );
}

function assertCode(error: unknown, code: string): asserts error is HostRequestError {
  assert.ok(error instanceof HostRequestError, `not a HostRequestError: ${String(error)}`);
  assert.equal(error.code, code, error.message);
}

test('host: cancelling a running request rejects it at once; the host lives on and drops the late result', async () => {
  const client = fakeHostClient();
  try {
    const { sessionId } = await sessionRequest(client, 'session/create', { model: encodeFakeModel({ scale: 3 }), device: 'cpu' });
    const controller = new AbortController();
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const run = settle(
      sessionRequest(client, 'session/run', { sessionId, feeds: { x, delayMs: i32(60_000) }, fetch: ['y'] }, {
        signal: controller.signal,
        onProgress: (p) => p.stage === 'running' && started(),
      }),
    );
    await running;
    const pid = client.pid;
    controller.abort();
    assertCode(await run, 'cancelled');
    // Same process, still serving.
    const { outputs } = await sessionRequest(client, 'session/run', { sessionId, feeds: { x }, fetch: ['y'] });
    assert.deepEqual([...(outputs['y']?.data ?? [])], [3, 6]);
    assert.equal(client.pid, pid);
    // An already-aborted signal never reaches the host.
    assertCode(await settle(client.request('host/configure', {}, { signal: AbortSignal.abort() })), 'cancelled');
  } finally {
    client.dispose();
  }
});

test('host: a session created after its request was cancelled is released, not leaked', async () => {
  const client = fakeHostClient();
  try {
    const controller = new AbortController();
    const create = sessionRequest(client, 'session/create', { model: encodeFakeModel({ scale: 1, createDelayMs: 150 }), device: 'cpu' }, {
      signal: controller.signal,
      onProgress: (p) => p.stage === 'creatingSession' && controller.abort(),
    });
    assertCode(await settle(create), 'cancelled');
    // A longer creation started later ends after the cancelled one has finished (timer order),
    // so by then only this second session may exist.
    await sessionRequest(client, 'session/create', { model: encodeFakeModel({ scale: 1, createDelayMs: 300 }), device: 'cpu' });
    assert.equal((await sessionRequest(client, 'session/count', {})).sessions, 1);
  } finally {
    client.dispose();
  }
});

test('host: a request with no answer times out, even while the host thread is blocked', async () => {
  const client = fakeHostClient();
  try {
    const { sessionId } = await sessionRequest(client, 'session/create', { model: encodeFakeModel({ scale: 1 }), device: 'cpu' });
    const slow = await settle(sessionRequest(client, 'session/run', { sessionId, feeds: { x, delayMs: i32(60_000) }, fetch: ['y'] }, { timeoutMs: 100 }));
    assertCode(slow, 'timeout');
    assert.match(slow.message, /session\/run got no answer .* within 100 ms/);

    // The host busy-waits (as during a native call): the client still gives up on time…
    const pid = client.pid;
    const blocked = await settle(sessionRequest(client, 'session/run', { sessionId, feeds: { x, blockMs: i32(800) }, fetch: ['y'] }, { timeoutMs: 100 }));
    assertCode(blocked, 'timeout');
    // …and the host answers again once its thread is free.
    assert.equal((await client.request('host/configure', {})).pid, pid);
    assert.equal(client.startCount, 1);
  } finally {
    client.dispose();
  }
});

test('host: killed mid-request, every pending request rejects with HostDiedError, the user is told once, the next request starts a new host', async () => {
  const client = fakeHostClient();
  const deaths: HostDeath[] = [];
  client.onDidDie((d) => deaths.push(d));
  try {
    const { sessionId } = await sessionRequest(client, 'session/create', { model: encodeFakeModel({ scale: 1 }), device: 'cpu' });
    const firstPid = client.pid;
    assert.ok(firstPid);
    let running = 0;
    let bothRunning!: () => void;
    const bothStarted = new Promise<void>((resolve) => (bothRunning = resolve));
    const pending = [1, 2].map(() =>
      settle(sessionRequest(client, 'session/run', { sessionId, feeds: { x, delayMs: i32(60_000) }, fetch: ['y'] }, { onProgress: () => ++running === 2 && bothRunning() })),
    );
    await bothStarted;
    process.kill(firstPid, 'SIGKILL');
    for (const error of await Promise.all(pending)) {
      assert.ok(error instanceof HostDiedError, String(error));
      assert.equal(error.code, 'hostDied');
      assert.equal(error.signal, 'SIGKILL');
      assert.match(error.message, /stopped unexpectedly \(signal SIGKILL\)/);
    }
    assert.equal(deaths.length, 1);
    assert.equal(deaths[0]?.pendingRequests, 2);

    const pong = await client.request('host/configure', {});
    assert.notEqual(pong.pid, firstPid);
    assert.equal(pong.models, 0);
    assert.equal((await sessionRequest(client, 'session/count', {})).sessions, 0);
    assert.equal(client.startCount, 2);
    // Sessions died with their host.
    const gone = await settle(sessionRequest(client, 'session/run', { sessionId, feeds: { x }, fetch: ['y'] }));
    assertCode(gone, 'invalidParams');
    assert.match(gone.message, /no session/);
    assert.equal(deaths.length, 1);
  } finally {
    client.dispose();
  }
});

test('host: a crash inside a run (exit or abort, like a CUDA fault) is a HostDiedError with its cause', async () => {
  const client = fakeHostClient();
  const deaths: HostDeath[] = [];
  client.onDidDie((d) => deaths.push(d));
  try {
    for (const [crash, check] of [
      [1, (e: HostDiedError) => assert.equal(e.exitCode, 70)],
      [2, (e: HostDiedError) => assert.equal(e.signal, 'SIGABRT')],
    ] as const) {
      const { sessionId } = await sessionRequest(client, 'session/create', { model: encodeFakeModel({ scale: 1 }), device: 'cpu' });
      const error = await settle(sessionRequest(client, 'session/run', { sessionId, feeds: { x, crash: i32(crash) }, fetch: ['y'] }));
      assert.ok(error instanceof HostDiedError, String(error));
      check(error);
    }
    assert.equal(deaths.length, 2);
    assert.equal(client.startCount, 2);
    assert.equal(typeof (await client.request('host/configure', {})).pid, 'number');
    assert.equal(client.startCount, 3);
  } finally {
    client.dispose();
  }
});

test('host: a host that cannot start rejects the request with HostDiedError instead of hanging', async () => {
  const client = fakeHostClient({ hostScript: join(REPO_ROOT, 'dist', 'no-such-host.js') });
  const deaths: HostDeath[] = [];
  client.onDidDie((d) => deaths.push(d));
  try {
    const error = await settle(client.request('host/configure', {}));
    assert.ok(error instanceof HostDiedError, String(error));
    assert.equal(error.exitCode, 1);
    assert.match(error.message, /Cannot find module/);
    assert.equal(deaths.length, 1);
  } finally {
    client.dispose();
  }
});

test('host: a host that never says it is ready is stopped after the start timeout', async () => {
  // With `--eval`, node runs that code instead of the host script: the process lives but never says ready.
  const client = fakeHostClient({ startTimeoutMs: 300, execArgv: ['--eval', 'setInterval(() => {}, 1000)'] });
  try {
    const error = await settle(client.request('host/configure', {}));
    assert.ok(error instanceof HostDiedError, String(error));
    assert.match(error.message, /did not start within 300 ms/);
  } finally {
    client.dispose();
  }
});

test('host: dispose rejects pending requests without reporting a death, and refuses new ones', async () => {
  const client = fakeHostClient();
  const deaths: HostDeath[] = [];
  client.onDidDie((d) => deaths.push(d));
  const { sessionId } = await sessionRequest(client, 'session/create', { model: encodeFakeModel({ scale: 1 }), device: 'cpu' });
  const pending = settle(sessionRequest(client, 'session/run', { sessionId, feeds: { x, delayMs: i32(60_000) }, fetch: ['y'] }));
  const hostPid = client.pid;
  assert.ok(hostPid);
  client.dispose();
  const error = await pending;
  assert.ok(error instanceof HostDiedError, String(error));
  assert.match(error.message, /shut down/);
  assertCode(await settle(client.request('host/configure', {})), 'internal');
  // Once the process is reaped its 'exit' has been handled: that is when a death would be reported.
  await until(() => !exists(hostPid), `model host ${hostPid} still running after dispose`);
  assert.equal(deaths.length, 0);
  assert.equal(client.pid, undefined);
});

test('host: when the extension host dies abruptly, the model host exits too (no orphan process)', async () => {
  // A stand-in for the extension host: starts a model host busy with a long run, prints its pid, waits.
  const script = `
    const { ModelHostClient } = require(${JSON.stringify(join(REPO_ROOT, 'out', 'src', 'host', 'client.js'))});
    const c = new ModelHostClient({ hostScript: ${JSON.stringify(join(REPO_ROOT, 'dist', 'modelHost.js'))}, testModule: ${JSON.stringify(FAKE_BACKEND_MODULE)} });
    const { encodeFakeModel } = require(${JSON.stringify(FAKE_BACKEND_MODULE)});
    const { sessionRequest } = require(${JSON.stringify(join(REPO_ROOT, 'out', 'test', 'support', 'sessionMethods.js'))});
    (async () => {
      const { sessionId } = await sessionRequest(c, 'session/create', { model: encodeFakeModel({ scale: 1 }), device: 'cpu' });
      // Keeps the host busy (a pending timer) when its parent dies.
      sessionRequest(c, 'session/run', { sessionId, feeds: { delayMs: { type: 'int32', dims: [], data: Int32Array.of(60000) } }, fetch: [] },
        { onProgress: () => console.log(String(c.pid)) }).catch(() => {});
    })();
    setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const hostPid = await new Promise<number>((resolve, reject) => {
    parent.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
    parent.once('exit', (code) => reject(new Error(`stand-in exited early (${code})`)));
  });
  assert.ok(isAlive(hostPid), 'model host running');
  parent.kill('SIGKILL');
  // Bounded wait for the host to notice its channel closed (not a timing assertion).
  await until(() => !isAlive(hostPid), `model host ${hostPid} outlived its parent`);
});

/** Whether a process `pid` exists, a zombie not yet reaped included. */
function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether `pid` is a live process (a zombie waiting to be reaped counts as gone). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) STATE ..."; Z = exited, not yet reaped.
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc (macOS): signal 0 succeeded
  }
}
