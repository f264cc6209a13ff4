/**
 * The stretch of a text a model with a short context can read around what must be read: pure, so
 * the Logit Lens and Contextual Embeddings commands share it and unit tests run it as it is.
 */

export interface CharRange {
  start: number;
  end: number;
}

export type TokenWindow =
  /** `range` (characters of the text) holds at most `limit` tokens and all of `keep`; `cut` when it is not the whole text. */
  | { fits: true; range: CharRange; cut: boolean; tokens: number }
  /** `keep` alone needs `needed` tokens, more than `limit`. */
  | { fits: false; needed: number };

/**
 * At most `limit` consecutive tokens of `tokens` (the text's, in order, with their character
 * offsets) that cover the characters [keep.start, keep.end): from the text's start when they fit
 * there, else centred on `keep`, else ending with the text. An empty `keep` marks one place.
 */
export function tokenWindow(tokens: ReadonlyArray<CharRange>, textLength: number, keep: CharRange, limit: number): TokenWindow {
  const n = tokens.length;
  if (n <= limit) return { fits: true, range: { start: 0, end: textLength }, cut: false, tokens: n };
  let first = tokens.findIndex((t) => t.end > keep.start);
  if (first < 0) first = n - 1;
  let last = first;
  for (let i = first; i < n && tokens[i].start < keep.end; i++) last = i;
  const needed = last - first + 1;
  if (needed > limit) return { fits: false, needed };
  const spare = limit - needed;
  const from = last < limit ? 0 : Math.max(0, Math.min(first - Math.floor(spare / 2), n - limit));
  const to = from + limit - 1;
  return {
    fits: true,
    range: { start: from === 0 ? 0 : tokens[from].start, end: to === n - 1 ? textLength : tokens[to].end },
    cut: true,
    tokens: limit,
  };
}
