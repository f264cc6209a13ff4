/**
 * The model-host process (bundled to dist/modelHost.js, started by `ModelHostClient` with
 * `child_process.fork(..., { serialization: 'advanced' })`). Models run here, never in the
 * extension host: a native inference call blocks this thread, and a CUDA fault kills only this
 * process. Its options are command-line flags (hostOptions.ts): the backend (backends.ts), the
 * cache folder — built graphs are cached in `<base>/graphs`, base = `--cache-dir=DIR`, else
 * TREX_CACHE_DIR, else ~/.cache/transformer-explorer — and the loaded-model cache's limits.
 */
import { join } from 'node:path';
import { defaultGraphCacheDir } from '../engine/tasks/openModel';
import type { InferenceBackend } from '../engine/runtime/types';
import { createBackend, loadTestModule, type TestMethod } from './backends';
import { createHandlers } from './handlers';
import { parseHostArgs } from './hostOptions';
import { hostErrorCode, isObject, type HostErrorPayload } from './hostErrors';
import type { FromHostMessage, HostHandlers, HostMethod, ParamsOf, ResultOf } from './protocol';
import { CANCELLED_MESSAGE, type HostProgress, type RequestContext } from './requestKit';

function send(message: FromHostMessage): void {
  // The parent may be gone already; nothing useful to do then but exit (see 'disconnect').
  if (process.connected && process.send) process.send(message);
}

function toErrorPayload(e: unknown): HostErrorPayload {
  const message = e instanceof Error ? e.message : String(e);
  return { code: hostErrorCode(e) ?? 'backendError', message };
}

/** Whether `method` is one the host serves: an own property of its handler table (not `toString`, …). */
function isHandled(handlers: HostHandlers, method: unknown): method is HostMethod {
  return typeof method === 'string' && Object.prototype.hasOwnProperty.call(handlers, method);
}

/** Calls the handler of `method`, typed by method (the union is narrowed per call). */
function call<M extends HostMethod>(handlers: HostHandlers, method: M, params: ParamsOf<M>, ctx: RequestContext): Promise<ResultOf<M>> {
  const handler = handlers[method] as (p: ParamsOf<M>, c: RequestContext) => Promise<ResultOf<M>>;
  return handler(params, ctx);
}

export function startModelHost(): void {
  if (!process.send) {
    console.error('modelHost: must be started with child_process.fork (no IPC channel)');
    process.exit(2);
  }
  const options = parseHostArgs(process.argv.slice(2), process.env);
  const testModule = options.testModule ? loadTestModule(options.testModule) : undefined;
  const backendName = testModule?.backendName ?? options.backend;
  let backend: InferenceBackend | undefined;
  const getBackend = (): InferenceBackend => (backend ??= testModule?.createBackend?.() ?? createBackend(options.backend));
  const graphCacheDir = options.cacheDir ? join(options.cacheDir, 'graphs') : defaultGraphCacheDir(process.env);
  const handlers: HostHandlers = createHandlers({ backendName, getBackend, graphCacheDir, ...(options.limits ? { limits: options.limits } : {}) });
  const testMethods: Record<string, TestMethod> = testModule?.createTestMethods?.(getBackend) ?? {};
  /** Requests in progress; a cancelled one is removed at once, so its late result is dropped. */
  const inFlight = new Map<number, AbortController>();

  const answer = (id: number, message: FromHostMessage): void => {
    if (!inFlight.delete(id)) return;
    send(message);
  };

  process.on('message', (raw: unknown) => {
    if (!isObject(raw) || typeof raw['id'] !== 'number') return;
    const id = raw['id'];
    if (raw['kind'] === 'cancel') {
      const controller = inFlight.get(id);
      if (!controller) return;
      controller.abort();
      answer(id, { kind: 'error', id, error: { code: 'cancelled', message: CANCELLED_MESSAGE } });
      return;
    }
    if (raw['kind'] !== 'request') return;
    const method = raw['method'];
    const served = isHandled(handlers, method);
    const testMethod = !served && typeof method === 'string' && Object.prototype.hasOwnProperty.call(testMethods, method) ? testMethods[method] : undefined;
    if (!served && !testMethod) {
      send({ kind: 'error', id, error: { code: 'unknownMethod', message: `unknown method ${String(method)}` } });
      return;
    }
    if (!isObject(raw['params'])) {
      send({ kind: 'error', id, error: { code: 'invalidParams', message: `${String(method)}: params must be an object` } });
      return;
    }
    const controller = new AbortController();
    inFlight.set(id, controller);
    const ctx: RequestContext = {
      signal: controller.signal,
      progress: (progress: HostProgress) => {
        if (inFlight.has(id)) send({ kind: 'progress', id, progress });
      },
    };
    // Params are checked by each handler: they came from another process.
    const work = isHandled(handlers, method) ? call(handlers, method, raw['params'] as ParamsOf<typeof method>, ctx) : (testMethod as TestMethod)(raw['params'], ctx);
    work.then(
      (result) => answer(id, { kind: 'result', id, method, result } as FromHostMessage),
      (e: unknown) => answer(id, { kind: 'error', id, error: toErrorPayload(e) }),
    );
  });
  // The extension host went away (closed window, crash): nothing can read our answers.
  process.on('disconnect', () => process.exit(0));
  send({ kind: 'ready', pid: process.pid, backend: backendName });
}

startModelHost();
