/**
 * The attention formula for one query token of one head, step by step, with the model's own
 * numbers: x_i → q_i, k_j, v_j → q_i·k_j → /√d_k → mask → softmax → Σ_j a_ij v_j → heads
 * concatenated and projected. q, k, v come from the graph (ModelInternals); the products, the
 * softmax and the weighted sum are computed here in float64, and the softmax is checked against
 * the graph's attention row (`maxDifference`).
 */
import { TaskError } from '../tasks/errors';
import type { AttentionStepsResult } from './insideTypes';
import { headRow, rowOf, type ModelInternals } from './internals';

export interface AttentionStepsQuery {
  layer: number;
  head: number;
  /** The query token's position. */
  query: number;
}

function checkIndex(value: number, count: number, what: string, range: string): void {
  if (!Number.isInteger(value) || value < 0 || value >= count) throw new TaskError(`${what} ${String(value)} does not exist: ${range} ${count - 1}`);
}

/** Checks layer, head and query against the run: a TaskError names the valid range. */
export function checkStepsQuery(internals: ModelInternals, q: AttentionStepsQuery): void {
  checkIndex(q.layer, internals.numLayers, 'layer', 'layers are 0 to');
  checkIndex(q.head, internals.numHeads, 'head', 'heads are 0 to');
  checkIndex(q.query, internals.length, 'token', 'the text has tokens 0 to');
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Which keys the query may attend to: a causal (pre-LN, GPT-2) model sees j ≤ i only; an encoder
 * sees every token (a single text has no padding).
 */
export function allowedKeys(layout: ModelInternals['layout'], query: number, T: number): boolean[] {
  return Array.from({ length: T }, (_, j) => layout === 'postLN' || j <= query);
}

/** softmax over the allowed entries (0 elsewhere), in float64. */
export function maskedSoftmax(scores: readonly number[], allowed: readonly boolean[]): number[] {
  let max = -Infinity;
  scores.forEach((s, j) => {
    if (allowed[j] && s > max) max = s;
  });
  const exps = scores.map((s, j) => (allowed[j] ? Math.exp(s - max) : 0));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export function attentionSteps(internals: ModelInternals, q: AttentionStepsQuery): AttentionStepsResult {
  checkStepsQuery(internals, q);
  const { length: T, numHeads: H, dModel: d, dk, layout } = internals;
  const { layer, head, query } = q;
  const queryVector = headRow(internals.query[layer], head, query, T, dk);
  const rows = (tensor: Float32Array): number[][] => Array.from({ length: T }, (_, j) => Array.from(headRow(tensor, head, j, T, dk)));
  const keys = rows(internals.key[layer]);
  const values = rows(internals.value[layer]);
  const dots = keys.map((k) => dot(queryVector, k));
  const scaled = dots.map((s) => s / Math.sqrt(dk));
  const allowed = allowedKeys(layout, query, T);
  const weights = maskedSoftmax(scaled, allowed);
  const attention = internals.attentions[layer];
  const modelRow = (h: number): number[] => Array.from(attention.subarray((h * T + query) * T, (h * T + query + 1) * T));
  const modelWeights = modelRow(head);
  const maxDifference = weights.reduce((m, w, j) => Math.max(m, Math.abs(w - modelWeights[j])), 0);
  const headOutput = Array.from({ length: dk }, (_, c) => weights.reduce((s, w, j) => s + w * values[j][c], 0));
  const concat: number[] = [];
  for (let h = 0; h < H; h++) concat.push(...headRow(internals.headOutputs[layer], h, query, T, dk));
  return {
    tokens: internals.tokens,
    layer,
    head,
    query,
    numLayers: internals.numLayers,
    numHeads: H,
    dModel: d,
    dk,
    layout,
    input: Array.from(rowOf(internals.attnInput[layer], query, d)),
    q: Array.from(queryVector),
    keys,
    values,
    dots,
    scaled,
    allowed,
    weights,
    modelWeights,
    maxDifference,
    headOutput,
    allHeads: Array.from({ length: H }, (_, h) => modelRow(h)),
    concat,
    projected: Array.from(rowOf(internals.attnOutput[layer], query, d)),
  };
}
