import type * as vscode from 'vscode';

/**
 * The next value of `event` that `accept` takes, or `fallback()` once `timeoutMs` have passed:
 * how commands wait for what a webview reports having drawn.
 */
export function nextEvent<T>(event: vscode.Event<T>, accept: (value: T) => boolean, timeoutMs: number, fallback: () => T | undefined): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => (sub.dispose(), resolve(fallback())), timeoutMs);
    const sub = event((value) => {
      if (!accept(value)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(value);
    });
  });
}
