import type * as vscode from 'vscode';

/** What the watchdog needs of a webview connection (see connection.ts). */
interface ReadyState {
  readonly ready: boolean;
  /** Forget the old document: the new one must say `ready` again. */
  reset(): void;
}

/**
 * A webview page that never says `ready` is reloaded, a few times, rather than left blank. Seen in
 * VS Code for the web (code-server) when two webviews start together: one of them can wait forever
 * for its resource service worker ("Found unexpected service worker controller"), so its script
 * never loads; setting its HTML again loads it. Also covers a bundle being rebuilt while loading.
 */
export function reloadUntilReady(
  webview: vscode.Webview,
  connection: ReadyState,
  page: () => string,
  options: { visible: () => boolean; stillCurrent: () => boolean; intervalMs?: number; maxReloads?: number },
): vscode.Disposable {
  const { intervalMs = 4000, maxReloads = 8 } = options;
  let reloads = 0;
  const timer = setInterval(() => {
    if (connection.ready || reloads >= maxReloads || !options.stillCurrent()) return clearInterval(timer);
    if (!options.visible()) return;
    reloads++;
    connection.reset();
    webview.html = `${page()}<!-- reload ${reloads} -->`;
  }, intervalMs);
  return { dispose: () => clearInterval(timer) };
}
