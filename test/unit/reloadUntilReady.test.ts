/**
 * The webview watchdog: a page that never says `ready` gets its HTML set again every interval
 * while visible, up to `maxReloads` times, then `onGiveUp` runs once; a page that says `ready`,
 * a hidden one, one replaced meanwhile or a disposed watchdog is left alone. Real timers with a
 * 5 ms interval: the checks are on counts, never on durations.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type * as vscode from 'vscode';
import { reloadUntilReady } from '../../src/webviews/reloadUntilReady';

const INTERVAL_MS = 5;

function fakeWebview() {
  const pages: string[] = [];
  const webview = { set html(v: string) { pages.push(v); } } as unknown as vscode.Webview;
  const connection = { ready: false, resets: 0, reset() { this.resets++; } };
  return { webview, pages, connection };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await sleep(INTERVAL_MS);
  assert.ok(condition(), `never: ${what}`);
}

test('a page that never starts is reloaded maxReloads times, then onGiveUp runs once', async () => {
  const { webview, pages, connection } = fakeWebview();
  let gaveUp = 0;
  reloadUntilReady(webview, connection, () => '<p>page</p>', { visible: () => true, stillCurrent: () => true, onGiveUp: () => gaveUp++, intervalMs: INTERVAL_MS, maxReloads: 3 });
  await until(() => gaveUp > 0, 'gave up');
  assert.deepEqual(pages, ['<p>page</p><!-- reload 1 -->', '<p>page</p><!-- reload 2 -->', '<p>page</p><!-- reload 3 -->']);
  assert.equal(connection.resets, 3, 'each new page must say ready again');
  await sleep(20 * INTERVAL_MS);
  assert.equal(gaveUp, 1, 'gives up once, then stops');
  assert.equal(pages.length, 3);
});

test('a page that says ready is not reloaded any more', async () => {
  const { webview, pages, connection } = fakeWebview();
  let gaveUp = 0;
  reloadUntilReady(webview, connection, () => 'p', { visible: () => true, stillCurrent: () => true, onGiveUp: () => gaveUp++, intervalMs: INTERVAL_MS, maxReloads: 50 });
  await until(() => pages.length >= 1, 'a first reload');
  connection.ready = true;
  const reloads = pages.length;
  await sleep(20 * INTERVAL_MS);
  assert.equal(pages.length, reloads);
  assert.equal(gaveUp, 0);
});

test('a hidden view waits, and its reloads count from when it shows', async () => {
  const { webview, pages, connection } = fakeWebview();
  let visible = false;
  let gaveUp = 0;
  reloadUntilReady(webview, connection, () => 'p', { visible: () => visible, stillCurrent: () => true, onGiveUp: () => gaveUp++, intervalMs: INTERVAL_MS, maxReloads: 2 });
  await sleep(20 * INTERVAL_MS);
  assert.equal(pages.length, 0, 'nothing while hidden');
  visible = true;
  await until(() => gaveUp === 1, 'gave up once shown');
  assert.equal(pages.length, 2);
});

test('a replaced page or a disposed watchdog is left alone', async () => {
  let gaveUp = 0;
  const replaced = fakeWebview();
  reloadUntilReady(replaced.webview, replaced.connection, () => 'p', { visible: () => true, stillCurrent: () => false, onGiveUp: () => gaveUp++, intervalMs: INTERVAL_MS });
  const disposed = fakeWebview();
  reloadUntilReady(disposed.webview, disposed.connection, () => 'p', { visible: () => true, stillCurrent: () => true, onGiveUp: () => gaveUp++, intervalMs: INTERVAL_MS }).dispose();
  await sleep(40 * INTERVAL_MS);
  assert.deepEqual([replaced.pages.length, disposed.pages.length, gaveUp], [0, 0, 0]);
});
