/**
 * The held-out evaluation items, built from the verse texts and the shipped tokenizers by the same
 * rules in the pipeline (tools/training/prepare.ts → the PyTorch numbers) and in
 * test/unit/repo/trainedModels.test.ts (→ the engine's numbers):
 *
 * - GPT perplexity: each verse read as `<|endoftext|>` + verse; every verse token is predicted from
 *   the ones before it. Verses longer than the context are left out (counted).
 * - Fill-mask: in verse number i, the whole words that are one vocabulary piece made of letters are
 *   the candidates; candidate (7·i + 3) mod n is replaced by [MASK] in the text.
 */
import type { TextTokenizer } from '../../src/engine/tokenizers/textTokenizer';
import { END_OF_TEXT } from './bpeVocabularies';

export interface PerplexityItem {
  /** `<|endoftext|>` + the verse. */
  text: string;
  ids: number[];
}

export interface FillMaskItem {
  /** The verse with one word replaced by `[MASK]`. */
  text: string;
  /** Model input ids, [CLS] … [MASK] … [SEP]. */
  ids: number[];
  /** Where [MASK] is in `ids`. */
  position: number;
  /** The id of the hidden word. */
  target: number;
  word: string;
}

export function perplexityItems(tokenizer: TextTokenizer, verses: readonly string[], contextLength: number): { items: PerplexityItem[]; skipped: number } {
  const items: PerplexityItem[] = [];
  let skipped = 0;
  for (const verse of verses) {
    const text = END_OF_TEXT + verse;
    const ids = tokenizer.encode(text).tokens.map((t) => t.id);
    if (ids.length > contextLength) skipped++;
    else items.push({ text, ids });
  }
  return { items, skipped };
}

export function fillMaskItems(tokenizer: TextTokenizer, verses: readonly string[], contextLength: number, mask = '[MASK]'): FillMaskItem[] {
  const items: FillMaskItem[] = [];
  verses.forEach((verse, i) => {
    const tokens = tokenizer.encode(verse).tokens;
    const wholeWord = (j: number): boolean => j + 1 === tokens.length || !tokens[j + 1].token.startsWith('##');
    const candidates = [...tokens.keys()].filter((j) => /^[a-z]+$/.test(tokens[j].token) && wholeWord(j));
    if (candidates.length === 0 || tokens.length + 2 > contextLength) return;
    const j = candidates[(7 * i + 3) % candidates.length];
    const text = verse.slice(0, tokens[j].start) + mask + verse.slice(tokens[j].end);
    const ids = tokenizer.encode(text, { special: true }).tokens.map((t) => t.id);
    items.push({ text, ids, position: j + 1, target: tokens[j].id, word: verse.slice(tokens[j].start, tokens[j].end) });
  });
  return items;
}
