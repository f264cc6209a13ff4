/**
 * The Attention viewer's analysis, kept in the model host (engine/attention/analysisCache.ts): the
 * extension asks for an analysis of a text once (`attention/analyse`: an id, the tokens, the model
 * time), then for what it draws — one layer's heads, mean or rollout, grouped (`attention/view`),
 * the model view's thumbnails with the per-head statistics (`attention/grid`, thumbnails quantized
 * to bytes for display), one row for the editor highlight (`attention/row`). No `[L, H, T, T]`
 * copy crosses the process boundary. An evicted id answers `unknownAnalysis`: analyse again.
 */
import type { HeadChoice } from '../engine/attention/analysis';
import { analyseText, keptAnalysis, type KeptAnalysis } from '../engine/attention/analysisCache';
import type { HeadStats } from '../engine/attention/headStats';
import { quantizeBlocks } from '../engine/attention/quantize';
import { sessionRolloutStep } from '../engine/attention/rolloutProduct';
import type { InferenceBackend } from '../engine/runtime/types';
import { ownBuffer } from '../engine/tasks/attention';
import type { LoadedModel } from '../engine/tasks/openModel';
import type { TokenSpan } from '../engine/tokenizers/types';
import { HostRequestError, isObject } from './hostErrors';
import type { LoadedModels } from './loadedModels';
import { requireInt, requireString } from './params';
import { runTask, type Handlers } from './requestKit';

const INDEX = { min: 0, max: 1 << 20 };
const THUMB = { min: 4, max: 256 };

/** Which analysis, and how its tokens are grouped (hidden special tokens, merged sub-words). */
export interface AnalysisRef {
  modelId: string;
  analysisId: string;
  hideSpecial: boolean;
  mergeSubwords: boolean;
}

/** The grouped matrices of one layer, one per head choice asked for (float32: the readout shows exact values). */
export interface AttentionViewResult {
  n: number;
  labels: string[];
  special: boolean[];
  groups: number[][];
  matrices: Float32Array[];
}

/** The model view: every head's thumbnail as bytes with one scale each, and the statistics. */
export interface AttentionGridResult {
  side: number;
  /** `[L, H, side, side]` row-major, 0–255; thumbnail `b`'s values are `byte × scales[b] / 255`. */
  thumbs: Uint8Array;
  /** `[L × H]`: each thumbnail's max. */
  scales: Float32Array;
  stats: HeadStats[][];
}

/** The attention viewer's analysis requests (part of the protocol's `HostRequests`). */
export interface AttentionViewRequests {
  /** Runs the model on `text` and keeps its attention in the host: its id, tokens and the model's time (ms). */
  'attention/analyse': {
    params: { modelId: string; text: string };
    result: { analysisId: string; tokens: TokenSpan[]; modelMs: number; numLayers: number; numHeads: number };
  };
  /** One layer's matrices, grouped: one per head choice (a head, `mean`, or `rollout` up to this layer). */
  'attention/view': {
    params: AnalysisRef & { layer: number; heads: HeadChoice[] };
    result: AttentionViewResult;
  };
  /**
   * Thumbnails of every head (at most `max × max`, quantized) and every head's statistics; with
   * `layer`, that layer's only (`[1, H, side, side]`, `stats` `[1][H]`): a model view drawn layer by layer.
   */
  'attention/grid': {
    params: AnalysisRef & { max: number; layer?: number };
    result: AttentionGridResult;
  };
  /** One query token's raw row (tokens, not groups) of a layer and head choice: the editor's highlight. */
  'attention/row': {
    params: { modelId: string; analysisId: string; layer: number; head: HeadChoice; row: number };
    result: { weights: Float32Array };
  };
}

function requireHead(value: unknown, key: string): HeadChoice {
  if (value === 'mean' || value === 'rollout') return value;
  return requireInt(value, key, INDEX);
}

function requireHeads(value: unknown): HeadChoice[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > 64) throw new HostRequestError('invalidParams', 'heads must be a list of 1 to 64 head choices');
  return value.map((h, i) => requireHead(h, `heads[${i}]`));
}

function requireFlag(params: unknown, key: string): boolean {
  const v = isObject(params) ? params[key] : undefined;
  if (typeof v !== 'boolean') throw new HostRequestError('invalidParams', `${key} must be true or false`);
  return v;
}

export function unknownAnalysis(id: string): HostRequestError {
  return new HostRequestError('unknownAnalysis', `no attention analysis "${id}" (evicted to make room, or made by an earlier host): analyse the text again`);
}

