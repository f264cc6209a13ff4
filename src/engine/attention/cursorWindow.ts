/**
 * The part of a text longer than the model's context that the attention viewer shows: at most
 * `limit` consecutive tokens centred on the cursor's token (clamped to the text's ends), cut at
 * token boundaries, with a band the cursor may move in without a new window. Pure, so the viewer
 * and its unit tests run it as it is. (`editor/contextWindow.ts` reads a text from its start when
 * it can, as a prediction needs; the viewer centres on the cursor instead.)
 */

/** A token's characters in the text, [start, end). */
export interface TokenChars {
  start: number;
  end: number;
}

export interface CursorWindow {
  /** Index of the first token shown among the text's tokens, and how many are shown. */
  first: number;
  count: number;
  /** The text's tokens. */
  total: number;
  /** The characters shown, [start, end): from a token's start to a token's end (or the text's ends). */
  start: number;
  end: number;
  /** The cursor may move in [keepStart, keepEnd] and the window stays: 1/8 of it from each cut edge (an edge at the text's end does not count). */
  keepStart: number;
  keepEnd: number;
}

/** Whether the window is not the whole text. */
export function isCut(w: CursorWindow): boolean {
  return w.count < w.total;
}

/** Whether the window shown can stay with the cursor at `cursor` (characters of the same text). */
export function keepsWindow(w: CursorWindow, cursor: number): boolean {
  return cursor >= w.keepStart && cursor <= w.keepEnd;
}

/** The index of the token at `cursor`: the one that holds it, else the next one, else the last. */
export function tokenAtCursor(tokens: ReadonlyArray<TokenChars>, cursor: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].end > cursor) hi = mid;
    else lo = mid + 1;
  }
  return Math.min(lo, tokens.length - 1);
}

/**
 * The window of `tokens` (the text's, in order; `textLength` characters) around `cursor`: the
 * whole text when it has at most `limit` tokens, else `limit` tokens centred on the cursor's.
 */
export function cursorWindow(tokens: ReadonlyArray<TokenChars>, textLength: number, cursor: number, limit: number): CursorWindow {
  const total = tokens.length;
  const size = Math.max(1, Math.floor(limit));
  if (total <= size) return { first: 0, count: total, total, start: 0, end: textLength, keepStart: 0, keepEnd: textLength };
  const at = tokenAtCursor(tokens, Math.max(0, Math.min(cursor, textLength)));
  const first = Math.max(0, Math.min(at - Math.floor(size / 2), total - size));
  const last = first + size - 1;
  const margin = Math.floor(size / 8);
  return {
    first,
    count: size,
    total,
    start: first === 0 ? 0 : tokens[first].start,
    end: last === total - 1 ? textLength : tokens[last].end,
    keepStart: first === 0 ? 0 : tokens[first + margin].start,
    keepEnd: last === total - 1 ? textLength : tokens[last - margin].end,
  };
}

/** The tokens a model reads of a text, its special tokens left out ([CLS] and [SEP] for BERT-like models, none for GPT-2), and at most `max`. */
export function contentLimit(model: { family: string; contextLength: number }, max = Number.POSITIVE_INFINITY): number {
  return Math.min(model.contextLength, max) - (model.family === 'gpt2' ? 0 : 2);
}

/**
 * The window of `text` around `cursor` that `encode` (the model's tokenizer, without special
 * tokens) reads in at most `limit` tokens: `cursorWindow` on the text's tokens, narrowed when the
 * window's text alone tokenizes into a few more tokens at its edges. `text` is the window's text.
 */
export function fitWindow(encode: (text: string) => ReadonlyArray<TokenChars>, text: string, cursor: number, limit: number): { window: CursorWindow; text: string } {
  const tokens = encode(text);
  let window = cursorWindow(tokens, text.length, cursor, limit);
  if (!isCut(window)) return { window, text };
  let shown = text.slice(window.start, window.end);
  for (let size = window.count, again = 0; again < 8; again++) {
    const excess = encode(shown).length - limit;
    if (excess <= 0) break;
    size -= excess;
    window = cursorWindow(tokens, text.length, cursor, size);
    shown = text.slice(window.start, window.end);
  }
  return { window, text: shown };
}

/** 1-based lines of the window's first and last characters, the text's first character on `firstLine` (1-based). */
export function windowLines(text: string, w: Pick<CursorWindow, 'start' | 'end'>, firstLine: number): { fromLine: number; toLine: number } {
  let line = firstLine;
  let fromLine = firstLine;
  const last = Math.max(w.start, w.end - 1);
  for (let i = 0; i < last && i < text.length; i++) {
    if (i === w.start) fromLine = line;
    if (text.charCodeAt(i) === 10) line++;
  }
  if (w.start >= last) fromLine = line;
  return { fromLine, toLine: line };
}

/** The characters [start, start + max) of a text of `length` characters that hold `cursor` well inside (webviews/attentionSource.ts): 0, or a multiple of a quarter of `max` (the same for nearby cursors), the cursor at most 5/8 of `max` from it. */
export function clipAround(length: number, cursor: number, max: number): number {
  if (length <= max) return 0;
  const step = Math.max(1, Math.floor(max / 4));
  const start = Math.round((cursor - max / 2) / step) * step;
  return Math.max(0, Math.min(start, length - max));
}
