/**
 * Our webviews load their pages one at a time: a page is given to its frame once the previous one
 * said `ready` (or after `START_TURN_MS`, for a page that is hidden or slow). In VS Code for the web
 * (code-server) every webview frame registers its resource service worker on one shared scope, and
 * two frames registering at once can leave one waiting for its own worker for good ("Found
 * unexpected service worker controller … Waiting for controllerchange"): the commands that open
 * a panel and a side view together met that often. On the desktop the wait costs nothing to a
 * single webview and at most a fraction of a second to a second one opened at the same moment.
 * Plain TypeScript (no `vscode` import), so that the unit tier tests it.
 */

/** How long a page that does not say `ready` holds the next one back. */
export const START_TURN_MS = 3000;

/** What the turn waits on (see connection.ts). */
export interface ReadySignal {
  readonly ready: boolean;
  onDidBecomeReady(listener: () => void): { dispose(): void };
}

/** A queue of page starts; each `start` resolves when the next one may begin. */
export function startQueue(): (start: () => Promise<void>) => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  return (start) => {
    last = last.then(start).catch(() => undefined);
    return last;
  };
}

/** The extension's one queue: every panel and view of ours starts its page through it. */
export const startInTurn = startQueue();

/** Resolves once `connection` is ready, or after `timeoutMs`. */
export function whenReady(connection: ReadySignal, timeoutMs = START_TURN_MS): Promise<void> {
  if (connection.ready) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      sub.dispose();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    const sub = connection.onDidBecomeReady(done);
  });
}
