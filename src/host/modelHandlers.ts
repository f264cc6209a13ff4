/** The model-level requests (`model/*`): open a model folder, run attention, release it, read its card. */
import { readModelCard, type ModelCardFacts } from '../engine/models/modelDir';
import type { GraphPrecision, WeightPrecision } from '../engine/graph/precision';
import type { DeviceKind, DevicePreference, InferenceBackend, TensorData } from '../engine/runtime/types';
import { runAttention } from '../engine/tasks/attention';
import { locateModel } from '../engine/tasks/modelSpec';
import { openModel, type LoadedModel } from '../engine/tasks/openModel';
import type { TokenSpan } from '../engine/tokenizers/types';
import { folderStamp } from './folderStamp';
import { HostRequestError } from './hostErrors';
import type { LoadedModels } from './loadedModels';
import { optionalIntList, optionalPrecision, requireDevice, requireString } from './params';
import { runTask, throwIfCancelled, type Handlers, type RequestContext } from './requestKit';

/** The model-level requests, with their params and results (part of the protocol's `HostRequests`). */
export interface ModelRequests {
  /**
   * Opens a model for the tasks below: `spec` is a model folder, or a Hub id already complete in
   * the HF cache (resolved offline; the extension downloads beforehand). Loading the same folder
   * on the same device again returns the same modelId. Loaded models are kept in an LRU bounded
   * by the host's limits (its options, see `host/configure`). `precision` (default float32):
   * weight-only int8/int4 graphs, a model of its own.
   */
  'model/load': {
    params: { spec: string; device: DevicePreference; gpuId?: number; precision?: WeightPrecision };
    result: {
      modelId: string;
      family: 'gpt2' | 'bert' | 'distilbert' | 'roberta';
      label: string;
      device: DeviceKind;
      /** The weights' precision in its graphs (float16: a float32 model on CUDA). */
      precision: GraphPrecision;
      fallbackReason?: string;
      tokenizerSpec: string;
      maskToken?: string;
      numLayers: number;
      numHeads: number;
      contextLength: number;
      vocabSize: number;
    };
  };
  /** Attention probabilities of `text`: one float32 [H, T, T] tensor per requested layer (all when absent). */
  'model/attention': {
    params: { modelId: string; text: string; layers?: number[] };
    result: { tokens: TokenSpan[]; attentions: TensorData[] };
  };
  /** Frees a loaded model; its id is invalid afterwards. */
  'model/release': {
    params: { modelId: string };
    result: { released: true };
  };
  /** The model card of a folder or cached Hub id (config figures, parameters, files), from headers only. */
  'model/card': {
    params: { spec: string };
    result: ModelCardFacts;
  };
}

/** What `model/load` answers about a loaded model. */
function describe(modelId: string, m: LoadedModel): ModelRequests['model/load']['result'] {
  return {
    modelId,
    family: m.family,
    // A quantized model says so wherever its label shows (views, titles, status bar).
    label: m.precision === 'int8' || m.precision === 'int4' ? `${m.label} · ${m.precision}` : m.label,
    device: m.session.device,
    precision: m.precision,
    ...(m.session.fallbackReason === undefined ? {} : { fallbackReason: m.session.fallbackReason }),
    tokenizerSpec: m.tokenizerSpec,
    ...(m.maskToken === undefined ? {} : { maskToken: m.maskToken }),
    numLayers: m.numLayers,
    numHeads: m.numHeads,
    contextLength: m.contextLength,
    vocabSize: m.vocabSize,
  };
}

export function createModelHandlers(backend: () => InferenceBackend, graphCacheDir: string, models: LoadedModels): Handlers<ModelRequests> {
  /** Opens in progress, by key and stamp: a second load of the same files waits for the first. */
  const opening = new Map<string, Promise<string>>();
  const open = async (key: string, stamp: string, dir: string, where: { device: DevicePreference; gpuId?: number; precision: WeightPrecision }, ctx: RequestContext): Promise<string> => {
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
      const where = { ...requireDevice(params), precision: optionalPrecision(params.precision) };
      backend();
      const dir = await runTask(ctx.signal, async () => locateModel(spec).dir);
      // float32 keeps the key it had before precision existed.
      const key = `${dir}\n${where.device}\n${where.gpuId ?? ''}${where.precision === 'float32' ? '' : `\n${where.precision}`}`;
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
