import type * as vscode from 'vscode';

/** What the watchdog needs of a webview connection (see connection.ts). */
interface ReadyState {
  readonly ready: boolean;
  /** Forget the old document: the new one must say `ready` again. */
  reset(): void;
}

/**
 * A webview page that has not said `ready` is loaded again every `intervalMs` while visible, up
 * to `maxReloads` times, rather than left blank: a bundle rebuilt while it loaded is covered
 * that way. The interval is long because a reload starts the page over: on a busy machine a page
 * that needs more than the interval to start would never start. In VS Code for the web (code-server)
 * the frame around the page can also wait for good for its resource service worker when several
 * webviews start together (webview/browser/pre/index.html: "Found unexpected service worker
 * controller … Waiting for controllerchange"); new HTML goes to that same frame and does not help,
 * and only a new frame does. When the reloads are used up, `onGiveUp` runs once (webviewBase.ts
 * offers Reload Window).
 */
export function reloadUntilReady(
  webview: vscode.Webview,
  connection: ReadyState,
  page: () => string,
  options: { visible: () => boolean; stillCurrent: () => boolean; onGiveUp?: () => void; intervalMs?: number; maxReloads?: number },
): vscode.Disposable {
  const { intervalMs = 10_000, maxReloads = 2 } = options;
  let reloads = 0;
  const timer = setInterval(() => {
    if (connection.ready || !options.stillCurrent()) return clearInterval(timer);
    if (!options.visible()) return;
    if (reloads >= maxReloads) {
      clearInterval(timer);
      options.onGiveUp?.();
      return;
    }
    reloads++;
    connection.reset();
    webview.html = `${page()}<!-- reload ${reloads} -->`;
  }, intervalMs);
  return { dispose: () => clearInterval(timer) };
}
