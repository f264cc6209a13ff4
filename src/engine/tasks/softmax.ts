/**
 * Distributions over the vocabulary from one row of logits, as pure functions over Float32Array
 * (testable without a model): log-softmax with a temperature, probabilities of chosen ids, ranks,
 * and the k best ids without sorting the whole vocabulary.
 */

/** log Σ exp(logits / T), computed stably (max subtracted). */
export function logSumExp(logits: ArrayLike<number>, temperature = 1): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp((logits[i] - max) / temperature);
  return max / temperature + Math.log(sum);
}

/** log softmax(logits / T), in float64. */
export function logSoftmax(logits: ArrayLike<number>, temperature = 1): Float64Array {
  const lse = logSumExp(logits, temperature);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] / temperature - lse;
  return out;
}

/** softmax(logits / T), in float64; sums to 1. */
export function softmax(logits: ArrayLike<number>, temperature = 1): Float64Array {
  if (!(temperature > 0)) throw new RangeError(`temperature must be > 0, got ${temperature}`);
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = max === -Infinity ? 1 : Math.exp((logits[i] - max) / temperature);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/** The first index of the largest value. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** 1 + how many entries are strictly larger than values[id] (1 = best; ties share the better rank). */
export function rankOf(values: ArrayLike<number>, id: number): number {
  const v = values[id];
  let rank = 1;
  for (let i = 0; i < values.length; i++) if (values[i] > v) rank++;
  return rank;
}

/**
 * The ids of the k largest values, largest first (ties: smaller id first). One pass keeping the k
 * best in sorted order; a value enters only when larger than the k-th best (O(V) for small k).
 */
export function topIds(values: ArrayLike<number>, k: number): number[] {
  const n = Math.min(Math.max(0, Math.floor(k)), values.length);
  if (n === 0) return [];
  const vals = new Float64Array(n);
  const ids = new Int32Array(n);
  let size = 0;
  let floor = -Infinity; // the n-th best value once n are kept
  for (let id = 0; id < values.length; id++) {
    const v = values[id];
    // A later id tied with the n-th best is worse (ties: smaller id first): only a larger value gets in.
    if (size === n && !(v > floor)) continue;
    if (Number.isNaN(v)) continue;
    let at = size < n ? size++ : n - 1;
    while (at > 0 && vals[at - 1] < v) {
      vals[at] = vals[at - 1];
      ids[at] = ids[at - 1];
      at--;
    }
    vals[at] = v;
    ids[at] = id;
    if (size === n) floor = vals[n - 1];
  }
  return Array.from(ids.subarray(0, size));
}
