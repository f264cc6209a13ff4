/**
 * Our webviews start their pages one at a time (src/webviews/startInTurn.ts): in code-server two
 * frames registering their service worker together can leave one waiting for good.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { START_TURN_MS, startQueue, whenReady, type ReadySignal } from '../../../src/webviews/startInTurn';

/** A connection whose page says `ready` when the test says so. */
function fakeConnection(): ReadySignal & { sayReady(): void; listeners: number } {
  const listeners = new Set<() => void>();
  const c = {
    ready: false,
    get listeners() {
      return listeners.size;
    },
    onDidBecomeReady(listener: () => void) {
      listeners.add(listener);
      return { dispose: () => void listeners.delete(listener) };
    },
    sayReady() {
      c.ready = true;
      for (const l of [...listeners]) l();
    },
  };
  return c;
}

/** Lets every pending promise callback run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('a second page is given to its frame only once the first said ready', async () => {
  const inTurn = startQueue();
  const first = fakeConnection();
  const second = fakeConnection();
  const started: string[] = [];
  void inTurn(async () => (started.push('first'), whenReady(first)));
  void inTurn(async () => (started.push('second'), whenReady(second)));
  await settle();
  assert.deepEqual(started, ['first'], 'the second page waits for the first');
  first.sayReady();
  await settle();
  assert.deepEqual(started, ['first', 'second']);
  assert.equal(first.listeners, 0, 'the turn lets go of the first connection');
});

test('a page that never says ready holds the next one back for START_TURN_MS only', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const inTurn = startQueue();
  const silent = fakeConnection();
  const started: string[] = [];
  void inTurn(async () => (started.push('silent'), whenReady(silent)));
  void inTurn(async () => void started.push('next'));
  await settle();
  t.mock.timers.tick(START_TURN_MS - 1);
  await settle();
  assert.deepEqual(started, ['silent'], 'still within the turn');
  t.mock.timers.tick(1);
  await settle();
  assert.deepEqual(started, ['silent', 'next']);
  assert.equal(silent.listeners, 0);
});

test('a start that throws does not stop the queue; a ready connection does not wait', async () => {
  const inTurn = startQueue();
  const started: string[] = [];
  void inTurn(async () => {
    started.push('broken');
    throw new Error('page failed');
  });
  const ready = fakeConnection();
  ready.sayReady();
  await inTurn(async () => (started.push('ready'), whenReady(ready)));
  await inTurn(async () => void started.push('last'));
  assert.deepEqual(started, ['broken', 'ready', 'last']);
});
