/**
 * WordPiece's greedy longest-match-first search, step by step: from the current position, try the
 * longest remaining substring (with the `##` prefix after the first piece), then shorter ones,
 * until one is in the vocabulary. With the vocabulary of the BERT paper's example,
 * `unaffable` → `un`, `##aff`, `##able`.
 *
 * If no substring matches at some position, the whole word becomes the unknown token: the steps
 * found so far are kept, and a last step `[UNK]` (spanning the rest of the word, with every
 * candidate tried) shows where it failed. A word longer than `maxChars` characters is `[UNK]` at once.
 */
import type { MergeTrace, WordPieceStep } from './types';

export interface WordPieceTables {
  vocab: Map<string, number>;
  prefix: string;
  unkToken: string;
  maxChars: number;
}

export function traceWordPiece(word: string, tables: WordPieceTables): MergeTrace {
  const chars = Array.from(word);
  // UTF-16 offset of each character boundary.
  const at = new Array<number>(chars.length + 1);
  at[0] = 0;
  for (let i = 0; i < chars.length; i++) at[i + 1] = at[i] + chars[i].length;
  const steps: WordPieceStep[] = [];
  const unknown = (from: number, tried: string[]): MergeTrace => {
    steps.push({ piece: tables.unkToken, start: at[from], end: word.length, tried });
    return { kind: 'wordpiece', word, steps, tokens: [tables.unkToken] };
  };
  if (chars.length > tables.maxChars) return unknown(0, []);
  let start = 0;
  while (start < chars.length) {
    const tried: string[] = [];
    let end = chars.length;
    let piece: string | undefined;
    while (start < end) {
      const candidate = (start > 0 ? tables.prefix : '') + word.slice(at[start], at[end]);
      if (tables.vocab.has(candidate)) {
        piece = candidate;
        break;
      }
      tried.push(candidate);
      end--;
    }
    if (piece === undefined) return unknown(start, tried);
    steps.push({ piece, start: at[start], end: at[end], tried });
    start = end;
  }
  return { kind: 'wordpiece', word, steps, tokens: steps.map((s) => s.piece) };
}
