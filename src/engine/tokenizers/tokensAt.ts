/**
 * What the hover shows: the word under the cursor and the tokens of the whole line that overlap it.
 * The line is encoded as a whole (tokens depend on their context, e.g. GPT-2's leading space), and
 * the last few lines' encodings are kept per tokenizer, so moving along a line costs no re-encoding.
 * A very long line (minified code) is encoded from whitespace to whitespace around the cursor,
 * WINDOW characters each side: context that far away does not change the tokens under the cursor.
 */
import type { TextTokenizer } from './textTokenizer';
import type { Encoding, TokenSpan } from './types';

const WORD_CHAR = /[\p{L}\p{M}\p{N}_]/u;
const SPACE_CHAR = /\s/u;
const CACHED_LINES = 32;
const WINDOW = 2000;

const encodings = new WeakMap<TextTokenizer, Map<string, Encoding>>();

function encodeLine(tok: TextTokenizer, line: string): Encoding {
  let lines = encodings.get(tok);
  if (!lines) {
    lines = new Map();
    encodings.set(tok, lines);
  }
  const hit = lines.get(line);
  if (hit) {
    lines.delete(line);
    lines.set(line, hit);
    return hit;
  }
  const encoding = tok.encode(line);
  lines.set(line, encoding);
  if (lines.size > CACHED_LINES) lines.delete(lines.keys().next().value as string);
  return encoding;
}

type CharKind = 'word' | 'symbol' | 'space';

function kindAt(line: string, i: number): CharKind | undefined {
  if (i < 0 || i >= line.length) return undefined;
  const c = line.codePointAt(i) as number;
  const ch = String.fromCodePoint(c);
  return WORD_CHAR.test(ch) ? 'word' : SPACE_CHAR.test(ch) ? 'space' : 'symbol';
}

function charStart(line: string, i: number): number {
  const c = line.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff && i > 0 && line.charCodeAt(i - 1) >= 0xd800 && line.charCodeAt(i - 1) <= 0xdbff ? i - 1 : i;
}

/**
 * The word around `offset`: letters/digits/marks (or else a run of symbols such as `->`), taking
 * the character at the cursor, or the one just before it when the cursor ends a word.
 */
export function wordAt(line: string, offset: number): { start: number; end: number } | undefined {
  if (!Number.isInteger(offset) || offset < 0 || offset > line.length) return undefined;
  let at = offset < line.length ? charStart(line, offset) : -1;
  let kind = at >= 0 ? kindAt(line, at) : undefined;
  if (kind !== 'word' && offset > 0) {
    const before = charStart(line, offset - 1);
    if (kindAt(line, before) === 'word' || kind === undefined || kind === 'space') {
      at = before;
      kind = kindAt(line, before);
    }
  }
  if (kind === undefined || kind === 'space') return undefined;
  let start = at;
  while (start > 0) {
    const prev = charStart(line, start - 1);
    if (kindAt(line, prev) !== kind) break;
    start = prev;
  }
  let end = at;
  while (end < line.length && kindAt(line, end) === kind) end += (line.codePointAt(end) as number) > 0xffff ? 2 : 1;
  return { start, end };
}

/** A cut position near `at`: just after a whitespace character within 200 units, else `at`. */
function cutNear(line: string, at: number): number {
  for (let i = at; i > Math.max(0, at - 200); i--) if (SPACE_CHAR.test(line[i - 1])) return i;
  return charStart(line, at);
}

/** The word at `offset` in `line` and the tokens (from encoding the whole line) that overlap it. */
export function tokensAt(
  tok: TextTokenizer,
  line: string,
  offset: number,
): { word: { start: number; end: number }; tokens: TokenSpan[] } | undefined {
  const word = wordAt(line, offset);
  if (!word) return undefined;
  const from = line.length > 2 * WINDOW && word.start > WINDOW ? cutNear(line, word.start - WINDOW) : 0;
  const to = line.length > 2 * WINDOW && word.end + WINDOW < line.length ? cutNear(line, word.end + WINDOW) : line.length;
  const tokens = encodeLine(tok, from === 0 && to === line.length ? line : line.slice(from, to))
    .tokens.filter((t) => t.end > t.start && t.start + from < word.end && t.end + from > word.start)
    .map((t) => ({ ...t, start: t.start + from, end: t.end + from }));
  return { word, tokens };
}
