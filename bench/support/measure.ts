/** Timing helpers and the result records the bench's worker processes send back to the parent. */

export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Index of the largest value, skipping `exclude` (the EOS id, as `min_new_tokens` does in transformers.js). */
export function argmax(values: ArrayLike<number>, offset = 0, length = values.length - offset, exclude = -1): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let i = 0; i < length; i++) {
    if (i === exclude) continue;
    const v = values[offset + i];
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}

/** Peak resident memory of this process so far, in MiB. */
/** CPU time of this process (user + system, all its threads) since `start` (process.cpuUsage()), ms. */
export function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export type Engine = 'ours' | 'transformers.js';

export interface DecoderResult {
  kind: 'decoder';
  engine: Engine;
  /** Samples (the parent takes medians): time to load the tokenizer and create the session. */
  loadMs: number[];
  /** Time from the prompt text to the first generated token id. */
  firstTokenMs: number[];
  /** Greedy decode speed after the first token, feeding past key/values. */
  cachedTokensPerSec: number[];
  /** Greedy speed re-running the whole sequence for every token. */
  uncachedTokensPerSec: number[];
  promptIds: number[];
  /** Greedy ids with the cache, and without (they must agree). */
  cachedIds: number[];
  uncachedIds: number[];
  /** Logits of the prompt's last position. */
  promptLogits: number[];
  peakRssMiB: number;
  /** Ours: resident memory after the runs, the session still open (the peak includes session creation). */
  endRssMiB?: number;
}

export interface EncoderResult {
  kind: 'encoder';
  engine: Engine;
  loadMs: number[];
  /** Samples of a fill-mask's time: tokenize, run, softmax at the mask, top 5. */
  fillMaskMs: number[];
  inputIds: number[];
  top5: number[];
  /** Logits at the mask position. */
  maskLogits: number[];
  peakRssMiB: number;
}

export type WorkerResult = DecoderResult | EncoderResult;

export interface WorkerTask {
  engine: Engine;
  model: 'gpt2-small-random' | 'bert-base-random';
  /** Our decode graph, or transformers.js's localModelPath. */
  path: string;
  /** The model folder (its tokenizer.json). */
  folder: string;
  text: string;
  newTokens: number;
  repeats: number;
  eosId: number;
  /** The tokenizer's [MASK] id (encoder). */
  maskId: number;
  /** Decoder: only the figures with the KV cache (precision bench). */
  cachedOnly?: boolean;
  /** Ours only: onnxruntime session options on top of the backend's (thread experiments of the precision bench). */
  ortOptions?: { intraOpNumThreads?: number; allowSpinning?: boolean };
}

/** Top-k indices of a softmax = top-k of the logits; k small, so a partial scan. */
export function topK(values: ArrayLike<number>, k: number, offset = 0, length = values.length - offset): number[] {
  const best: number[] = [];
  for (let i = 0; i < length; i++) {
    const v = values[offset + i];
    if (best.length === k && v <= values[offset + best[k - 1]]) continue;
    let at = best.length === k ? k - 1 : best.length;
    while (at > 0 && values[offset + best[at - 1]] < v) at--;
    best.splice(at, 0, i);
    if (best.length > k) best.pop();
  }
  return best;
}

/** Softmax probabilities of `ids` among `length` logits (what fill-mask reports). */
export function softmaxAt(values: ArrayLike<number>, ids: readonly number[], offset = 0, length = values.length - offset): number[] {
  let max = -Infinity;
  for (let i = 0; i < length; i++) max = Math.max(max, values[offset + i]);
  let sum = 0;
  for (let i = 0; i < length; i++) sum += Math.exp(values[offset + i] - max);
  return ids.map((id) => Math.exp(values[offset + id] - max) / sum);
}
