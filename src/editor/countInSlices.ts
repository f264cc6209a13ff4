/**
 * Counting the tokens of a long text without blocking the extension host: the text is encoded in
 * slices of about SLICE_CHARS characters, with a turn of the event loop between slices, so other
 * extensions and the editor run in between; a count no longer wanted stops at the next slice.
 *
 * A slice ends just before a whitespace character that has a non-space character on each side
 * ("abc| def", "abc|\ndef"): no pre-token of GPT-2's, BERT's or SentencePiece's pre-tokenizers
 * spans such a place, so the sum of the slices' counts is the count of the whole text. Only a run
 * of SLICE_CHARS characters without such a place (minified code, a line of 'aaaa…') is cut
 * anywhere, and the count can then differ by a token or two at the cut. Pure (no `vscode`).
 */

/** Characters encoded in one go: about a millisecond of prose, ~20 ms in the worst case measured (one long word, 5 µs a character). */
export const SLICE_CHARS = 4096;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
/** A whitespace character at `i` between two non-space characters. */
const safeCut = (text: string, i: number): boolean =>
  isSpace(text.charCodeAt(i)) && !isSpace(text.charCodeAt(i - 1)) && i + 1 < text.length && !isSpace(text.charCodeAt(i + 1));

/** Where the slice that starts at `start` ends. */
export function sliceEnd(text: string, start: number, sliceChars = SLICE_CHARS): number {
  const limit = start + sliceChars;
  if (limit >= text.length) return text.length;
  for (let i = limit; i > start + sliceChars / 4; i--) if (safeCut(text, i)) return i;
  // Never between the two halves of a surrogate pair.
  const c = text.charCodeAt(limit - 1);
  return c >= 0xd800 && c <= 0xdbff ? limit + 1 : limit;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The token count of `text`, encoded slice by slice (see above); undefined as soon as `stale()`
 * says the count is no longer wanted. A text of one slice is counted at once, without waiting.
 */
export async function countInSlices(text: string, count: (slice: string) => number, stale: () => boolean, sliceChars = SLICE_CHARS): Promise<number | undefined> {
  let total = 0;
  for (let start = 0; start < text.length; ) {
    const end = sliceEnd(text, start, sliceChars);
    total += count(text.slice(start, end));
    start = end;
    if (start < text.length) {
      await nextTurn();
      if (stale()) return undefined;
    }
  }
  return total;
}
