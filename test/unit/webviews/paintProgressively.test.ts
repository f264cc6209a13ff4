/** The model view's thumbnails are painted a few per animation frame, and stop when the view is gone. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paintProgressively } from '../../../webview-ui/progressivePaint';

function frames(): { next: (f: () => void) => void; run: () => number; pending: () => number } {
  const queue: Array<() => void> = [];
  return {
    next: (f) => queue.push(f),
    run: () => {
      let n = 0;
      while (queue.length) {
        queue.shift()!();
        n++;
      }
      return n;
    },
    pending: () => queue.length,
  };
}

test('paintProgressively: nothing at once, everything in order over frames, within a budget per frame', () => {
  const f = frames();
  const done: number[] = [];
  // 144 thumbnails (12 × 12) of 2 ms each: about three per 6 ms frame.
  const jobs = Array.from({ length: 144 }, (_, k) => () => {
    const t = performance.now();
    while (performance.now() - t < 2);
    done.push(k);
  });
  paintProgressively({ isConnected: true }, jobs, f.next);
  assert.equal(done.length, 0, 'the call returns before painting anything');
  const count = f.run();
  assert.deepEqual(done, jobs.map((_, k) => k));
  assert.ok(count >= 144 / 4, `${count} frames for 144 thumbnails of 2 ms`);
});

test('paintProgressively: stops when its view has left the page', () => {
  const f = frames();
  const owner = { isConnected: true };
  let painted = 0;
  const jobs = Array.from({ length: 50 }, () => () => {
    const t = performance.now();
    while (performance.now() - t < 4);
    painted++;
  });
  paintProgressively(owner, jobs, f.next);
  owner.isConnected = false;
  f.run();
  assert.ok(painted > 0 && painted < 50, `${painted} painted after the view left`);
  assert.equal(f.pending(), 0);
});
