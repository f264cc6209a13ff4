/**
 * Square attention matrices as flat row-major Float32Arrays: `a[i * n + j]` is how much query
 * token `i` attends to key token `j`; each row of a softmax output sums to 1.
 * Plain TypeScript (no Node, no DOM): also bundled into the webviews.
 */

/** A square matrix of side `n`, row-major. */
export interface SquareMatrix {
  n: number;
  data: Float32Array;
}

/** Head `h` of a `[H, T, T]` tensor, as a copy. */
export function headMatrix(tensor: Float32Array, heads: number, h: number): SquareMatrix {
  const n = sideOf(tensor.length / heads);
  if (h < 0 || h >= heads || !Number.isInteger(h)) throw new RangeError(`head ${h} does not exist (0 to ${heads - 1})`);
  return { n, data: tensor.slice(h * n * n, (h + 1) * n * n) };
}

/** The mean over heads of a `[H, T, T]` tensor: `[T, T]` (cell by cell, summed in double precision). */
export function meanOverHeads(tensor: Float32Array, heads: number): SquareMatrix {
  const n = sideOf(tensor.length / heads);
  const size = n * n;
  const data = new Float32Array(size);
  for (let k = 0; k < size; k++) {
    let s = 0;
    for (let h = 0, at = k; h < heads; h++, at += size) s += tensor[at];
    data[k] = s / heads;
  }
  return { n, data };
}

/** The identity matrix of side `n`. */
export function identity(n: number): SquareMatrix {
  const data = new Float32Array(n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return { n, data };
}

/**
 * `a · b` for square matrices of the same side, i-k-j order (rows of `b` read in sequence), summed
 * in double precision. `lowerTriangular`: both are lower triangular (causal attention and its
 * rollout), so only k ≤ i and j ≤ k are visited: a sixth of the products. The host's rollout runs
 * its products through onnxruntime (rolloutProduct.ts); this is the fallback and the reference.
 */
export function multiply(a: SquareMatrix, b: SquareMatrix, options: { lowerTriangular?: boolean } = {}): SquareMatrix {
  if (a.n !== b.n) throw new RangeError(`cannot multiply ${a.n}×${a.n} by ${b.n}×${b.n}`);
  const n = a.n;
  const ad = a.data;
  const bd = b.data;
  const lower = options.lowerTriangular === true;
  const out = new Float32Array(n * n);
  const acc = new Float64Array(n); // one output row
  for (let i = 0; i < n; i++) {
    const width = lower ? i + 1 : n;
    acc.fill(0, 0, width);
    for (let k = 0; k < width; k++) {
      const aik = ad[i * n + k];
      if (aik === 0) continue;
      const row = k * n;
      const end = lower ? k + 1 : n;
      for (let j = 0; j < end; j++) acc[j] += aik * bd[row + j];
    }
    for (let j = 0; j < width; j++) out[i * n + j] = acc[j];
  }
  return { n, data: out };
}

/** Each row divided by its sum; rows that sum to 0 stay 0. */
export function normalizeRows(m: SquareMatrix): SquareMatrix {
  const { n } = m;
  const data = new Float32Array(m.data);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += data[i * n + j];
    if (s > 0) for (let j = 0; j < n; j++) data[i * n + j] /= s;
  }
  return { n, data };
}

/** The row `i` of a matrix (a view, not a copy). */
export function row(m: SquareMatrix, i: number): Float32Array {
  return m.data.subarray(i * m.n, (i + 1) * m.n);
}

/** True when every value above the diagonal is (numerically) zero: a causal mask. */
export function isLowerTriangular(m: SquareMatrix, tolerance = 1e-7): boolean {
  for (let i = 0; i < m.n; i++) for (let j = i + 1; j < m.n; j++) if (Math.abs(m.data[i * m.n + j]) > tolerance) return false;
  return true;
}

/** The side of a square of `size` cells, or an error when it is not a square. */
export function sideOf(size: number): number {
  const n = Math.round(Math.sqrt(size));
  if (n * n !== size) throw new RangeError(`${size} values do not make a square matrix`);
  return n;
}

/** Average pooling of a matrix to at most `max × max` cells (for thumbnails). */
export function downsample(m: SquareMatrix, max: number): SquareMatrix {
  if (m.n <= max) return m;
  const n = max;
  const data = new Float32Array(n * n);
  const edge = (k: number): number => Math.round((k * m.n) / n);
  for (let bi = 0; bi < n; bi++) {
    for (let bj = 0; bj < n; bj++) {
      let s = 0;
      let c = 0;
      for (let i = edge(bi); i < edge(bi + 1); i++) for (let j = edge(bj); j < edge(bj + 1); j++, c++) s += m.data[i * m.n + j];
      data[bi * n + bj] = c ? s / c : 0;
    }
  }
  return { n, data };
}
