/**
 * The webview watchdog: a page that never says `ready` gets its HTML set again every interval
 * while visible, up to `maxReloads` times, then `onGiveUp` runs once; a page that says `ready`,
 * a hidden one, one replaced meanwhile or a disposed watchdog is left alone. The clock is
 * fake: each check follows a given number of intervals, never a wait on real time.
 */
import * as assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type * as vscode from 'vscode';
import { reloadUntilReady } from '../../../src/webviews/reloadUntilReady';

const INTERVAL_MS = 1000;

function fakeWebview() {
  const pages: string[] = [];
  const webview = { set html(v: string) { pages.push(v); } } as unknown as vscode.Webview;
  const connection = { ready: false, resets: 0, reset() { this.resets++; } };
  return { webview, pages, connection };
}

interface FakeInterval {
  readonly run: () => void;
  readonly everyMs: number;
  dueAt: number;
}

/**
 * `setInterval`/`clearInterval` on a fake clock for the duration of the test; the returned
 * `advance(ms)` moves the clock, running each interval as often as it falls due. (node:test's
 * `mock.timers` would do, but on Node 20 it keeps running an interval cleared from its own
 * callback, nodejs/node#59483, which is exactly how the watchdog stops.)
 */
function fakeClock(t: TestContext): (ms: number) => void {
  const live = new Set<FakeInterval>();
  let now = 0;
  t.mock.method(globalThis, 'setInterval', ((run: () => void, everyMs: number) => {
    const timer: FakeInterval = { run, everyMs, dueAt: now + everyMs };
    live.add(timer);
    return timer;
  }) as unknown as typeof setInterval);
  t.mock.method(globalThis, 'clearInterval', ((timer: FakeInterval) => void live.delete(timer)) as unknown as typeof clearInterval);
  return (ms) => {
    const until = now + ms;
    for (;;) {
      const next = [...live].sort((a, b) => a.dueAt - b.dueAt)[0];
      if (!next || next.dueAt > until) break;
      now = next.dueAt;
      next.dueAt += next.everyMs;
      next.run();
    }
    now = until;
  };
}

/** Runs what `n` intervals of the watchdog would run. */
function mockTimers(t: TestContext): { intervals: (n: number) => void; advance: (ms: number) => void } {
  const advance = fakeClock(t);
  return { intervals: (n) => advance(n * INTERVAL_MS), advance };
}

test('a page that never starts is reloaded maxReloads times, then onGiveUp runs once', (t) => {
  const { intervals, advance } = mockTimers(t);
  const { webview, pages, connection } = fakeWebview();
  let gaveUp = 0;
  reloadUntilReady(webview, connection, () => '<p>page</p>', { visible: () => true, stillCurrent: () => true, onGiveUp: () => gaveUp++, intervalMs: INTERVAL_MS, maxReloads: 3 });
  advance(INTERVAL_MS - 1);
  assert.equal(pages.length, 0, 'nothing before the first interval');
  advance(1);
  assert.deepEqual(pages, ['<p>page</p><!-- reload 1 -->']);
  intervals(2);
  assert.deepEqual(pages, ['<p>page</p><!-- reload 1 -->', '<p>page</p><!-- reload 2 -->', '<p>page</p><!-- reload 3 -->']);
  assert.equal(connection.resets, 3, 'each new page must say ready again');
  assert.equal(gaveUp, 0, 'not before the last page had its interval');
  intervals(1);
  assert.equal(gaveUp, 1);
  intervals(20);
  assert.equal(gaveUp, 1, 'gives up once, then stops');
  assert.equal(pages.length, 3);
});

test('a page that says ready is not reloaded any more', (t) => {
  const { intervals } = mockTimers(t);
  const { webview, pages, connection } = fakeWebview();
  let gaveUp = 0;
  reloadUntilReady(webview, connection, () => 'p', { visible: () => true, stillCurrent: () => true, onGiveUp: () => gaveUp++, intervalMs: INTERVAL_MS, maxReloads: 50 });
  intervals(2);
  assert.equal(pages.length, 2);
  connection.ready = true;
  intervals(20);
  assert.equal(pages.length, 2);
  assert.equal(gaveUp, 0);
});

test('a hidden view waits, and its reloads count from when it shows', (t) => {
  const { intervals } = mockTimers(t);
  const { webview, pages, connection } = fakeWebview();
  let visible = false;
  let gaveUp = 0;
  reloadUntilReady(webview, connection, () => 'p', { visible: () => visible, stillCurrent: () => true, onGiveUp: () => gaveUp++, intervalMs: INTERVAL_MS, maxReloads: 2 });
  intervals(20);
  assert.equal(pages.length, 0, 'nothing while hidden');
  assert.equal(gaveUp, 0);
  visible = true;
  intervals(2);
  assert.equal(pages.length, 2);
  assert.equal(gaveUp, 0);
  intervals(1);
  assert.equal(gaveUp, 1, 'gave up once shown');
  assert.equal(pages.length, 2);
});

test('a replaced page or a disposed watchdog is left alone', (t) => {
  const { intervals } = mockTimers(t);
  let gaveUp = 0;
  const replaced = fakeWebview();
  reloadUntilReady(replaced.webview, replaced.connection, () => 'p', { visible: () => true, stillCurrent: () => false, onGiveUp: () => gaveUp++, intervalMs: INTERVAL_MS });
  const disposed = fakeWebview();
  reloadUntilReady(disposed.webview, disposed.connection, () => 'p', { visible: () => true, stillCurrent: () => true, onGiveUp: () => gaveUp++, intervalMs: INTERVAL_MS }).dispose();
  const control = fakeWebview();
  reloadUntilReady(control.webview, control.connection, () => 'p', { visible: () => true, stillCurrent: () => true, intervalMs: INTERVAL_MS, maxReloads: 40 });
  intervals(40);
  assert.equal(control.pages.length, 40, 'the same intervals reload a current page');
  assert.deepEqual([replaced.pages.length, disposed.pages.length, gaveUp], [0, 0, 0]);
});
