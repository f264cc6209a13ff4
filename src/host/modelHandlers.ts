/** The model-level requests (`model/*`): open a model folder, run attention or logits, read its card. */
import { ModelConfigError } from '../engine/models/config';
import { ModelDirError, readModelCard } from '../engine/models/modelDir';
import { SafetensorsError } from '../engine/models/safetensors';
import { HubError } from '../engine/models/hub/errors';
import { GraphBuildError } from '../engine/graph/modelGraph';
import type { DevicePreference, InferenceBackend } from '../engine/runtime/types';
import { runAttention } from '../engine/tasks/attention';
import { TaskError } from '../engine/tasks/errors';
import { runLogits } from '../engine/tasks/logits';
import { locateModel } from '../engine/tasks/modelSpec';
import { openModel, type LoadedModel } from '../engine/tasks/openModel';
import { TokenizerError } from '../engine/tokenizers/load';
import { folderStamp } from './folderStamp';
import { LoadedModels } from './loadedModels';
import { HostRequestError, isObject, type HostHandlers, type RequestContext } from './protocol';

type ModelMethods = 'model/load' | 'model/attention' | 'model/logits' | 'model/release' | 'model/card';
const DEVICES = ['auto', 'cuda', 'cpu'] as const;

/** Errors a user can fix (wrong folder, bad config, text too long) → `invalidInput`. */
export function asHostError(e: unknown): unknown {
  const userErrors = [TaskError, ModelDirError, ModelConfigError, SafetensorsError, HubError, GraphBuildError, TokenizerError];
  if (userErrors.some((k) => e instanceof k)) return new HostRequestError('invalidInput', (e as Error).message);
  return e;
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw asHostError(e);
  }
}

function checkString(params: unknown, key: string): string {
  const v = isObject(params) ? params[key] : undefined;
  if (typeof v !== 'string') throw new HostRequestError('invalidParams', `${key} must be a string`);
  return v;
}

function checkIntList(value: unknown, key: string): number[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => Number.isInteger(v))) throw new HostRequestError('invalidParams', `${key} must be a list of integers`);
  return value as number[];
}

function checkLimit(value: unknown, key: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value >= 1)) throw new HostRequestError('invalidParams', `${key} must be a number ≥ 1`);
  return value;
}

function cancelled(ctx: RequestContext): void {
  if (ctx.signal.aborted) throw new HostRequestError('cancelled', 'the request was cancelled');
}

export function createModelHandlers(backend: () => InferenceBackend, graphCacheDir: string, models: LoadedModels): Pick<HostHandlers, ModelMethods> {
  /** Runs `work` on the model `params.modelId` names (see LoadedModels.use). */
  const withModel = <T>(params: unknown, ctx: RequestContext, work: (model: LoadedModel, signal: AbortSignal) => Promise<T>): Promise<T> =>
    models.use(checkString(params, 'modelId'), ctx.signal, work);

  /** Opens in progress, by key and stamp: a second load of the same files waits for the first. */
  const opening = new Map<string, Promise<string>>();
  const open = async (key: string, stamp: string, dir: string, device: DevicePreference, gpuId: number | undefined, ctx: RequestContext): Promise<string> => {
    ctx.progress({ stage: 'loadingModel' });
    const opened = await guarded(() =>
      openModel(dir, backend(), { device, ...(gpuId === undefined ? {} : { gpuId }), graphCacheDir, signal: ctx.signal, onStage: (stage) => ctx.progress({ stage }), onLog: (message) => process.stderr.write(`${message}\n`) }),
    ).catch((e: unknown) => {
      cancelled(ctx);
      throw e;
    });
    if (ctx.signal.aborted) {
      await opened.session.release();
      cancelled(ctx);
    }
    return models.add(key, opened, stamp);
  };

  return {
    'model/load': async (params, ctx) => {
      const spec = checkString(params, 'spec');
      const { device, gpuId } = params;
      if (!DEVICES.includes(device)) throw new HostRequestError('invalidParams', `device must be one of ${DEVICES.join(', ')}`);
      if (gpuId !== undefined && !(Number.isInteger(gpuId) && gpuId >= 0)) throw new HostRequestError('invalidParams', 'gpuId must be a non-negative integer');
      const maxModels = checkLimit(params.maxModels, 'maxModels');
      const maxBytes = checkLimit(params.maxBytes, 'maxBytes');
      if (maxModels !== undefined) models.limits.maxModels = Math.floor(maxModels);
      if (maxBytes !== undefined) models.limits.maxBytes = maxBytes;
      backend();
      const dir = await guarded(async () => locateModel(spec).dir);
      const key = `${dir}\n${device}\n${gpuId ?? ''}`;
      const stamp = await guarded(() => folderStamp(dir));
      const known = models.findByKey(key);
      let modelId = known?.stamp === stamp ? known.id : undefined;
      if (modelId === undefined) {
        // Reload means reload: the model open on files that changed since goes first.
        if (known) await models.release(known.id, 'changed');
        // A second load of the same files while the first is opening waits for it.
        const opens = `${key}\n${stamp}`;
        const pending = opening.get(opens) ?? open(key, stamp, dir, device, gpuId, ctx);
        opening.set(opens, pending);
        try {
          modelId = await pending;
        } finally {
          if (opening.get(opens) === pending) opening.delete(opens);
        }
      }
      const m = models.get(modelId);
      if (!m) throw new HostRequestError('unknownModel', `the model was released while loading (another load evicted it: raise maxModels/maxBytes)`);
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
    },

    'model/attention': async (params, ctx) => {
      const text = checkString(params, 'text');
      const layers = checkIntList(params.layers, 'layers');
      return withModel(params, ctx, async (model) => {
        ctx.progress({ stage: 'running' });
        const { tokens, attentions } = await guarded(() => runAttention(model, text, layers));
        cancelled(ctx);
        return { tokens, attentions };
      });
    },

    'model/logits': async (params, ctx) => {
      const text = checkString(params, 'text');
      const positions = checkIntList(params.positions, 'positions');
      return withModel(params, ctx, async (model) => {
        ctx.progress({ stage: 'running' });
        const { tokens, logits } = await guarded(() => runLogits(model, text, positions));
        cancelled(ctx);
        return { tokens, logits };
      });
    },

    'model/release': async (params) => {
      const id = checkString(params, 'modelId');
      if (!(await models.release(id))) throw new HostRequestError('unknownModel', `no model "${id}" (already released or evicted)`);
      return { released: true };
    },

    'model/card': async (params) => {
      const spec = checkString(params, 'spec');
      return guarded(async () => readModelCard(locateModel(spec).dir));
    },
  };
}
