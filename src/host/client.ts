/**
 * `ModelHostClient`: the extension-host side of the model host. Starts the process lazily on the
 * first request, sends typed requests, and guarantees every request settles: with its result,
 * its error, a `timeout`, a `cancelled` error when its signal aborts, or a `HostDiedError` when
 * the process dies (crash, kill, out of memory). After a death the next request starts a new host.
 * Plain Node: the extension wraps it (notices, settings) without this file importing `vscode`.
 * Whole models (the graph is built from the folder's weights and cached under `cacheDir`/graphs):
 *
 *   const host = new ModelHostClient({ hostScript: join(context.extensionPath, 'dist', 'modelHost.js'), limits: { maxModels: 3 } });
 *   host.onDidDie((d) => notifyOnce(d.error.message));   // once per death, not per request
 *   const m = await host.request('model/load', { spec: folderOrCachedHubId, device: 'auto' },
 *     { signal, onProgress: (p) => report(p.stage) });  // loadingModel → buildingGraph (first time) → creatingSession
 *   const { tokens, attentions } = await host.request('model/attention', { modelId: m.modelId, text, layers: [0] });
 *   await host.request('model/release', { modelId: m.modelId });
 *   await host.configure({ maxBytes: 2 ** 32 });         // new limits: this host now, and every later one
 *   context.subscriptions.push(host);                    // dispose() kills the process
 * Predictions (issue 4): `model/fillMask`, `model/mlmDemo`, `model/surprisal`, `model/compare`, and
 * `model/generate`, which streams each step as progress before its result:
 *
 *   const r = await host.request('model/generate', { modelId, prompt, options: { strategy: 'greedy', maxNewTokens: 20 } },
 *     { signal, onProgress: (p) => p.step && show(p.step.text) });   // stage 'generating', one message per token
 * Aborting the signal rejects with `cancelled`; the steps streamed before it are final.
 * User-fixable problems (missing folder, text longer than the context) reject with code `invalidInput`;
 * a released or evicted model with `unknownModel`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import {
  HostRequestError,
  isObject,
  type FromHostMessage,
  type HostMethod,
  type HostProgress,
  type ModelLimits,
  type ParamsOf,
  type ResultOf,
  type ToHostMessage,
} from './protocol';
import { hostArgs } from './hostOptions';
import {
  DEFAULT_TIMEOUT_MS,
  DEFAULT_TIMEOUTS_MS,
  HostDiedError,
  lastErrorLine,
  type Disposable,
  type HostDeath,
  type ModelHostClientOptions,
  type RequestOptions,
} from './clientTypes';

export { HostRequestError } from './protocol';
export * from './clientTypes';

interface RunningHost {
  child: ChildProcess;
  ready: boolean;
  /** Messages sent before the host said it was ready. */
  queue: ToHostMessage[];
  outputTail: string;
  /** Set when we stop it on purpose (dispose, failed start): explains the death. */
  stopReason?: string;
  /** Stopped by `dispose`/`restart`: not a death to tell the user about. */
  intentional?: boolean;
  dead: boolean;
}

interface Pending {
  method: HostMethod;
  host: RunningHost;
  resolve(result: ResultOf<HostMethod>): void;
  reject(error: Error): void;
  onProgress?: (progress: HostProgress) => void;
}

const TAIL_CHARS = 4000;
const DISCONNECT_GRACE_MS = 2000;

/** `table[method]` when the table has that own entry (never what every object inherits: `toString`, …). */
function ownEntry(table: Partial<Record<HostMethod, number>> | undefined, method: HostMethod): number | undefined {
  return table !== undefined && Object.prototype.hasOwnProperty.call(table, method) ? table[method] : undefined;
}

export class ModelHostClient implements Disposable {
  private host: RunningHost | undefined;
  private readonly pending = new Map<number, Pending>();
  private readonly deathListeners = new Set<(death: HostDeath) => void>();
  private nextId = 1;
  private disposed = false;
  /** Number of host processes started so far (tests and diagnostics). */
  startCount = 0;

  /** The model-cache limits given to every host started from now on (see `configure`). */
  private limits: Partial<ModelLimits>;

  constructor(private readonly options: ModelHostClientOptions) {
    this.limits = { ...options.limits };
  }

  /**
   * Changes the loaded-model cache's limits: the running host applies them at once (`host/configure`,
   * releasing models beyond them; no restart, no request lost), and later hosts start with them.
   */
  async configure(limits: Partial<ModelLimits>): Promise<void> {
    this.limits = { ...this.limits, ...limits };
    if (this.host && !this.host.dead) await this.request('host/configure', { limits: this.limits });
  }

  /** Fires once per unexpected death of the host (not per pending request, not on dispose). */
  onDidDie(listener: (death: HostDeath) => void): Disposable {
    this.deathListeners.add(listener);
    return { dispose: () => this.deathListeners.delete(listener) };
  }

  /** The current host's process id, if one is running. */
  get pid(): number | undefined {
    return this.host && !this.host.dead ? this.host.child.pid : undefined;
  }

