/**
 * Pure text helpers of the prediction commands: the masks a text holds, the word at an offset,
 * the paragraph around it, and how predicted pieces are written back into the text.
 */

/** `[MASK]` and `<mask>` in any case: the spellings the user may type for any model. */
const MASK_PATTERN = /\[mask\]|<mask>/gi;

export interface TextRange {
  start: number;
  end: number;
}

export function findMasks(text: string): TextRange[] {
  return [...text.matchAll(MASK_PATTERN)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

const WORD_CHAR = /[\p{L}\p{N}\p{M}_'’-]/u;

/** The word at (or just before) `offset`, or undefined when there is none. */
export function wordAt(text: string, offset: number): TextRange | undefined {
  let at = Math.max(0, Math.min(offset, text.length));
  if ((at === text.length || !WORD_CHAR.test(text[at])) && at > 0 && WORD_CHAR.test(text[at - 1])) at--;
  if (at >= text.length || !WORD_CHAR.test(text[at])) return undefined;
  let start = at;
  let end = at + 1;
  while (start > 0 && WORD_CHAR.test(text[start - 1])) start--;
  while (end < text.length && WORD_CHAR.test(text[end])) end++;
  // Apostrophes and hyphens at the edges belong to the punctuation, not the word.
  while (start < end && /['’-]/.test(text[start])) start++;
  while (end > start && /['’-]/.test(text[end - 1])) end--;
  return start < end ? { start, end } : undefined;
}

/** `range` of `text` without the white space at its ends. */
export function trimRange(text: string, range: TextRange): TextRange {
  let { start, end } = range;
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return { start, end };
}

/**
 * The paragraph holding [start, end): up to the blank lines around it, at most `maxChars` on each
 * side of the range (cut at a space when possible).
 */
export function paragraphAround(text: string, start: number, end: number, maxChars = 1500): TextRange {
  const before = text.lastIndexOf('\n\n', Math.max(0, start - 1));
  const after = text.indexOf('\n\n', end);
  let from = before < 0 ? 0 : before + 2;
  let to = after < 0 ? text.length : after;
  if (start - from > maxChars) {
    from = start - maxChars;
    const space = text.indexOf(' ', from);
    if (space >= 0 && space < start) from = space + 1;
  }
  if (to - end > maxChars) {
    to = end + maxChars;
    const space = text.lastIndexOf(' ', to);
    if (space > end) to = space;
  }
  return { start: from, end: to };
}

/**
 * The text of predicted pieces written in place of a word. WordPiece (`wordPiece` true):
 * continuations (`##s`) glue to the piece before, other pieces are words of their own. Byte-level
 * BPE / SentencePiece: a piece carries its own leading space (`Ġmange` → ` mange`), others glue.
 * The first piece never starts with a space (the word's own spacing stays in the document).
 */
export function joinPieces(pieces: ReadonlyArray<{ token: string; text: string }>, wordPiece: boolean): string {
  let out = '';
  pieces.forEach((p, i) => {
    const glued = p.token.startsWith('##');
    let text = glued && p.text.startsWith('##') ? p.text.slice(2) : p.text;
    if (i === 0) text = text.trimStart();
    else if (wordPiece && !glued && !/^\s/.test(text)) text = ` ${text}`;
    out += text;
  });
  return out;
}

/** A piece written where a mask was: no extra space after a space (`chat <mask>` + ` mange`). */
export function pieceForMask(textBefore: string, piece: string): string {
  return textBefore === '' || /\s$/.test(textBefore) ? piece.trimStart() : piece;
}
