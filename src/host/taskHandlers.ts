/**
 * The prediction requests of the model host: fill-mask, the MLM masking demo, generation (streamed
 * as `generating` progress, one step per message), surprisal and BERT vs GPT at the cursor.
 *
 * Cancellation: the host answers a cancelled request with the `cancelled` error at once (main.ts)
 * and aborts the signal; generation and surprisal stop at their next step. A client that streamed
 * generation steps keeps what it received: the steps before the cancel are final.
 */
import { compareAtCursor } from '../engine/tasks/compareAtCursor';
import { openDecodeSession } from '../engine/tasks/decodeSession';
import { fillMask } from '../engine/tasks/fillMask';
import { generate } from '../engine/tasks/generate';
import { mlmDemo } from '../engine/tasks/mlmDemo';
import type { LoadedModel } from '../engine/tasks/openModel';
import { surprisal } from '../engine/tasks/surprisal';
import type { InferenceBackend } from '../engine/runtime/types';
import type { LoadedModels } from './loadedModels';
import { asHostError } from './modelHandlers';
import { HostRequestError, type HostHandlers, type RequestContext } from './protocol';
import { TASK_LIMITS } from '../engine/tasks/limits';
import { checkGenerateOptions, checkSurprisalParams, optionalInt, optionalStrings, requireInt, requireString } from './taskParams';

type TaskMethods = 'model/fillMask' | 'model/mlmDemo' | 'model/generate' | 'model/surprisal' | 'model/compare';

function cancelled(ctx: RequestContext): void {
  if (ctx.signal.aborted) throw new HostRequestError('cancelled', 'the request was cancelled');
}

/** Runs `work`; user-fixable engine errors become `invalidInput`, an abort becomes `cancelled`. */
async function run<T>(ctx: RequestContext, work: () => Promise<T>): Promise<T> {
  try {
    const result = await work();
    cancelled(ctx);
    return result;
  } catch (e) {
    cancelled(ctx);
    throw asHostError(e);
  }
}

export function createTaskHandlers(backend: () => InferenceBackend, graphCacheDir: string, models: LoadedModels): Pick<HostHandlers, TaskMethods> {
  /** Runs `work` on the model `params[key]` names (see LoadedModels.use). */
  const withModel = <T>(params: unknown, ctx: RequestContext, work: (model: LoadedModel, signal: AbortSignal) => Promise<T>, key = 'modelId'): Promise<T> =>
    models.use(requireString(params, key), ctx.signal, work);

  return {
    'model/fillMask': async (params, ctx) => {
      const text = requireString(params, 'text');
      const topK = optionalInt(params.topK, 'topK', TASK_LIMITS.candidates);
      const targets = optionalStrings(params.targets, 'targets', TASK_LIMITS.targets, TASK_LIMITS.targetChars);
      return withModel(params, ctx, (model) => {
        ctx.progress({ stage: 'running' });
        return run(ctx, () => fillMask(model, text, { ...(topK === undefined ? {} : { topK }), ...(targets === undefined ? {} : { targets }) }));
      });
    },

    'model/mlmDemo': async (params, ctx) => {
      const text = requireString(params, 'text');
      const seed = requireInt(params.seed, 'seed', TASK_LIMITS.seed);
      const rate = params.rate;
      if (rate !== undefined && !(typeof rate === 'number' && rate > 0 && rate <= 1)) throw new HostRequestError('invalidParams', 'rate must be a number in (0, 1]');
      const topK = optionalInt(params.topK, 'topK', TASK_LIMITS.candidates);
      return withModel(params, ctx, (model) => {
        ctx.progress({ stage: 'running' });
        return run(ctx, () => mlmDemo(model, text, { seed, ...(rate === undefined ? {} : { rate }), ...(topK === undefined ? {} : { topK }) }));
      });
    },

    'model/generate': async (params, ctx) => {
      const prompt = requireString(params, 'prompt');
      const options = checkGenerateOptions(params.options);
      const where = models.openedOn(requireString(params, 'modelId'));
      return withModel(params, ctx, async (model, signal) => {
        const withDecode = await run(ctx, () =>
          openDecodeSession(model, backend(), {
            device: where?.device ?? model.session.device,
            ...(where?.gpuId === undefined ? {} : { gpuId: where.gpuId }),
            graphCacheDir,
            signal,
            onBuild: () => ctx.progress({ stage: 'buildingGraph' }),
          }),
        );
        ctx.progress({ stage: 'generating', done: 0, total: options.maxNewTokens });
        return run(ctx, () =>
          generate(withDecode, prompt, options, {
            signal,
            onStep: (step) => ctx.progress({ stage: 'generating', done: step.index + 1, total: options.maxNewTokens, step }),
          }),
        );
      });
    },

    'model/surprisal': async (params, ctx) => {
      const text = requireString(params, 'text');
      const options = checkSurprisalParams(params);
      return withModel(params, ctx, (model, signal) => {
        ctx.progress({ stage: 'running' });
        return run(ctx, () => surprisal(model, text, options, { signal, onProgress: (done, total) => ctx.progress({ stage: 'running', done, total }) }));
      });
    },

    'model/compare': async (params, ctx) => {
      const text = requireString(params, 'text');
      const offset = requireInt(params.offset, 'offset', { min: 0, max: text.length });
      const topK = optionalInt(params.topK, 'topK', TASK_LIMITS.candidates);
      return withModel(params, ctx, (masked) =>
        withModel(params, ctx, (causal) => {
          ctx.progress({ stage: 'running' });
          return run(ctx, () => compareAtCursor(masked, causal, text, offset, topK));
        }, 'causalModelId'),
      'maskedModelId');
    },
  };
}
