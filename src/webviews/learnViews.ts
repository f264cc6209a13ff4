import type { LearnBpeResult, LearnedMerge } from '../engine/tokenizers/types';
import type { LearnPayload, SegmentationChange } from '../protocol/learn';

/** Most words the Learn BPE panel lists (the most frequent ones). */
export const MAX_LEARN_WORDS = 300;

/**
 * Builds the panel's payload: the result (cut to the most frequent words) and, per merge, the words
 * whose segmentation it changed — so the panel can show the segmentation after any number of merges.
 * The replay starts from single characters and must end in the trainer's own segmentations; if it
 * does not, `history` stays empty and the panel shows only the final state.
 */
export function learnPayload(result: LearnBpeResult, requested: number, text: string): LearnPayload {
  const order = result.words
    .map((w, index) => ({ index, count: w.count }))
    .sort((a, b) => b.count - a.count || a.index - b.index)
    .slice(0, MAX_LEARN_WORDS)
    .map((x) => x.index)
    .sort((a, b) => a - b);
  const words = order.map((i) => result.words[i]!);
  const segmentations = order.map((i) => result.segmentations[i] ?? { word: result.words[i]!.word, symbols: [] });
  const { initial, history } = replayMerges(
    words.map((w) => w.word),
    result.merges,
    segmentations.map((s) => s.symbols),
  );
  return {
    requested,
    result: { words, merges: result.merges, segmentations },
    totalWords: result.words.length,
    totalOccurrences: result.words.reduce((sum, w) => sum + w.count, 0),
    initial,
    history,
    text,
  };
}

function replayMerges(
  words: readonly string[],
  merges: readonly LearnedMerge[],
  expected: readonly string[][],
): { initial: string[][]; history: SegmentationChange[] } {
  const initial = words.map((w) => Array.from(w));
  let current = initial.map((s) => [...s]);
  const history: SegmentationChange[] = [];
  merges.forEach((merge, k) => {
    const changes: SegmentationChange['changes'] = [];
    current = current.map((symbols, word) => {
      const next = applyMerge(symbols, merge);
      if (next.length !== symbols.length) {
        changes.push({ word, symbols: next });
      }
      return next;
    });
    history.push({ step: k + 1, changes });
  });
  const consistent = current.every((s, i) => sameSymbols(s, expected[i] ?? []));
  return consistent ? { initial, history } : { initial: [], history: [] };
}

/** `applyMerge(['l','o','w','l','o'], {pair: ['l','o'], merged: 'lo'}) -> ['lo','w','lo']`. */
export function applyMerge(symbols: readonly string[], merge: LearnedMerge): string[] {
  const out: string[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (symbols[i] === merge.pair[0] && symbols[i + 1] === merge.pair[1]) {
      out.push(merge.merged);
      i++;
    } else {
      out.push(symbols[i]!);
    }
  }
  return out;
}

function sameSymbols(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}
