/**
 * Pieces of user-facing error messages built from what a user or a repository gave us (a file's
 * JSON, a tensor name, a setting). Every user error is one line of bounded length, so a hostile
 * file cannot flood a notification or a terminal, cut a message with a newline, or overflow the
 * stack while its error is being written.
 *
 *   quoteValue({ a: [1, [2, [3]]] })     → '{"a":[1,[2,[…]]]}'
 *   quoteValue('x'.repeat(500))          → '"xxxx…" (500 characters)'
 *   quoteValue('a\nb')                   → '"a\\nb"'
 */

/** Longest quoted value, in characters, before it is cut. */
export const MAX_QUOTED_CHARS = 80;

/** Longest user error message, in characters (paths included). */
export const MAX_MESSAGE_CHARS = 600;

/** Nesting shown before a value is abbreviated to `[…]` / `{…}`. */
const MAX_DEPTH = 3;

/** Array items / object keys shown before `…`. */
const MAX_ITEMS = 8;

function compact(value: unknown, depth: number): string {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > MAX_QUOTED_CHARS ? value.slice(0, MAX_QUOTED_CHARS) : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH) return value.length === 0 ? '[]' : '[…]';
    const items = value.slice(0, MAX_ITEMS).map((v) => compact(v, depth + 1));
    if (value.length > MAX_ITEMS) items.push('…');
    return `[${items.join(',')}]`;
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value as object);
    if (depth >= MAX_DEPTH) return keys.length === 0 ? '{}' : '{…}';
    const items = keys.slice(0, MAX_ITEMS).map((k) => `${compact(k, MAX_DEPTH)}:${compact((value as Record<string, unknown>)[k], depth + 1)}`);
    if (keys.length > MAX_ITEMS) items.push('…');
    return `{${items.join(',')}}`;
  }
  return typeof value;
}

/**
 * A JSON-like rendering of an untrusted value for an error message: nesting, item count and
 * length bounded (never recursive beyond MAX_DEPTH), on one line, cut with `…`.
 */
export function quoteValue(value: unknown, maxChars = MAX_QUOTED_CHARS): string {
  const text = compact(value, 0);
  if (text.length <= maxChars) {
    if (typeof value === 'string' && value.length > MAX_QUOTED_CHARS) return `${text.slice(0, -1)}…" (${value.length} characters)`;
    return text;
  }
  const cut = `${text.slice(0, maxChars)}…`;
  return typeof value === 'string' ? `${cut} (${value.length} characters)` : cut;
}

/** A message as one line: line breaks and other control characters shown as spaces, at most `maxChars`. */
export function oneLine(message: string, maxChars = MAX_MESSAGE_CHARS): string {
  // eslint-disable-next-line no-control-regex
  const flat = message.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
  return flat.length <= maxChars ? flat : `${flat.slice(0, maxChars - 1)}…`;
}
