// The webview's end of its channel with the extension host (see src/protocol/wire.ts): typed
// requests with results, notifications both ways, the `webview/ready` handshake, and the
// webview's saved state (getState/setState), which survives hiding and reloads.
import type { Channel, HostBoundMessage, WebviewBoundMessage } from '../src/protocol/wire';

interface VsCodeApi<S> {
  postMessage(message: HostBoundMessage): void;
  getState(): S | undefined;
  setState(state: S): void;
}

declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

export class HostClient<C extends Channel, S> {
  private readonly api = acquireVsCodeApi<S>();
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Array<(params: unknown) => void>>();
  private nextId = 1;

  constructor() {
    window.addEventListener('message', (event: MessageEvent<unknown>) => this.receive(event.data));
  }

  /** Says `webview/ready`: call after every `on()` handler is in place. */
  ready(): void {
    this.api.postMessage({ kind: 'notify', method: 'webview/ready', params: {} });
  }

  on<K extends keyof C['toWebview'] & string>(method: K, handler: (params: C['toWebview'][K]) => void): void {
    const list = this.listeners.get(method) ?? [];
    list.push(handler as (params: unknown) => void);
    this.listeners.set(method, list);
  }

  notify<K extends Exclude<keyof C['toHost'], 'webview/ready'> & string>(method: K, params: C['toHost'][K]): void {
    this.api.postMessage({ kind: 'notify', method, params });
  }

  request<K extends keyof C['requests'] & string>(
    method: K,
    params: C['requests'][K]['params'],
  ): Promise<C['requests'][K]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.api.postMessage({ kind: 'request', id, method, params });
    });
  }

  get state(): S | undefined {
    return this.api.getState();
  }

  set state(value: S) {
    this.api.setState(value);
  }

  private receive(data: unknown): void {
    const message = data as WebviewBoundMessage | null;
    if (typeof message !== 'object' || message === null) {
      return;
    }
    if (message.kind === 'response') {
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (waiting) {
        if (message.ok) {
          waiting.resolve(message.result);
        } else {
          waiting.reject(new Error(message.error));
        }
      }
    } else if (message.kind === 'notify') {
      for (const handler of this.listeners.get(message.method) ?? []) {
        handler(message.params);
      }
    }
  }
}
