import * as vscode from 'vscode';
import type {
  Channel,
  HostBoundMessage,
  NotificationHandlers,
  RequestHandlers,
  WebviewBoundMessage,
} from '../protocol';
import { Disposable } from '../util/disposable';
import { describeError } from '../util/errors';

type HostNotifications<C extends Channel> = Omit<C['toHost'], 'webview/ready'>;

export interface ConnectionHandlers<C extends Channel> {
  requests: RequestHandlers<C>;
  notifications: NotificationHandlers<HostNotifications<C>>;
}

/**
 * The host's end of a webview's message channel (see `src/protocol.ts`).
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
      if (typeof handler === 'function') {
        try {
          (handler as (p: unknown) => void)(message.params);
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
    if (typeof handler !== 'function') {
      this.post({ kind: 'response', id, ok: false, error: `Unknown request '${method}'` });
      return;
    }
    try {
      const result: unknown = await (handler as (p: unknown) => Promise<unknown>)(params);
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
