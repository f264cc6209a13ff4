/**
 * A teaching BPE trainer (Sennrich et al. 2016), small enough to read:
 *
 * 1. Words are the runs of letters, marks and digits of the text (whitespace and punctuation only
 *    separate them), counted, in the order they first appear. Case is kept.
 *    (`learnBpeFromWords` takes the counted words directly, for other pre-tokenizations such as
 *    GPT-2's byte-level words.)
 * 2. Each word starts as its characters.
 * 3. Repeatedly, the adjacent pair of symbols with the highest frequency (summed over all words,
 *    weighted by their counts) is merged everywhere, left to right.
 *    Ties: the pair whose first occurrence comes earliest in the text wins — e.g. in
 *    `low lower …`, `l o` and `o w` are equally frequent and `l o` comes first, so `l+o → lo`.
 * 4. It stops after `merges` merges (default 20), or earlier when no pair occurs at least twice
 *    (subword-nmt's min-frequency 2: merging a pair seen once only memorizes that word).
 *
 * Example: "low low low low low lower lower lowest newer newer newer wider wider" learns
 * `l+o → lo` (8), `lo+w → low` (8), `e+r → er` (7), … — the course's first three merges.
 *
 * Step 3 is done incrementally (as subword-nmt does) so that thousands of merges on megabytes of
 * text take seconds: pair frequencies are counted once, and a merge only recounts the words that
 * hold the merged pair. The result is the same as recounting everything at every step.
 */
import type { LearnBpeResult, LearnedMerge } from './types';

export const DEFAULT_MERGES = 20;
const WORD = /[\p{L}\p{M}\p{N}]+/gu;

export interface CountedWord {
  word: string;
  count: number;
}

function countWords(text: string): CountedWord[] {
  const counts = new Map<string, number>();
  for (const m of text.matchAll(WORD)) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  return [...counts].map(([word, count]) => ({ word, count }));
}

/** An unambiguous key for the pair (a, b): the length of `a` tells where `b` starts. */
function pairKey(a: string, b: string): string {
  return `${a.length}:${a}${b}`;
}

/** Merges every occurrence of `pair` in `symbols`, left to right. */
function applyMerge(symbols: readonly string[], a: string, b: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
      out.push(a + b);
      i++;
    } else out.push(symbols[i]);
  }
  return out;
}

interface PairStats {
  pair: [string, string];
  /** Occurrences weighted by word counts. */
  frequency: number;
  /** word index → occurrences of the pair in that word. */
  words: Map<number, number>;
}

/** A max-heap of (frequency, key) snapshots; stale snapshots are skipped when popped. */
class FrequencyHeap {
  private readonly freq: number[] = [];
  private readonly keys: string[] = [];

  get size(): number {
    return this.freq.length;
  }

  push(frequency: number, key: string): void {
    let i = this.freq.length;
    this.freq.push(frequency);
    this.keys.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.freq[parent] >= frequency) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  peekFrequency(): number {
    return this.freq[0];
  }

  pop(): { frequency: number; key: string } {
    const top = { frequency: this.freq[0], key: this.keys[0] };
    const lastF = this.freq.pop() as number;
    const lastK = this.keys.pop() as string;
    if (this.freq.length > 0) {
      this.freq[0] = lastF;
      this.keys[0] = lastK;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.freq.length && this.freq[l] > this.freq[m]) m = l;
        if (r < this.freq.length && this.freq[r] > this.freq[m]) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }

  private swap(i: number, j: number): void {
    [this.freq[i], this.freq[j]] = [this.freq[j], this.freq[i]];
    [this.keys[i], this.keys[j]] = [this.keys[j], this.keys[i]];
  }
}

class PairCounts {
  readonly stats = new Map<string, PairStats>();
  /** Keys whose frequency changed since the last `flush`. */
  private readonly changed = new Set<string>();

  constructor(private readonly counts: readonly number[]) {}

  /** Adds (sign 1) or removes (sign -1) the pairs of word `w`'s symbols. */
  update(w: number, symbols: readonly string[], sign: 1 | -1): void {
    for (let i = 0; i + 1 < symbols.length; i++) {
      const key = pairKey(symbols[i], symbols[i + 1]);
      let s = this.stats.get(key);
      if (!s) {
        s = { pair: [symbols[i], symbols[i + 1]], frequency: 0, words: new Map() };
        this.stats.set(key, s);
      }
      s.frequency += sign * this.counts[w];
      const n = (s.words.get(w) ?? 0) + sign;
      if (n === 0) s.words.delete(w);
      else s.words.set(w, n);
      this.changed.add(key);
    }
  }

