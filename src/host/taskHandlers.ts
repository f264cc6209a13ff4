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
import { fillMask, maskWord } from '../engine/tasks/fillMask';
import { generate } from '../engine/tasks/generate';
import { mlmDemo } from '../engine/tasks/mlmDemo';
import { surprisal } from '../engine/tasks/surprisal';
import { openSurprisalSessions } from '../engine/tasks/surprisalSessions';
import type { InferenceBackend } from '../engine/runtime/types';
import { TASK_LIMITS } from '../engine/tasks/limits';
import type {
  CompareAtCursorResult,
  FillMaskResult,
  GenerateOptions,
  GenerateResult,
  MlmDemoResult,
  SurprisalResult,
} from '../engine/tasks/taskTypes';
import type { LoadedModels } from './loadedModels';
import { checkGenerateOptions, checkSurprisalParams, optionalInt, optionalNumber, optionalRange, optionalStrings, requireInt, requireString } from './params';
import { runTask, type Handlers } from './requestKit';

/** The prediction requests, with their params and results (part of the protocol's `HostRequests`). */
export interface TaskRequests {
  /**
   * Fill-mask on an encoder (masked-LM) model: `[MASK]`/`<mask>` in any spelling is mapped to the
   * model's mask token; `targets` are the user's own candidates (probability and rank each).
   * `word` given: the characters [start, end) of `text` are masked first, one mask per token of the
   * model's tokenizer (engine `maskWord`), and `masked` says what the model read.
   */
  'model/fillMask': {
    params: { modelId: string; text: string; topK?: number; targets?: string[]; word?: { start: number; end: number } };
    result: FillMaskResult & { masked?: { text: string; maskCount: number } };
  };
  /** BERT's training-time corruption (15 %: 80/10/10, seeded) and what the model recovers. */
  'model/mlmDemo': {
    params: { modelId: string; text: string; seed: number; rate?: number; topK?: number };
    result: MlmDemoResult;
  };
  /**
   * Generation on a causal model with the KV cache. Every step is also sent as progress
   * (`stage: 'generating'` with `step`), so a client can stream. Cancelling the request rejects
   * it with `cancelled` on the client; the host stops generating at the next step.
   */
  'model/generate': {
    params: { modelId: string; prompt: string; options: GenerateOptions };
    result: GenerateResult;
  };
  /** Surprisal of every token (causal models) or pseudo-perplexity (encoders); progress `running` done/total. */
  'model/surprisal': {
    params: { modelId: string; text: string; topK?: number; window?: number; stride?: number };
    result: SurprisalResult;
  };
  /** The word at `offset`: the masked model's prediction from both sides, the causal model's from the left. */
  'model/compare': {
    params: { maskedModelId: string; causalModelId: string; text: string; offset: number; topK?: number };
    result: CompareAtCursorResult;
  };
}

export function createTaskHandlers(backend: () => InferenceBackend, graphCacheDir: string, models: LoadedModels): Handlers<TaskRequests> {
  return {
    'model/fillMask': async (params, ctx) => {
      const text = requireString(params, 'text');
      const topK = optionalInt(params.topK, 'topK', TASK_LIMITS.candidates);
      const targets = optionalStrings(params.targets, 'targets', TASK_LIMITS.targets, TASK_LIMITS.targetChars);
      const word = optionalRange(params.word, 'word', text.length);
      return models.use(requireString(params, 'modelId'), ctx.signal, async (model) => {
        ctx.progress({ stage: 'running' });
        const masked = word && (await runTask(ctx.signal, async () => maskWord(model, text, word.start, word.end)));
        const options = { ...(topK === undefined ? {} : { topK }), ...(targets === undefined ? {} : { targets }) };
        const result = await runTask(ctx.signal, () => fillMask(model, masked ? masked.text : text, options));
        return masked ? { ...result, masked: { text: masked.text, maskCount: masked.maskCount } } : result;
      });
    },

    'model/mlmDemo': async (params, ctx) => {
      const text = requireString(params, 'text');
      const seed = requireInt(params.seed, 'seed', TASK_LIMITS.seed);
      const rate = optionalNumber(params.rate, 'rate', (v) => v > 0 && v <= 1, 'a number in (0, 1]');
      const topK = optionalInt(params.topK, 'topK', TASK_LIMITS.candidates);
      return models.use(requireString(params, 'modelId'), ctx.signal, (model) => {
        ctx.progress({ stage: 'running' });
        return runTask(ctx.signal, () => mlmDemo(model, text, { seed, ...(rate === undefined ? {} : { rate }), ...(topK === undefined ? {} : { topK }) }));
      });
    },

    'model/generate': async (params, ctx) => {
      const prompt = requireString(params, 'prompt');
      const options = checkGenerateOptions(params.options);
      const modelId = requireString(params, 'modelId');
      const where = models.openedOn(modelId);
      return models.use(modelId, ctx.signal, async (model, signal) => {
        const withDecode = await runTask(ctx.signal, () =>
          openDecodeSession(model, backend(), {
            device: where?.device ?? model.session.device,
            ...(where?.gpuId === undefined ? {} : { gpuId: where.gpuId }),
            graphCacheDir,
            signal,
            onBuild: () => ctx.progress({ stage: 'buildingGraph' }),
          }),
        );
        ctx.progress({ stage: 'generating', done: 0, total: options.maxNewTokens });
        return runTask(ctx.signal, () =>
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
      const modelId = requireString(params, 'modelId');
      const where = models.openedOn(modelId);
      return models.use(modelId, ctx.signal, async (loaded, signal) => {
        const model = await runTask(ctx.signal, () =>
          openSurprisalSessions(loaded, backend(), {
            device: where?.device ?? loaded.session.device,
            ...(where?.gpuId === undefined ? {} : { gpuId: where.gpuId }),
            graphCacheDir,
            signal,
            onBuild: () => ctx.progress({ stage: 'buildingGraph' }),
          }),
        );
        ctx.progress({ stage: 'running' });
        return runTask(ctx.signal, () => surprisal(model, text, options, { signal, onProgress: (done, total) => ctx.progress({ stage: 'running', done, total }) }));
      });
    },

    'model/compare': async (params, ctx) => {
      const text = requireString(params, 'text');
      const offset = requireInt(params.offset, 'offset', { min: 0, max: text.length });
      const topK = optionalInt(params.topK, 'topK', TASK_LIMITS.candidates);
      return models.use(requireString(params, 'maskedModelId'), ctx.signal, (masked) =>
        models.use(requireString(params, 'causalModelId'), ctx.signal, (causal) => {
          ctx.progress({ stage: 'running' });
          return runTask(ctx.signal, () => compareAtCursor(masked, causal, text, offset, topK));
        }),
      );
    },
  };
}
