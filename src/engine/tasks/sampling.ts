/**
 * The decoding knobs of the course as pure functions of one row of logits: temperature, top-k,
 * top-p (nucleus), and drawing a token with a seeded generator. Order as in Hugging Face's
 * warpers: temperature first, then top-k, then top-p, then renormalise.
 */
import { softmax } from './softmax';

export interface SamplingKnobs {
  /** > 0; default 1. */
  temperature?: number;
  /** Keep the k most likely tokens, and every token tied with the k-th; 0/undefined = off. */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose mass reaches p (plus ties with the last one); 1/undefined = off. */
  topP?: number;
}

export interface FilteredDistribution {
  /** Probabilities after temperature and filtering, renormalised over the kept tokens (0 elsewhere). */
  probs: Float64Array;
  /** 1 where the token survived the filters. */
  kept: Uint8Array;
  keptCount: number;
}

export function checkKnobs(k: SamplingKnobs): void {
  if (k.temperature !== undefined && !(k.temperature > 0 && Number.isFinite(k.temperature))) throw new RangeError(`temperature must be a number > 0, got ${k.temperature}`);
  if (k.topK !== undefined && !(Number.isInteger(k.topK) && k.topK >= 0)) throw new RangeError(`top-k must be a whole number ≥ 0, got ${k.topK}`);
  if (k.topP !== undefined && !(k.topP > 0 && k.topP <= 1)) throw new RangeError(`top-p must be in (0, 1], got ${k.topP}`);
}

/** The distribution sampling draws from, with which tokens top-k / top-p kept. */
export function filterLogits(logits: ArrayLike<number>, knobs: SamplingKnobs = {}): FilteredDistribution {
  checkKnobs(knobs);
  const V = logits.length;
  const probs = softmax(logits, knobs.temperature ?? 1);
  const kept = new Uint8Array(V).fill(1);
  const topK = knobs.topK ?? 0;
  const topP = knobs.topP ?? 1;
  if ((topK > 0 && topK < V) || topP < 1) {
    const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => probs[b] - probs[a] || a - b);
    let limit = V; // tokens kept: a prefix of `order`, widened to the ties of its last one
    if (topK > 0 && topK < V) limit = widenToTies(probs, order, topK);
    if (topP < 1) {
      // Mass over the tokens top-k kept, as HF applies top-p to top-k's output.
      let keptMass = 0;
      for (let i = 0; i < limit; i++) keptMass += probs[order[i]];
      let mass = 0;
      let n = 0;
      while (n < limit) {
        mass += probs[order[n]] / keptMass;
        n++;
        if (mass >= topP * (1 - 1e-12)) break;
      }
      limit = Math.min(limit, widenToTies(probs, order, n));
    }
    kept.fill(0);
    for (let i = 0; i < limit; i++) kept[order[i]] = 1;
  }
  let sum = 0;
  let keptCount = 0;
  for (let i = 0; i < V; i++) {
    if (kept[i]) {
      sum += probs[i];
      keptCount++;
    } else probs[i] = 0;
  }
  for (let i = 0; i < V; i++) probs[i] /= sum;
  return { probs, kept, keptCount };
}

/** n, grown to include every token whose probability equals that of order[n-1]. */
function widenToTies(probs: Float64Array, order: number[], n: number): number {
  const last = probs[order[n - 1]];
  while (n < order.length && probs[order[n]] === last) n++;
  return n;
}

/** Draws an index with probability probs[i] (they sum to 1), using one number of `random` in [0, 1). */
export function sampleIndex(probs: ArrayLike<number>, random: () => number): number {
  const u = random();
  let cum = 0;
  let last = -1;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] <= 0) continue;
    cum += probs[i];
    last = i;
    if (u < cum) return i;
  }
  return last; // rounding: u ≥ the computed total
}