  /** Pushes the new frequency of every changed pair onto the heap. */
  flush(heap: FrequencyHeap): void {
    for (const key of this.changed) {
      const s = this.stats.get(key);
      if (!s) continue;
      if (s.frequency > 0) heap.push(s.frequency, key);
      else this.stats.delete(key);
    }
    this.changed.clear();
  }
}

/** Where a pair first occurs in the text: [word index, symbol index]. */
function firstOccurrence(s: PairStats, segs: readonly string[][]): [number, number] {
  let w = Infinity;
  for (const word of s.words.keys()) if (word < w) w = word;
  const symbols = segs[w];
  for (let i = 0; i + 1 < symbols.length; i++) {
    if (symbols[i] === s.pair[0] && symbols[i + 1] === s.pair[1]) return [w, i];
  }
  throw new Error('learnBpe: pair statistics out of step with the words');
}

/** The best pair now (highest frequency, then earliest first occurrence), taken off the heap. */
function bestPair(heap: FrequencyHeap, pairs: PairCounts, segs: readonly string[][]): PairStats | undefined {
  const live = (e: { frequency: number; key: string }): boolean => pairs.stats.get(e.key)?.frequency === e.frequency;
  let top: { frequency: number; key: string } | undefined;
  while (heap.size > 0) {
    const e = heap.pop();
    if (live(e)) {
      top = e;
      break;
    }
  }
  if (!top) return undefined;
  // Every other live pair of the same frequency is a tie, decided by first occurrence.
  const tied = new Set([top.key]);
  while (heap.size > 0 && heap.peekFrequency() === top.frequency) {
    const e = heap.pop();
    if (live(e)) tied.add(e.key);
  }
  let best: { key: string; at: [number, number] } | undefined;
  for (const key of tied) {
    const at = firstOccurrence(pairs.stats.get(key) as PairStats, segs);
    if (!best || at[0] < best.at[0] || (at[0] === best.at[0] && at[1] < best.at[1])) best = { key, at };
  }
  for (const key of tied) if (key !== best?.key) heap.push(top.frequency, key);
  return pairs.stats.get((best as { key: string }).key);
}

/** BPE on words already counted, in the order they first appear in the text. */
export function learnBpeFromWords(words: readonly CountedWord[], options: { merges?: number } = {}): LearnBpeResult {
  const maxMerges = options.merges ?? DEFAULT_MERGES;
  if (!Number.isInteger(maxMerges) || maxMerges < 0) throw new RangeError(`merges must be a whole number ≥ 0, got ${maxMerges}`);
  const segs = words.map((w) => Array.from(w.word));
  const pairs = new PairCounts(words.map((w) => w.count));
  const heap = new FrequencyHeap();
  segs.forEach((symbols, w) => pairs.update(w, symbols, 1));
  pairs.flush(heap);
  const merges: LearnedMerge[] = [];
  while (merges.length < maxMerges) {
    const best = bestPair(heap, pairs, segs);
    if (!best || best.frequency < 2) break;
    const [a, b] = best.pair;
    const frequency = best.frequency;
    for (const w of [...best.words.keys()]) {
      pairs.update(w, segs[w], -1);
      segs[w] = applyMerge(segs[w], a, b);
      pairs.update(w, segs[w], 1);
    }
    pairs.flush(heap);
    merges.push({ pair: [a, b], merged: a + b, frequency });
  }
  return {
    words: words.map((w) => ({ word: w.word, count: w.count })),
    merges,
    segmentations: words.map((w, i) => ({ word: w.word, symbols: segs[i] })),
  };
}

export function learnBpe(text: string, options: { merges?: number } = {}): LearnBpeResult {
  const maxMerges = options.merges ?? DEFAULT_MERGES;
  if (!Number.isInteger(maxMerges) || maxMerges < 0) throw new RangeError(`merges must be a whole number ≥ 0, got ${maxMerges}`);
  return learnBpeFromWords(countWords(text), { merges: maxMerges });
}
