/**
 * How the GPU check compares a run on the target (CUDA, or a float16 graph) with the float32 CPU
 * reference, and the tolerances it holds them to. The tolerances are the rig's own, stated in the
 * report beside every figure: float32 on CUDA runs its products in TF32 by default (onnxruntime's
 * CUDA provider, `use_tf32`), float16 graphs store the weights and run the products in float16.
 */

export interface Agreement {
  /** max |target − ref| over all values. */
  maxAbs: number;
  /** maxAbs / max |ref|. */
  relative: number;
  /** Rows (last axis) whose argmax agrees, over all rows. */
  top1: number;
  rows: number;
  /**
   * Rows whose argmax differs only because the reference's two candidates lie within 2·maxAbs of
   * each other (a near-tie that the measured error can flip), as a fraction of all rows.
   */
  nearTies: number;
}

export interface Tolerance {
  relativeLogits: number;
  attentionMaxAbs: number;
  top1: number;
}

export const TOLERANCES: Readonly<Record<'float32' | 'float16', Tolerance>> = {
  float32: { relativeLogits: 1e-2, attentionMaxAbs: 1e-2, top1: 0.99 },
  float16: { relativeLogits: 5e-2, attentionMaxAbs: 5e-2, top1: 0.95 },
};

function argmax(data: Float32Array, start: number, length: number): number {
  let best = start;
  for (let i = start + 1; i < start + length; i++) if (data[i] > data[best]) best = i;
  return best - start;
}

/** Compares two tensors of the same shape, rows of `rowLength` values (the last axis). */
export function agreement(target: Float32Array, ref: Float32Array, rowLength: number): Agreement {
  if (target.length !== ref.length) throw new Error(`cannot compare ${target.length} values with ${ref.length}`);
  let maxAbs = 0;
  let maxRef = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(target[i] - ref[i]);
    // A NaN in the target is the worst disagreement, never a silent pass.
    if (!(d <= maxAbs)) maxAbs = Number.isNaN(d) ? Infinity : d;
    const r = Math.abs(ref[i]);
    if (r > maxRef) maxRef = r;
  }
  const rows = ref.length / rowLength;
  let same = 0;
  let ties = 0;
  for (let r = 0; r < rows; r++) {
    const t = argmax(target, r * rowLength, rowLength);
    const f = argmax(ref, r * rowLength, rowLength);
    if (t === f) same++;
    else if (ref[r * rowLength + f] - ref[r * rowLength + t] <= 2 * maxAbs) ties++;
  }
  return { maxAbs, relative: maxRef > 0 ? maxAbs / maxRef : maxAbs, top1: rows > 0 ? same / rows : 1, rows, nearTies: rows > 0 ? ties / rows : 0 };
}

/** The worst of several agreements (e.g. one per layer's attention). */
export function worst(list: readonly Agreement[]): Agreement {
  return list.reduce((a, b) => ({
    maxAbs: Math.max(a.maxAbs, b.maxAbs), relative: Math.max(a.relative, b.relative),
    top1: (a.top1 * a.rows + b.top1 * b.rows) / (a.rows + b.rows), rows: a.rows + b.rows,
    nearTies: (a.nearTies * a.rows + b.nearTies * b.rows) / (a.rows + b.rows),
  }));
}

/** Top-1 agreement counting near-ties (see Agreement.nearTies) as agreeing. */
export function top1OrTie(a: Agreement): number {
  return a.top1 + a.nearTies;
}

/** How many leading tokens two greedy generations share. */
export function commonPrefix(a: readonly number[], b: readonly number[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
