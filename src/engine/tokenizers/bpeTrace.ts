/**
 * BPE replayed merge by merge, from the tokenizer's own merge ranks: start from the word's
 * characters, and at each step merge the adjacent pair with the lowest rank (the earliest merge
 * learned; leftmost occurrence on ties) until no adjacent pair is in the table. This is the order
 * in which Rust tokenizers' priority queue applies them, so the last symbols are the model's tokens.
 *
 * Worked example (GPT-2): `lower` → l o w e r → (o,w) → l ow e r → (e,r) → l ow er → (l,ow) → low er.
 */
import type { BpeStep, MergeTrace } from './types';

export interface BpeTables {
  /** Rank of a pair, keyed by pairKey(a, b). */
  ranks: Map<string, number>;
  endOfWordSuffix: string;
}

/** An unambiguous key for a pair of symbols (symbols may contain any character). */
export function pairKey(a: string, b: string): string {
  return `${a.length}:${a}${b}`;
}

/**
 * The rank table of a merge list (rank = position, 0 = first merge learned). A pair listed twice
 * takes its last rank, as in Rust's map (and tokenizers.js's): `a b, b c, a b` merges `b c` first.
 */
export function rankTable(merges: ReadonlyArray<readonly [string, string]>): Map<string, number> {
  const ranks = new Map<string, number>();
  merges.forEach(([a, b], rank) => ranks.set(pairKey(a, b), rank));
  return ranks;
}

export function bpeInitialSymbols(word: string, endOfWordSuffix: string): string[] {
  const symbols = Array.from(word);
  if (endOfWordSuffix && symbols.length > 0) symbols[symbols.length - 1] += endOfWordSuffix;
  return symbols;
}

/**
 * @param word the pre-token as the model sees it (byte-level symbols for GPT-2)
 * @param finalize maps the merged symbols to the model's tokens (unknown symbols → unk/bytes)
 */
export function traceBpe(word: string, tables: BpeTables, finalize: (symbols: string[]) => string[]): MergeTrace {
  const symbols = bpeInitialSymbols(word, tables.endOfWordSuffix);
  const initial = symbols.slice();
  const steps: BpeStep[] = [];
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const rank = tables.ranks.get(pairKey(symbols[i], symbols[i + 1]));
      if (rank !== undefined && rank < bestRank) {
        best = i;
        bestRank = rank;
      }
    }
    if (best < 0) break;
    const pair: [string, string] = [symbols[best], symbols[best + 1]];
    symbols.splice(best, 2, pair[0] + pair[1]);
    steps.push({ pair, rank: bestRank, symbols: symbols.slice() });
  }
  return { kind: 'bpe', word, initial, steps, tokens: finalize(symbols) };
}
