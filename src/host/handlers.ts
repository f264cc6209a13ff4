/** The model host's request handlers: one table of models shared by the model, task and attention requests. */
import type { InferenceBackend } from '../engine/runtime/types';
import { createAttentionHandlers } from './attentionHandlers';
import { LoadedModels } from './loadedModels';
import { createModelHandlers } from './modelHandlers';
import { optionalLimit } from './params';
import { HostRequestError, isObject, type HostHandlers, type ModelLimits } from './protocol';
import { createTaskHandlers } from './taskHandlers';

export interface HandlerOptions {
  /** Said in `host/configure`'s answer. */
  backendName: string;
  /** Called on the first request that needs a backend, so a host whose backend cannot load still answers. */
  getBackend(): InferenceBackend;
  graphCacheDir: string;
  /** The loaded-model cache's limits the host starts with. */
  limits?: Partial<ModelLimits>;
}

export function createHandlers(options: HandlerOptions): HostHandlers {
  const models = new LoadedModels(options.limits);
  const backend = (): InferenceBackend => {
    try {
      return options.getBackend();
    } catch (e) {
      throw new HostRequestError('backendUnavailable', e instanceof Error ? e.message : String(e));
    }
  };

  return {
    ...createModelHandlers(backend, options.graphCacheDir, models),
    ...createTaskHandlers(backend, options.graphCacheDir, models),
    ...createAttentionHandlers(models),

    'host/configure': async (params) => {
      const limits = params.limits;
      if (limits !== undefined) {
        if (!isObject(limits)) throw new HostRequestError('invalidParams', 'limits must be an object');
        const maxModels = optionalLimit(limits['maxModels'], 'limits.maxModels');
        const maxBytes = optionalLimit(limits['maxBytes'], 'limits.maxBytes');
        await models.configure({ ...(maxModels === undefined ? {} : { maxModels: Math.floor(maxModels) }), ...(maxBytes === undefined ? {} : { maxBytes }) });
      }
      return { pid: process.pid, backend: options.backendName, models: models.size, limits: { ...models.limits } };
    },
  };
}