export function createAttentionViewHandlers(backend: () => InferenceBackend, models: LoadedModels): Handlers<AttentionViewRequests> {
  /** Runs `work` on the kept analysis of the params' model and id. */
  const withAnalysis = <T>(params: { modelId?: unknown; analysisId?: unknown }, signal: AbortSignal, work: (kept: KeptAnalysis, model: LoadedModel) => Promise<T>): Promise<T> => {
    const id = requireString(params, 'analysisId');
    return models.use(requireString(params, 'modelId'), signal, async (model) => {
      const kept = await keptAnalysis(model, id);
      if (!kept) throw unknownAnalysis(id);
      return runTask(signal, () => work(kept, model));
    });
  };
  const checkLayerHeads = (kept: KeptAnalysis, layer: number, heads: readonly HeadChoice[]): void => {
    const a = kept.analysis;
    if (layer >= a.numLayers) throw new HostRequestError('invalidParams', `layer ${layer} does not exist (0 to ${a.numLayers - 1})`);
    for (const h of heads) if (typeof h === 'number' && h >= a.numHeads) throw new HostRequestError('invalidParams', `head ${h} does not exist (0 to ${a.numHeads - 1})`);
  };
  /** The rollout up to `layer`, its steps through onnxruntime (the JavaScript path when there is no backend). */
  const rollout = async (kept: KeptAnalysis, layer: number): Promise<void> => {
    let b: InferenceBackend | undefined;
    try {
      b = backend();
    } catch {
      b = undefined;
    }
    if (b) await kept.analysis.prepareRollout(layer, sessionRolloutStep(b));
  };

  return {
    'attention/analyse': async (params, ctx) => {
      const text = requireString(params, 'text');
      return models.use(requireString(params, 'modelId'), ctx.signal, async (model) => {
        ctx.progress({ stage: 'running' });
        const kept = await runTask(ctx.signal, () => analyseText(model, text));
        return { analysisId: kept.id, tokens: kept.tokens, modelMs: kept.modelMs, numLayers: kept.analysis.numLayers, numHeads: kept.analysis.numHeads };
      });
    },

    'attention/view': async (params, ctx) => {
      const layer = requireInt(params.layer, 'layer', INDEX);
      const heads = requireHeads(params.heads);
      const options = { hideSpecial: requireFlag(params, 'hideSpecial'), mergeSubwords: requireFlag(params, 'mergeSubwords') };
      return withAnalysis(params, ctx.signal, async (kept) => {
        checkLayerHeads(kept, layer, heads);
        if (heads.includes('rollout')) await rollout(kept, layer);
        const views = heads.map((h) => kept.analysis.view(layer, h, options));
        const { labels, special, groups, matrix } = views[0];
        return { n: matrix.n, labels, special, groups, matrices: views.map((v) => ownBuffer(v.matrix.data)) };
      });
    },

    'attention/grid': async (params, ctx) => {
      const max = requireInt(params.max, 'max', THUMB);
      const layer = params.layer === undefined ? undefined : requireInt(params.layer, 'layer', INDEX);
      const options = { hideSpecial: requireFlag(params, 'hideSpecial'), mergeSubwords: requireFlag(params, 'mergeSubwords') };
      return withAnalysis(params, ctx.signal, async (kept) => {
        const a = kept.analysis;
        if (layer !== undefined) checkLayerHeads(kept, layer, []);
        const { side, data } = layer === undefined ? a.thumbnails(options, max) : a.layerThumbnails(options, max, layer);
        const q = quantizeBlocks(data, side * side);
        return { side, thumbs: q.data, scales: q.scales, stats: layer === undefined ? a.stats() : [a.layerStats(layer)] };
      });
    },

    'attention/row': async (params, ctx) => {
      const layer = requireInt(params.layer, 'layer', INDEX);
      const head = requireHead(params.head, 'head');
      const row = requireInt(params.row, 'row', INDEX);
      return withAnalysis(params, ctx.signal, async (kept) => {
        checkLayerHeads(kept, layer, [head]);
        if (row >= kept.analysis.n) throw new HostRequestError('invalidParams', `row ${row} does not exist (0 to ${kept.analysis.n - 1})`);
        if (head === 'rollout') await rollout(kept, layer);
        const m = kept.analysis.raw(layer, head);
        return { weights: m.data.slice(row * m.n, (row + 1) * m.n) };
      });
    },

  };
}
