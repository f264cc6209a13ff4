// The head view's edges at long lengths: only the k strongest links of each query token are drawn,
// so 1,024 tokens stay a picture and not a solid block. Pure (unit-tested in Node).

/**
 * The indices of the `k` largest positive values of `row` (length `n`), strongest first; ties keep
 * the lower index first. Zeros (masked keys of a causal row, an empty row) are never edges; `k` ≥ the
 * number of positive values gives them all; `k` ≤ 0 gives none.
 */
export function topK(row: ArrayLike<number>, k: number, n = row.length): number[] {
  const take = Math.max(0, Math.floor(k));
  if (take === 0) return [];
  // A small sorted buffer (k is small): insertion keeps it ordered; O(n·k) worst case, O(n) typically.
  const idx: number[] = [];
  for (let j = 0; j < n; j++) {
    const v = row[j];
    if (!(v > 0)) continue;
    if (idx.length === take && !(v > row[idx[take - 1]])) continue;
    let p = idx.length === take ? take - 1 : idx.length;
    if (idx.length < take) idx.push(j);
    while (p > 0 && v > row[idx[p - 1]]) {
      idx[p] = idx[p - 1];
      p--;
    }
    idx[p] = j;
  }
  return idx;
}

/**
 * The top-`k` edges of every query row of an n × n matrix read through `value(i, j)`: for each row i,
 * the key indices, strongest first. `k` ≤ 0 means every positive edge.
 */
export function topEdges(n: number, k: number, value: (i: number, j: number) => number): number[][] {
  const row = new Float64Array(n);
  const take = k > 0 ? k : n;
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) row[j] = value(i, j);
    out.push(topK(row, take, n));
  }
  return out;
}
