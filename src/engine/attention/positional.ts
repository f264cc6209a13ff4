/**
 * Position encodings: the sinusoidal table of "Attention Is All You Need" (Vaswani et al. 2017),
 * `PE(pos, 2i) = sin(pos / 10000^(2i/d))`, `PE(pos, 2i+1) = cos(pos / 10000^(2i/d))`, and the
 * cosine similarity of the rows of any embedding table (sinusoidal or learned).
 */

/** `[positions, d]` row-major. Worked example: `PE(1, 0) = sin(1)`, `PE(1, 1) = cos(1)`, `PE(0, ·) = 0, 1, 0, 1…`. */
export function sinusoidalEncoding(positions: number, d: number): Float32Array {
  if (!Number.isInteger(positions) || positions < 0 || !Number.isInteger(d) || d < 1) throw new RangeError(`bad shape [${positions}, ${d}]`);
  const out = new Float32Array(positions * d);
  for (let pos = 0; pos < positions; pos++) {
    for (let k = 0; k < d; k++) {
      const i2 = k - (k % 2); // 2i
      const angle = pos / Math.pow(10000, i2 / d);
      out[pos * d + k] = k % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return out;
}

/** `[rows, rows]`: the cosine similarity of every pair of rows of a `[rows, d]` table (0 for a zero row). */
export function cosineSimilarityMatrix(table: Float32Array, rows: number, d: number): Float32Array {
  if (table.length !== rows * d) throw new RangeError(`${table.length} values are not [${rows}, ${d}]`);
  const norms = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += table[r * d + k] ** 2;
    norms[r] = Math.sqrt(s);
  }
  const out = new Float32Array(rows * rows);
  for (let a = 0; a < rows; a++) {
    for (let b = a; b < rows; b++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += table[a * d + k] * table[b * d + k];
      const denom = norms[a] * norms[b];
      const c = denom > 0 ? dot / denom : 0;
      out[a * rows + b] = c;
      out[b * rows + a] = c;
    }
  }
  return out;
}
