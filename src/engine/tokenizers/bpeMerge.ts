/**
 * BPE merges of one long word, in O(n log n) with typed arrays: the same merges in the same order
 * as Rust tokenizers and tokenizers.js (the lowest-ranked adjacent pair first; on equal ranks the
 * leftmost, by the position of its left symbol's first character), without an object per symbol.
 * tokenizers.js's own `bpe()` takes ~5 s on a 1 MiB word of letters (a node object and a JSON
 * key per pair); this takes a fraction of that, so the status bar's count of a document that is
 * one long word does not freeze the host.
 *
 *   mergeSymbols(['l', 'o', 'w', 'e', 'r'], ranks of GPT-2)   → ['low', 'er']
 */
import { pairKey } from './bpeTrace';

/** Heap keys: rank × 2^26 + position (positions stay below 2^26: normalized texts are capped at 2^25 units). */
const POSITION_BITS = 2 ** 26;

class PairHeap {
  keys = new Float64Array(64);
  versions = new Int32Array(64);
  size = 0;

  push(key: number, version: number): void {
    if (this.size === this.keys.length) {
      const keys = new Float64Array(this.size * 2);
      const versions = new Int32Array(this.size * 2);
      keys.set(this.keys);
      versions.set(this.versions);
      this.keys = keys;
      this.versions = versions;
    }
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent] <= key) break;
      this.keys[i] = this.keys[parent];
      this.versions[i] = this.versions[parent];
      i = parent;
    }
    this.keys[i] = key;
    this.versions[i] = version;
  }

  /** Removes the smallest entry; its key and version are left in `key` and `version`. */
  pop(): void {
    this.key = this.keys[0];
    this.version = this.versions[0];
    const lastKey = this.keys[--this.size];
    const lastVersion = this.versions[this.size];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.keys[child + 1] < this.keys[child]) child++;
      if (this.keys[child] >= lastKey) break;
      this.keys[i] = this.keys[child];
      this.versions[i] = this.versions[child];
      i = child;
    }
    this.keys[i] = lastKey;
    this.versions[i] = lastVersion;
  }

  key = 0;
  version = 0;
}

/**
 * Merges `symbols` (the word's characters, the end-of-word suffix already on the last one) by
 * `ranks` (pairKey → rank) and returns the final symbols.
 */
export function mergeSymbols(symbols: readonly string[], ranks: ReadonlyMap<string, number>): string[] {
  const n = symbols.length;
  const sym = symbols.slice();
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  // A symbol's version changes whenever it or its right neighbour does: older heap entries are stale.
  const version = new Int32Array(n);
  const alive = new Uint8Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    next[i] = i + 1 < n ? i + 1 : -1;
    prev[i] = i - 1;
  }
  const heap = new PairHeap();
  const offer = (i: number): void => {
    const j = next[i];
    if (j < 0) return;
    const rank = ranks.get(pairKey(sym[i], sym[j]));
    if (rank !== undefined) heap.push(rank * POSITION_BITS + i, version[i]);
  };
  for (let i = 0; i + 1 < n; i++) offer(i);
  while (heap.size > 0) {
    heap.pop();
    const i = heap.key % POSITION_BITS;
    if (!alive[i] || version[i] !== heap.version || next[i] < 0) continue;
    const j = next[i];
    sym[i] += sym[j];
    alive[j] = 0;
    next[i] = next[j];
    if (next[i] >= 0) prev[next[i]] = i;
    version[i]++;
    const left = prev[i];
    if (left >= 0) {
      version[left]++;
      offer(left);
    }
    offer(i);
  }
  const out: string[] = [];
  for (let i = 0; i >= 0 && i < n; i = next[i]) out.push(sym[i]);
  return out;
}
