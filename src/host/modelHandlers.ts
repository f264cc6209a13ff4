/** The model-level requests (`model/*`): open a model folder, run attention, release it, read its card. */
import { readModelCard } from '../engine/models/modelDir';
import type { DevicePreference, InferenceBackend } from '../engine/runtime/types';
import { runAttention } from '../engine/tasks/attention';
import { locateModel } from '../engine/tasks/modelSpec';
import { openModel, type LoadedModel } from '../engine/tasks/openModel';
import { folderStamp } from './folderStamp';
import type { LoadedModels } from './loadedModels';
import { optionalIntList, requireDevice, requireString } from './params';
import { HostRequestError, type HostHandlers, type RequestContext } from './protocol';
import { runTask, throwIfCancelled } from './requestKit';

type ModelMethods = 'model/load' | 'model/attention' | 'model/release' | 'model/card';

/** What `model/load` answers about a loaded model. */
function describe(modelId: string, m: LoadedModel) {
  return {
    modelId,
    family: m.family,
    label: m.label,
    device: m.session.device,
    ...(m.session.fallbackReason === undefined ? {} : { fallbackReason: m.session.fallbackReason }),
    tokenizerSpec: m.tokenizerSpec,
    ...(m.maskToken === undefined ? {} : { maskToken: m.maskToken }),
    numLayers: m.numLayers,
    numHeads: m.numHeads,
    contextLength: m.contextLength,
    vocabSize: m.vocabSize,
  };
}

export function createModelHandlers(backend: () => InferenceBackend, graphCacheDir: string, models: LoadedModels): Pick<HostHandlers, ModelMethods> {
  /** Opens in progress, by key and stamp: a second load of the same files waits for the first. */
  const opening = new Map<string, Promise<string>>();
  const open = async (key: string, stamp: string, dir: string, where: { device: DevicePreference; gpuId?: number }, ctx: RequestContext): Promise<string> => {
    ctx.progress({ stage: 'loadingModel' });
    const opened = await runTask(ctx.signal, () =>
      openModel(dir, backend(), { ...where, graphCacheDir, signal: ctx.signal, onStage: (stage) => ctx.progress({ stage }), onLog: (message) => process.stderr.write(`${message}\n`) }),
    );
    if (ctx.signal.aborted) {
      // Nobody will learn this model's id: free it now.
      await opened.session.release();
      throwIfCancelled(ctx.signal);
    }
    return models.add(key, opened, stamp);
  };

  return {
    'model/load': async (params, ctx) => {
      const spec = requireString(params, 'spec');
      const where = requireDevice(params);
      backend();
      const dir = await runTask(ctx.signal, async () => locateModel(spec).dir);
      const key = `${dir}\n${where.device}\n${where.gpuId ?? ''}`;
      const stamp = await runTask(ctx.signal, () => folderStamp(dir));
      const known = models.findByKey(key);
      let modelId = known?.stamp === stamp ? known.id : undefined;
      if (modelId === undefined) {
        // Reload means reload: the model open on files that changed since goes first.
        if (known) await models.release(known.id, 'changed');
        // A second load of the same files while the first is opening waits for it.
        const opens = `${key}\n${stamp}`;
        const pending = opening.get(opens) ?? open(key, stamp, dir, where, ctx);
        opening.set(opens, pending);
        try {
          modelId = await pending;
        } finally {
          if (opening.get(opens) === pending) opening.delete(opens);
        }
      }
      const m = models.get(modelId);
      if (!m) throw new HostRequestError('unknownModel', `the model was released while loading (another load evicted it: raise the model cache's limits)`);
      return describe(modelId, m);
    },

    'model/attention': async (params, ctx) => {
      const text = requireString(params, 'text');
      const layers = optionalIntList(params.layers, 'layers');
      return models.use(requireString(params, 'modelId'), ctx.signal, async (model) => {
        ctx.progress({ stage: 'running' });
        const { tokens, attentions } = await runTask(ctx.signal, () => runAttention(model, text, layers));
        return { tokens, attentions };
      });
    },

    'model/release': async (params) => {
      const id = requireString(params, 'modelId');
      if (!(await models.release(id))) throw new HostRequestError('unknownModel', `no model "${id}" (already released or evicted)`);
      return { released: true };
    },

    'model/card': async (params, ctx) => {
      const spec = requireString(params, 'spec');
      return runTask(ctx.signal, async () => readModelCard(locateModel(spec).dir));
    },
  };
}
