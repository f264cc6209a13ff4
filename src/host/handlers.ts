/**
 * The model host's request handlers: one table of models shared by the handler groups, each of
 * which declares its requests' types next to its handlers (`XRequests` + `createXHandlers`):
 *   - handlers.ts (here): `host/configure`, the host's own state;
 *   - modelHandlers.ts: open, release and describe a model, its attention (`model/load`, …);
 *   - taskHandlers.ts: the predictions (`model/fillMask`, `model/generate`, …);
 *   - attentionHandlers.ts: what the attention viewer reads from a model's weights (`model/positions`);
 *   - attentionViewHandlers.ts: the attention viewer's analyses, kept here (`attention/analyse`, `attention/view`, …);
 *   - insideHandlers.ts: inside the model (`model/attentionSteps`, `model/logitLens`, `model/embeddings`).
 * A new host task goes into the group it belongs to: one entry in its `XRequests` (params, result,
 * doc comment) and one handler beside it; nothing else in the host changes (the compiler asks for
 * both halves). A new group is one more file, one more `extends` in protocol.ts's `HostRequests`
 * and one more spread below. Handlers check their params with params.ts and run the engine through
 * requestKit.ts (`models.use`, `runTask`).
 */
import type { InferenceBackend } from '../engine/runtime/types';
import { createAttentionHandlers } from './attentionHandlers';
import { createAttentionViewHandlers } from './attentionViewHandlers';
import { HostRequestError, isObject } from './hostErrors';
import { createInsideHandlers } from './insideHandlers';
import { LoadedModels, type ModelLimits } from './loadedModels';
import { createModelHandlers } from './modelHandlers';
import { optionalLimit } from './params';
import type { Handlers } from './requestKit';
import { createTaskHandlers } from './taskHandlers';

/** The host's own requests (part of the protocol's `HostRequests`). */
export interface CoreRequests {
  /**
   * The host's state: process, backend, models open and the limits of the loaded-model cache.
   * `limits` given: changes them first (models beyond the new bounds are released, least recently
   * used first); the host was started with the settings' limits, this applies a change of them.
   * `maxRssBytes`: the host process's peak resident memory so far (the bench states it).
   */
  'host/configure': {
    params: { limits?: Partial<ModelLimits> };
    result: { pid: number; backend: string; models: number; limits: ModelLimits; maxRssBytes: number };
  };
}

export interface HandlerOptions {
  /** Said in `host/configure`'s answer. */
  backendName: string;
  /** Called on the first request that needs a backend, so a host whose backend cannot load still answers. */
  getBackend(): InferenceBackend;
  graphCacheDir: string;
  /** The loaded-model cache's limits the host starts with. */
  limits?: Partial<ModelLimits>;
}

function createCoreHandlers(options: HandlerOptions, models: LoadedModels): Handlers<CoreRequests> {
  return {
    'host/configure': async (params) => {
      const limits = params.limits;
      if (limits !== undefined) {
        if (!isObject(limits)) throw new HostRequestError('invalidParams', 'limits must be an object');
        const maxModels = optionalLimit(limits['maxModels'], 'limits.maxModels');
        const maxBytes = optionalLimit(limits['maxBytes'], 'limits.maxBytes');
        await models.configure({ ...(maxModels === undefined ? {} : { maxModels: Math.floor(maxModels) }), ...(maxBytes === undefined ? {} : { maxBytes }) });
      }
      return { pid: process.pid, backend: options.backendName, models: models.size, limits: { ...models.limits }, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
    },
  };
}

/**
 * Every group's handlers in one table; main.ts holds it as the protocol's `HostHandlers` (so a
 * group missing here is a compile error there) and serves a method when it is an own property of it.
 */
export function createHandlers(options: HandlerOptions) {
  const models = new LoadedModels(options.limits);
  const backend = (): InferenceBackend => {
    try {
      return options.getBackend();
    } catch (e) {
      throw new HostRequestError('backendUnavailable', e instanceof Error ? e.message : String(e));
    }
  };

  return {
    ...createCoreHandlers(options, models),
    ...createModelHandlers(backend, options.graphCacheDir, models),
    ...createTaskHandlers(backend, options.graphCacheDir, models),
    ...createAttentionHandlers(models),
    ...createAttentionViewHandlers(backend, models),
    ...createInsideHandlers(backend, options.graphCacheDir, models),
  };
}
