/** The model host's request handlers: sessions of one `InferenceBackend`, kept by id. */
import { stat } from 'node:fs/promises';
import type { InferenceBackend, InferenceSession } from '../engine/runtime/types';
import { HostRequestError, isObject, type HostHandlers, type RequestContext } from './protocol';
import { checkFeeds } from './tensors';
import { LoadedModels } from './loadedModels';
import { createModelHandlers } from './modelHandlers';
import { createTaskHandlers } from './taskHandlers';
import { createAttentionHandlers } from './attentionHandlers';

const DEVICES = ['auto', 'cuda', 'cpu'] as const;

function throwIfCancelled(ctx: RequestContext): void {
  if (ctx.signal.aborted) throw new HostRequestError('cancelled', 'the request was cancelled');
}

/**
 * `getBackend` is called on the first request that needs a backend, so a host whose backend
 * cannot load still answers (`host/ping`, and a `backendUnavailable` error for the rest).
 */
export function createHandlers(backendName: string, getBackend: () => InferenceBackend, options: { graphCacheDir: string }): HostHandlers {
  const sessions = new Map<string, InferenceSession>();
  const models = new LoadedModels();
  let nextSession = 1;

  const backend = (): InferenceBackend => {
    try {
      return getBackend();
    } catch (e) {
      throw new HostRequestError('backendUnavailable', e instanceof Error ? e.message : String(e));
    }
  };
  const session = (params: unknown): [string, InferenceSession] => {
    const id = isObject(params) ? params['sessionId'] : undefined;
    if (typeof id !== 'string') throw new HostRequestError('invalidParams', 'sessionId must be a string');
    const s = sessions.get(id);
    if (s === undefined) throw new HostRequestError('unknownSession', `no session "${id}" (released, or created by an earlier host)`);
    return [id, s];
  };

  return {
    ...createModelHandlers(backend, options.graphCacheDir, models),
    ...createTaskHandlers(backend, options.graphCacheDir, models),
    ...createAttentionHandlers(models),

    'host/ping': async () => ({ pid: process.pid, backend: backendName, sessions: sessions.size + models.size }),

    'session/create': async (params, ctx) => {
      const { model, device, gpuId } = params;
      if (typeof model !== 'string' && !(model instanceof Uint8Array)) {
        throw new HostRequestError('invalidParams', 'model must be an .onnx path or a Uint8Array of its bytes');
      }
      if (!DEVICES.includes(device)) throw new HostRequestError('invalidParams', `device must be one of ${DEVICES.join(', ')}`);
      if (gpuId !== undefined && !(Number.isInteger(gpuId) && gpuId >= 0)) {
        throw new HostRequestError('invalidParams', 'gpuId must be a non-negative integer');
      }
      const be = backend();
      const total = typeof model === 'string' ? (await stat(model).catch(() => undefined))?.size : model.byteLength;
      ctx.progress({ stage: 'loadingModel', done: 0, ...(total === undefined ? {} : { total }) });
      throwIfCancelled(ctx);
      ctx.progress({ stage: 'creatingSession' });
      const created = await be.createSession(model, gpuId === undefined ? { device } : { device, gpuId });
      if (ctx.signal.aborted) {
        // Nobody will learn this session's id: free it now.
        await created.release();
        throwIfCancelled(ctx);
      }
      const sessionId = `s${nextSession++}`;
      sessions.set(sessionId, created);
      return {
        sessionId,
        device: created.device,
        ...(created.fallbackReason === undefined ? {} : { fallbackReason: created.fallbackReason }),
        inputNames: [...created.inputNames],
        outputNames: [...created.outputNames],
      };
    },

    'session/run': async (params, ctx) => {
      const [, s] = session(params);
      const feeds = checkFeeds(params.feeds);
      const fetch = params.fetch;
      if (!Array.isArray(fetch) || !fetch.every((f) => typeof f === 'string')) {
        throw new HostRequestError('invalidParams', 'fetch must be a list of output names');
      }
      const unknown = fetch.filter((f) => !s.outputNames.includes(f));
      if (unknown.length) {
        throw new HostRequestError('invalidParams', `unknown outputs ${unknown.join(', ')} (the model has ${s.outputNames.join(', ')})`);
      }
      ctx.progress({ stage: 'running' });
      const outputs = await s.run(feeds, fetch);
      throwIfCancelled(ctx);
      return { outputs };
    },

    'session/release': async (params) => {
      const [id, s] = session(params);
      sessions.delete(id);
      await s.release();
      return { released: true };
    },
  };
}
