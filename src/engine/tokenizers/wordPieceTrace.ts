/**
 * WordPiece's greedy longest-match-first search, step by step: from the current position, try the
 * longest remaining substring (with the `##` prefix after the first piece), then shorter ones,
 * until one is in the vocabulary. With the vocabulary of the BERT paper's example,
 * `unaffable` → `un`, `##aff`, `##able`.
 *
 * If no substring matches at some position, the whole word becomes the unknown token: the steps
 * found so far are kept, and a last step `[UNK]` (spanning the rest of the word, with every
 * candidate tried) shows where it failed. A word longer than `maxChars` characters is `[UNK]` at once.
 *
 * Candidates longer than the vocabulary's longest entry cannot match: encoding skips them, since
 * trying them made a word of n characters cost n² (a tokenizer.json with a huge
 * `max_input_chars_per_word` froze on a 5,000-character word). The replay still shows them as the
 * course teaches the search — from the whole rest of the word — up to SHOWN_CANDIDATES characters.
 * The pieces are the reference's either way.
 */
import type { MergeTrace, WordPieceStep } from './types';

export interface WordPieceTables {
  vocab: Map<string, number>;
  prefix: string;
  unkToken: string;
  maxChars: number;
  /** Characters (code points) of the longest vocabulary entry, a continuation's prefix left out. */
  longest: number;
}

/** The `longest` of a vocabulary: its longest entry in characters, `prefix` removed from continuations. */
export function longestPiece(vocab: Iterable<string>, prefix: string): number {
  let longest = 0;
  for (const token of vocab) {
    const body = prefix.length > 0 && token.startsWith(prefix) && token.length > prefix.length ? token.slice(prefix.length) : token;
    let chars = 0;
    for (let i = 0; i < body.length; i++) if ((body.charCodeAt(i) & 0xfc00) !== 0xdc00) chars++;
    longest = Math.max(longest, chars);
  }
  return longest;
}

/** Longest candidate a replay shows as tried (real words are far shorter; the vocabulary's longest entry if longer). */
const SHOWN_CANDIDATES = 64;

/** `record`: keep every candidate tried (the replay shows them); off for plain encoding. */
export function traceWordPiece(word: string, tables: WordPieceTables, record = true): Extract<MergeTrace, { kind: 'wordpiece' }> {
  const chars = Array.from(word);
  // UTF-16 offset of each character boundary.
  const at = new Array<number>(chars.length + 1);
  at[0] = 0;
  for (let i = 0; i < chars.length; i++) at[i + 1] = at[i] + chars[i].length;
  const steps: WordPieceStep[] = [];
  const unknown = (from: number, tried: string[]): Extract<MergeTrace, { kind: 'wordpiece' }> => {
    steps.push({ piece: tables.unkToken, start: at[from], end: word.length, tried });
    return { kind: 'wordpiece', word, steps, tokens: [tables.unkToken] };
  };
  if (chars.length > tables.maxChars) return unknown(0, []);
  let start = 0;
  while (start < chars.length) {
    const tried: string[] = [];
    let end = Math.min(chars.length, start + (record ? Math.max(tables.longest, SHOWN_CANDIDATES) : tables.longest));
    let piece: string | undefined;
    while (start < end) {
      const candidate = (start > 0 ? tables.prefix : '') + word.slice(at[start], at[end]);
      if (tables.vocab.has(candidate)) {
        piece = candidate;
        break;
      }
      if (record) tried.push(candidate);
      end--;
    }
    if (piece === undefined) return unknown(start, tried);
    steps.push({ piece, start: at[start], end: at[end], tried });
    start = end;
  }
  return { kind: 'wordpiece', word, steps, tokens: steps.map((s) => s.piece) };
}
