/**
 * Host ⇄ webview protocol: the wire format every panel and view shares, and the types of the
 * host's checks of what a webview sends. Imported by the host (`src/webviews/`) and by the browser
 * code (`webview-ui/`), so, like every file of `src/protocol/`, it holds types only — no `vscode`,
 * no Node, no code.
 *
 * Each webview has a channel (one file per feature in this folder) with three maps:
 * - `requests`: webview → host, each with the type of its result (`scope/noun`);
 * - `toWebview`: host → webview notifications (`scope/didChange`, …);
 * - `toHost`: webview → host notifications; every channel starts with `webview/ready`, and the
 *   host posts nothing to a webview before it has received it.
 */

export type RequestMap = Record<string, { params: unknown; result: unknown }>;
export type NotificationMap = Record<string, unknown>;

export type Channel = {
  requests: RequestMap;
  toWebview: NotificationMap;
  toHost: NotificationMap & { 'webview/ready': Record<string, never> };
};

/** What the webview posts. */
export type HostBoundMessage =
  | { kind: 'request'; id: number; method: string; params: unknown }
  | { kind: 'notify'; method: string; params: unknown };

/** What the host posts. */
export type WebviewBoundMessage =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: string }
  | { kind: 'notify'; method: string; params: unknown };

/** Host-side handlers: a missing request handler is a compile error. */
export type RequestHandlers<C extends Channel> = {
  [K in keyof C['requests']]: (params: C['requests'][K]['params']) => Promise<C['requests'][K]['result']>;
};
export type NotificationHandlers<M extends NotificationMap> = {
  [K in keyof M]: (params: M[K]) => void;
};

/** A check of what a webview sent: the params as their handler may take them, or undefined to refuse them. */
export type Check<T> = (params: unknown) => T | undefined;

/**
 * Host-side checks of every message a webview may send (a missing one is a compile error): the
 * webview is a web page, so nothing it posts is trusted — see `src/webviews/messageChecks.ts`.
 */
export type MessageChecks<C extends Channel> = {
  requests: { [K in keyof C['requests']]: Check<C['requests'][K]['params']> };
  notifications: { [K in Exclude<keyof C['toHost'], 'webview/ready'>]: Check<C['toHost'][K]> };
};

/** Strings sent by the host, already localized. `{0}` marks where the webview puts a value. */
export type LocalizedStrings<K extends string> = Record<K, string>;