  request<M extends HostMethod>(method: M, params: ParamsOf<M>, options: RequestOptions = {}): Promise<ResultOf<M>> {
    if (this.disposed) return Promise.reject(new HostRequestError('internal', 'the model host client is disposed'));
    const { signal, onProgress } = options;
    if (signal?.aborted) return Promise.reject(new HostRequestError('cancelled', `${method} was cancelled`));
    let host: RunningHost;
    try {
      host = this.ensureHost();
    } catch (e) {
      return Promise.reject(new HostDiedError(`the model host could not be started: ${e instanceof Error ? e.message : String(e)}`, null, null));
    }
    const id = this.nextId++;
    const timeoutMs = options.timeoutMs ?? ownEntry(this.options.timeoutsMs, method) ?? ownEntry(DEFAULT_TIMEOUTS_MS, method) ?? DEFAULT_TIMEOUT_MS;

    return new Promise<ResultOf<M>>((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.pending.delete(id);
      };
      /** Ends the request here and tells the host to drop its work. */
      const abandon = (error: HostRequestError): void => {
        cleanup();
        if (!host.dead) this.send(host, { kind: 'cancel', id });
        reject(error);
      };
      const onAbort = (): void => abandon(new HostRequestError('cancelled', `${method} was cancelled`));
      const timer = setTimeout(() => abandon(new HostRequestError('timeout', `${method} got no answer from the model host within ${timeoutMs} ms`)), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        method,
        host,
        resolve: (result) => {
          cleanup();
          resolve(result as ResultOf<M>);
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
        ...(onProgress ? { onProgress } : {}),
      });
      this.send(host, { kind: 'request', id, method, params } as ToHostMessage);
    });
  }

  /** Stops the host (pending requests reject with HostDiedError); the next request starts a new one. */
  restart(reason = 'the model host was restarted'): void {
    if (this.host) this.stop(this.host, reason, true);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.host) this.stop(this.host, 'the model host was shut down', true);
    this.deathListeners.clear();
  }

  private ensureHost(): RunningHost {
    if (this.host && !this.host.dead) return this.host;
    const { hostScript, env, execArgv, startTimeoutMs = 30_000 } = this.options;
    const args = hostArgs({ ...this.options, limits: this.limits });
    const child = fork(hostScript, args, {
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: env ?? process.env,
      execArgv: execArgv ?? [],
    });
    this.startCount++;
    const host: RunningHost = { child, ready: false, queue: [], outputTail: '', dead: false };
    this.host = host;
    const onOutput = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      host.outputTail = (host.outputTail + text).slice(-TAIL_CHARS);
      this.options.onOutput?.(text);
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    const startTimer = setTimeout(() => this.stop(host, `the model host did not start within ${startTimeoutMs} ms`), startTimeoutMs);
    child.on('message', (message: unknown) => this.onMessage(host, message, startTimer));
    child.on('exit', (code, signal) => {
      clearTimeout(startTimer);
      this.onDeath(host, code, signal);
    });
    child.on('error', (error) => {
      // Spawning failed, or the process could not be signalled: treat it as gone.
      clearTimeout(startTimer);
      host.outputTail = (host.outputTail + `\n${error.message}`).slice(-TAIL_CHARS);
      this.stop(host, `the model host failed: ${error.message}`);
      if (child.pid === undefined) this.onDeath(host, null, null);
    });
    // The channel closed. Usually the process is exiting ('exit' follows and says why); if it
    // lingers without a channel it can no longer answer, so it is as good as dead.
    child.on('disconnect', () => {
      setTimeout(() => {
        if (!host.dead && host.stopReason === undefined) this.stop(host, 'the model host closed its connection');
      }, DISCONNECT_GRACE_MS).unref();
    });
    return host;
  }

  private onMessage(host: RunningHost, raw: unknown, startTimer: NodeJS.Timeout): void {
    if (!isObject(raw) || typeof raw['kind'] !== 'string') return;
    const message = raw as unknown as FromHostMessage;
    if (message.kind === 'ready') {
      clearTimeout(startTimer);
      host.ready = true;
      for (const queued of host.queue.splice(0)) this.send(host, queued);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending || pending.host !== host) return; // cancelled or timed out meanwhile
    switch (message.kind) {
      case 'progress':
        try {
          pending.onProgress?.(message.progress);
        } catch {
          // A listener's bug must not break the request.
        }
        return;
      case 'result':
        if (message.method !== pending.method) {
          pending.reject(new HostRequestError('internal', `answer for ${message.method} to a ${pending.method} request`));
        } else {
          pending.resolve(message.result);
        }
        return;
      case 'error':
        pending.reject(new HostRequestError(message.error.code, message.error.message));
        return;
    }
  }

  private send(host: RunningHost, message: ToHostMessage): void {
    if (host.dead) return;
    if (!host.ready) {
      host.queue.push(message);
      return;
    }
    // A failed send means the channel is closed: the 'exit'/'disconnect' handlers settle things.
    host.child.send(message, (error) => {
      if (error && !host.dead && host.stopReason === undefined) this.stop(host, `the model host cannot be reached: ${error.message}`);
    });
  }

  private stop(host: RunningHost, reason: string, intentional = false): void {
    if (host.dead) return;
    host.stopReason ??= reason;
    host.intentional ||= intentional;
    host.child.kill('SIGKILL');
  }

  private onDeath(host: RunningHost, exitCode: number | null, signal: NodeJS.Signals | null): void {
    if (host.dead) return;
    host.dead = true;
    if (this.host === host) this.host = undefined;
    const how = signal ? `signal ${signal}` : `exit code ${exitCode}`;
    const detail = lastErrorLine(host.outputTail);
    const message = host.stopReason
      ? `${host.stopReason[0]?.toUpperCase()}${host.stopReason.slice(1)}.`
      : `The model host process stopped unexpectedly (${how})${detail ? `: ${detail}` : ''}.`;
    const error = new HostDiedError(message, exitCode, signal);
    const mine = [...this.pending.values()].filter((p) => p.host === host);
    for (const p of mine) p.reject(error);
    if (host.intentional) return;
    const death: HostDeath = { error, pendingRequests: mine.length, outputTail: host.outputTail };
    for (const listener of [...this.deathListeners]) {
      try {
        listener(death);
      } catch {
        // One listener's bug must not hide the death from the others.
      }
    }
  }
}
