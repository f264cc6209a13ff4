/**
 * The attention analyses of the last texts of each loaded model, kept in the model host: the
 * viewer's first heatmap, a new layer or head, the rollout and the model view read from here, and
 * only what is drawn crosses to the extension (never the whole `[L, H, T, T]`). An LRU per model
 * bounded by a count and by bytes (the newest analysis is always kept, whatever its size; room is
 * made before a run, so old and new tensors are not held together), freed
 * with the model (modelExtras.ts). Each analysis has an id; an id that was evicted (or belongs to
 * an earlier host) is `undefined` here, and the extension analyses its text again.
 */
import { runAttention } from '../tasks/attention';
import { tokensFor } from '../tasks/inputs';
import { perModel } from '../tasks/modelExtras';
import type { LoadedModel } from '../tasks/openModel';
import type { TokenSpan } from '../tokenizers/types';
import { AttentionAnalysis } from './analysis';

export const ANALYSIS_CACHE = { texts: 4, bytes: 512 * 1024 * 1024 } as const;

export interface KeptAnalysis {
  id: string;
  analysis: AttentionAnalysis;
  tokens: TokenSpan[];
  /** Milliseconds of the model run that produced it. */
  modelMs: number;
}

const kept = perModel<Map<string, KeptAnalysis>>((analyses) => analyses.clear());
let nextId = 1;

/** Runs the model on `text` and keeps its analysis (evicting the least recently used beyond the bounds). */
export async function analyseText(model: LoadedModel, text: string, bounds: { texts: number; bytes: number } = ANALYSIS_CACHE): Promise<KeptAnalysis> {
  const analyses = await kept.get(model, async () => new Map());
  // Room first: the new tensors are known in size before the run, so the old ones go before it.
  const T = tokensFor(model, text).length;
  trim(analyses, undefined, { texts: bounds.texts - 1, bytes: bounds.bytes - model.numLayers * model.numHeads * T * T * 4 });
  const started = Date.now();
  const result = await runAttention(model, text);
  const modelMs = Date.now() - started;
  const analysis = new AttentionAnalysis({
    text,
    tokens: result.tokens,
    layers: result.attentions.map((t) => t.data as Float32Array),
    numHeads: model.numHeads,
    causal: model.family === 'gpt2',
  });
  const entry: KeptAnalysis = { id: `a${nextId++}`, analysis, tokens: result.tokens, modelMs };
  analyses.set(entry.id, entry);
  trim(analyses, entry.id, bounds);
  return entry;
}

/** The kept analysis `id` of `model` (now the most recently used), or undefined when it was evicted. */
export async function keptAnalysis(model: LoadedModel, id: string, bounds: { texts: number; bytes: number } = ANALYSIS_CACHE): Promise<KeptAnalysis | undefined> {
  const analyses = await kept.get(model, async () => new Map());
  const hit = analyses.get(id);
  if (!hit) return undefined;
  analyses.delete(id);
  analyses.set(id, hit);
  trim(analyses, id, bounds); // derived matrices (means, rollouts) grow an analysis
  return hit;
}

/** How many analyses `model` keeps and their bytes (tests, the bench). */
export async function keptAnalyses(model: LoadedModel): Promise<{ count: number; bytes: number }> {
  const analyses = await kept.get(model, async () => new Map());
  return { count: analyses.size, bytes: [...analyses.values()].reduce((s, k) => s + k.analysis.bytes, 0) };
}

function trim(analyses: Map<string, KeptAnalysis>, newest: string | undefined, bounds: { texts: number; bytes: number }): void {
  let total = [...analyses.values()].reduce((s, k) => s + k.analysis.bytes, 0);
  for (const [key, value] of analyses) {
    if (analyses.size <= bounds.texts && total <= bounds.bytes) break;
    if (key === newest) continue;
    analyses.delete(key);
    total -= value.analysis.bytes;
  }
}
