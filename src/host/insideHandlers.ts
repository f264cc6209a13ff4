/**
 * The inside-the-model requests: the attention formula step by step, the logit lens and contextual
 * embeddings. Each reads the internals of its text (one inspect-graph run, kept for the last few
 * texts of each model: engine/inside/internalsCache.ts), so a new layer, head or query token costs
 * no model run.
 */
import { attentionSteps } from '../engine/inside/attentionSteps';
import { contextualEmbeddings } from '../engine/inside/embeddings';
import type { AttentionStepsResult, EmbeddingsResult, LogitLensResult } from '../engine/inside/insideTypes';
import { internalsOf } from '../engine/inside/internalsCache';
import { openLensHead } from '../engine/inside/lensHead';
import { planLens, readLens } from '../engine/inside/logitLens';
import { embeddingTableOf } from '../engine/inside/modelTables';
import type { InferenceBackend } from '../engine/runtime/types';
import { HostRequestError } from './hostErrors';
import type { LoadedModels } from './loadedModels';
import { optionalInt, optionalRange, requireInt, requireString } from './params';
import { runTask, type Handlers } from './requestKit';

/** Bounds of the inside-the-model requests' numbers. */
const INDEX = { min: 0, max: 1 << 20 };
const TOP_K = { min: 1, max: 20 };

/** The inside-the-model requests, with their params and results (part of the protocol's `HostRequests`). */
export interface InsideRequests {
  /**
   * Attention for one query token of one head, stage by stage (x_i, q_i, k_j, v_j, q·k, /√d_k,
   * mask, softmax, Σ a v, concat and projection), with the model's own row beside the softmax.
   */
  'model/attentionSteps': {
    params: { modelId: string; text: string; layer: number; head: number; query: number };
    result: AttentionStepsResult;
  };
  /**
   * The logit lens: every layer read through the output head. Causal models: every position;
   * masked models: the text's masks, or `word` masked. Progress `running` counts rows read.
   */
  'model/logitLens': {
    params: { modelId: string; text: string; topK?: number; word?: { start: number; end: number } };
    result: LogitLensResult;
  };
  /** A word's hidden states per layer against the same word elsewhere or a second span, its static embedding and nearest tokens. */
  'model/embeddings': {
    params: { modelId: string; text: string; spans: Array<{ start: number; end: number }>; neighbours?: number };
    result: EmbeddingsResult;
  };
}

function requireSpans(value: unknown, length: number): Array<{ start: number; end: number }> {
  if (!Array.isArray(value) || value.length < 1 || value.length > 2) throw new HostRequestError('invalidParams', 'spans must be a list of one or two { start, end }');
  return value.map((span, i) => {
    const range = optionalRange(span, `spans[${i}]`, length);
    if (!range) throw new HostRequestError('invalidParams', `spans[${i}] must be { start, end }`);
    return range;
  });
}

export function createInsideHandlers(backend: () => InferenceBackend, graphCacheDir: string, models: LoadedModels): Handlers<InsideRequests> {
  return {
    'model/attentionSteps': async (params, ctx) => {
      const text = requireString(params, 'text');
      const query = { layer: requireInt(params.layer, 'layer', INDEX), head: requireInt(params.head, 'head', INDEX), query: requireInt(params.query, 'query', INDEX) };
      return models.use(requireString(params, 'modelId'), ctx.signal, (model) => {
        ctx.progress({ stage: 'running' });
        return runTask(ctx.signal, async () => attentionSteps(await internalsOf(model, text), query));
      });
    },

    'model/logitLens': async (params, ctx) => {
      const text = requireString(params, 'text');
      const topK = optionalInt(params.topK, 'topK', TOP_K);
      const word = optionalRange(params.word, 'word', text.length);
      const modelId = requireString(params, 'modelId');
      const where = models.openedOn(modelId);
      return models.use(modelId, ctx.signal, (model, signal) =>
        runTask(ctx.signal, async () => {
          const plan = planLens(model, text, word ? { word } : {});
          ctx.progress({ stage: 'running' });
          const internals = await internalsOf(model, plan.text);
          const head = await openLensHead(model, backend(), {
            device: where?.device ?? model.session.device,
            ...(where?.gpuId === undefined ? {} : { gpuId: where.gpuId }),
            graphCacheDir,
            onBuild: () => ctx.progress({ stage: 'buildingGraph' }),
          });
          return readLens(model, plan, internals, head, topK, { signal, onProgress: (done, total) => ctx.progress({ stage: 'running', done, total }) });
        }),
      );
    },

    'model/embeddings': async (params, ctx) => {
      const text = requireString(params, 'text');
      const spans = requireSpans(params.spans, text.length);
      const neighbours = optionalInt(params.neighbours, 'neighbours', { min: 1, max: 50 });
      return models.use(requireString(params, 'modelId'), ctx.signal, (model) => {
        ctx.progress({ stage: 'running' });
        return runTask(ctx.signal, async () => {
          const internals = await internalsOf(model, text);
          const table = await embeddingTableOf(model);
          return contextualEmbeddings(internals, text, table, model.tokenizer, { spans, ...(neighbours === undefined ? {} : { neighbours }) });
        });
      });
    },
  };
}
