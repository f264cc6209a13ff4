/**
 * A teaching BPE trainer (Sennrich et al. 2016), small enough to read:
 *
 * 1. Words are the runs of letters, marks and digits of the text (whitespace and punctuation only
 *    separate them), counted, in the order they first appear. Case is kept.
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
 */
import type { LearnBpeResult, LearnedMerge } from './types';

export const DEFAULT_MERGES = 20;
const WORD = /[\p{L}\p{M}\p{N}]+/gu;

function countWords(text: string): Array<{ word: string; count: number }> {
  const counts = new Map<string, number>();
  for (const m of text.matchAll(WORD)) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  return [...counts].map(([word, count]) => ({ word, count }));
}

/** The best pair now: highest frequency, then earliest first occurrence in the text. */
function bestPair(words: ReadonlyArray<{ count: number }>, segs: string[][]): { pair: [string, string]; frequency: number } | undefined {
  const stats = new Map<string, { pair: [string, string]; frequency: number; first: number }>();
  let order = 0;
  segs.forEach((symbols, w) => {
    for (let i = 0; i + 1 < symbols.length; i++) {
      const key = JSON.stringify([symbols[i], symbols[i + 1]]);
      const s = stats.get(key);
      if (s) s.frequency += words[w].count;
      else stats.set(key, { pair: [symbols[i], symbols[i + 1]], frequency: words[w].count, first: order++ });
    }
  });
  let best: { pair: [string, string]; frequency: number; first: number } | undefined;
  for (const s of stats.values()) {
    if (!best || s.frequency > best.frequency || (s.frequency === best.frequency && s.first < best.first)) best = s;
  }
  return best;
}

/** Merges every occurrence of `pair` in `symbols`, left to right. */
function applyMerge(symbols: string[], pair: [string, string]): string[] {
  const out: string[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (i + 1 < symbols.length && symbols[i] === pair[0] && symbols[i + 1] === pair[1]) {
      out.push(pair[0] + pair[1]);
      i++;
    } else out.push(symbols[i]);
  }
  return out;
}

export function learnBpe(text: string, options: { merges?: number } = {}): LearnBpeResult {
  const maxMerges = options.merges ?? DEFAULT_MERGES;
  if (!Number.isInteger(maxMerges) || maxMerges < 0) throw new RangeError(`merges must be a whole number ≥ 0, got ${maxMerges}`);
  const words = countWords(text);
  let segs = words.map((w) => Array.from(w.word));
  const merges: LearnedMerge[] = [];
  while (merges.length < maxMerges) {
    const best = bestPair(words, segs);
    if (!best || best.frequency < 2) break;
    segs = segs.map((symbols) => applyMerge(symbols, best.pair));
    merges.push({ pair: best.pair, merged: best.pair[0] + best.pair[1], frequency: best.frequency });
  }
  return { words, merges, segmentations: words.map((w, i) => ({ word: w.word, symbols: segs[i] })) };
}
