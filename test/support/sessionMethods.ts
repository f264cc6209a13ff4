/**
 * Test-only methods of the model host, loaded through its test hook (`--test-module=`, see
 * src/host/backends.ts) and never part of the production protocol: raw inference sessions of
 * whatever backend the host runs (`session/create`, `session/run`, `session/release`,
 * `session/count`), so the host's life (cancellation, timeouts, crashes) and the IPC of tensors can
 * be tested with a steerable fake model (fakeBackend.ts) or a small ONNX graph.
 *
 * As a module it runs inside the host process, built from out/; call it from a test with
 * `sessionRequest` (the client's `request` typed for these methods).
 */
import { stat } from 'node:fs/promises';
import { DEVICE_PREFERENCES, type DeviceKind, type DevicePreference, type InferenceBackend, type InferenceSession, type TensorData } from '../../src/engine/runtime/types';
import type { TestMethod } from '../../src/host/backends';
import type { ModelHostClient, RequestOptions } from '../../src/host/client';
import { HostRequestError } from '../../src/host/protocol';
import { throwIfCancelled } from '../../src/host/requestKit';
import { checkFeeds } from './tensors';

/** The test methods with their params and results. */
export interface SessionRequests {
  /** Loads a model (an .onnx file path or its bytes) into an inference session. */
  'session/create': {
    params: { model: string | Uint8Array; device: DevicePreference; gpuId?: number };
    result: { sessionId: string; device: DeviceKind; fallbackReason?: string; inputNames: string[]; outputNames: string[] };
  };
  /** Runs a session; only the outputs named in `fetch` come back. */
  'session/run': { params: { sessionId: string; feeds: Record<string, TensorData>; fetch: string[] }; result: { outputs: Record<string, TensorData> } };
  /** Frees a session; the id is invalid afterwards. */
  'session/release': { params: { sessionId: string }; result: { released: true } };
  /** How many sessions are open. */
  'session/count': { params: Record<string, never>; result: { sessions: number } };
}

/** `client.request` for the test methods (the production client knows only the protocol's). */
export function sessionRequest<M extends keyof SessionRequests>(client: ModelHostClient, method: M, params: SessionRequests[M]['params'], options?: RequestOptions): Promise<SessionRequests[M]['result']> {
  const request = client.request as unknown as (m: string, p: unknown, o?: RequestOptions) => Promise<SessionRequests[M]['result']>;
  return request.call(client, method, params, options);
}

export function createTestMethods(backend: () => InferenceBackend): Record<keyof SessionRequests, TestMethod> {
  const sessions = new Map<string, InferenceSession>();
  let nextSession = 1;
  const session = (params: Record<string, unknown>): [string, InferenceSession] => {
    const id = params['sessionId'];
    if (typeof id !== 'string') throw new HostRequestError('invalidParams', 'sessionId must be a string');
    const s = sessions.get(id);
    if (s === undefined) throw new HostRequestError('invalidParams', `no session "${id}" (released, or created by an earlier host)`);
    return [id, s];
  };

  return {
    'session/create': async (params, ctx) => {
      const { model, device, gpuId } = params;
      if (typeof model !== 'string' && !(model instanceof Uint8Array)) throw new HostRequestError('invalidParams', 'model must be an .onnx path or a Uint8Array of its bytes');
      if (!(DEVICE_PREFERENCES as readonly unknown[]).includes(device)) throw new HostRequestError('invalidParams', `device must be one of ${DEVICE_PREFERENCES.join(', ')}`);
      if (gpuId !== undefined && !(typeof gpuId === 'number' && Number.isInteger(gpuId) && gpuId >= 0)) throw new HostRequestError('invalidParams', 'gpuId must be a non-negative integer');
      const be = backend();
      const total = typeof model === 'string' ? (await stat(model).catch(() => undefined))?.size : model.byteLength;
      ctx.progress({ stage: 'loadingModel', done: 0, ...(total === undefined ? {} : { total }) });
      throwIfCancelled(ctx.signal);
      ctx.progress({ stage: 'creatingSession' });
      const where = { device: device as DevicePreference, ...(gpuId === undefined ? {} : { gpuId: gpuId as number }) };
      const created = await be.createSession(model, where);
      if (ctx.signal.aborted) {
        // Nobody will learn this session's id: free it now.
        await created.release();
        throwIfCancelled(ctx.signal);
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
      const feeds = checkFeeds(params['feeds']);
      const fetch = params['fetch'];
      if (!Array.isArray(fetch) || !fetch.every((f): f is string => typeof f === 'string')) throw new HostRequestError('invalidParams', 'fetch must be a list of output names');
      const unknown = fetch.filter((f) => !s.outputNames.includes(f));
      if (unknown.length) throw new HostRequestError('invalidParams', `unknown outputs ${unknown.join(', ')} (the model has ${s.outputNames.join(', ')})`);
      ctx.progress({ stage: 'running' });
      const outputs = await s.run(feeds, fetch);
      throwIfCancelled(ctx.signal);
      return { outputs };
    },

    'session/release': async (params) => {
      const [id, s] = session(params);
      sessions.delete(id);
      await s.release();
      return { released: true };
    },

    'session/count': async () => ({ sessions: sessions.size }),
  };
}

