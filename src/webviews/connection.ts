import * as vscode from 'vscode';
import type { Channel, HostBoundMessage, MessageChecks, NotificationHandlers, RequestHandlers, WebviewBoundMessage } from '../protocol/wire';
import { Disposable } from '../util/disposable';
import { quoteValue } from '../engine/errorText';
import { describeError } from '../util/errors';

type HostNotifications<C extends Channel> = Omit<C['toHost'], 'webview/ready'>;

export interface ConnectionHandlers<C extends Channel> {
  requests: RequestHandlers<C>;
  notifications: NotificationHandlers<HostNotifications<C>>;
  /** What each message must be; a handler only ever sees params its check accepted. */
  checks: MessageChecks<C>;
}

/**
 * The host's end of a webview's message channel (see `src/protocol/wire.ts`).
 *
 * Nothing the webview posts is trusted: every message goes through its check first (see
 * messageChecks.ts); one that fails it, or of a kind the channel does not have, is ignored (a
 * request gets an error answer).
 *
 * Ready handshake: nothing is posted until the webview says `webview/ready`. Until then the
 * latest value of each notification is kept, and it is posted again after every `ready` — a
 * webview that was hidden and re-created (or revived after a reload) gets its content back.
 */
export class WebviewConnection<C extends Channel> extends Disposable {
  private isReady = false;
  private readonly latest = new Map<string, unknown>();
  private readonly readyEmitter = this.register(new vscode.EventEmitter<void>());
  /** Fires on every `webview/ready`, after the latest notifications were re-posted. */
  readonly onDidBecomeReady = this.readyEmitter.event;

  constructor(
    private readonly webview: vscode.Webview,
    private readonly handlers: ConnectionHandlers<C>,
  ) {
    super();
    this.register(webview.onDidReceiveMessage((m: unknown) => this.receive(m)));
  }

  get ready(): boolean {
    return this.isReady;
  }

  /** Call when the webview's HTML is (re)set: the new document must say `ready` again. */
  reset(): void {
    this.isReady = false;
  }

  notify<K extends keyof C['toWebview'] & string>(method: K, params: C['toWebview'][K]): void {
    this.latest.delete(method); // re-insert: replay order follows the order of the last posts
    this.latest.set(method, params);
    if (this.isReady) {
      this.post({ kind: 'notify', method, params });
    }
  }

  private post(message: WebviewBoundMessage): void {
    void Promise.resolve(this.webview.postMessage(message)).catch(() => {
      // The webview went away; the next `ready` replays the latest state.
    });
  }

  private receive(message: unknown): void {
    if (!isHostBound(message)) {
      return;
    }
    if (message.kind === 'notify') {
      if (message.method === 'webview/ready') {
        this.isReady = true;
        for (const [method, params] of this.latest) {
          this.post({ kind: 'notify', method, params });
        }
        this.readyEmitter.fire();
        return;
      }
      const handler = ownProperty(this.handlers.notifications, message.method);
      const check = ownProperty(this.handlers.checks.notifications, message.method);
      const params = typeof check === 'function' ? (check as (p: unknown) => unknown)(message.params) : undefined;
      if (typeof handler === 'function' && params !== undefined) {
        try {
          (handler as (p: unknown) => void)(params);
        } catch (error) {
          void vscode.window.showErrorMessage(describeError(error));
        }
      }
      return;
    }
    void this.answer(message.id, message.method, message.params);
  }

  private async answer(id: number, method: string, params: unknown): Promise<void> {
    const handler = ownProperty(this.handlers.requests, method);
    const check = ownProperty(this.handlers.checks.requests, method);
    if (typeof handler !== 'function' || typeof check !== 'function') {
      this.post({ kind: 'response', id, ok: false, error: `Unknown request ${quoteValue(method)}` });
      return;
    }
    const checked: unknown = (check as (p: unknown) => unknown)(params);
    if (checked === undefined) {
      this.post({ kind: 'response', id, ok: false, error: `Invalid params for ${method}` });
      return;
    }
    try {
      const result: unknown = await (handler as (p: unknown) => Promise<unknown>)(checked);
      this.post({ kind: 'response', id, ok: true, result });
    } catch (error) {
      this.post({ kind: 'response', id, ok: false, error: describeError(error) });
    }
  }
}

function ownProperty(object: object, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

function isHostBound(m: unknown): m is HostBoundMessage {
  if (typeof m !== 'object' || m === null) {
    return false;
  }
  const r = m as Record<string, unknown>;
  if (typeof r.method !== 'string') {
    return false;
  }
  return r.kind === 'notify' || (r.kind === 'request' && typeof r.id === 'number');
}
