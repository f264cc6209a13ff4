import assert from 'node:assert/strict';

/**
 * Waits until `condition` holds, checking every few milliseconds, and fails with `what` when it
 * still does not after `timeoutMs`: for states no event announces (a process gone).
 */
export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`${what} (waited ${timeoutMs} ms)`);
    await new Promise<void>((resolve) => setTimeout(resolve, 10));
  }
}
