/**
 * Where a text stops being JSON, for the error of a file JSON.parse refused. V8's own message
 * quotes the text (`Unexpected token 'r', "root:x:0:0:"... is not valid JSON`), which would put
 * the first characters of any file a setting names into a notification; this scan gives the
 * line, the column and a reason instead, and never the content.
 *
 *   jsonSyntaxError('{\n  "a": 1,\n}')   → { line: 3, column: 1, reason: 'expected a property name' }
 *   jsonSyntaxError('{"a": 1}')          → undefined (valid)
 *
 * It is iterative (an explicit stack), so no nesting depth can overflow it.
 */

export interface JsonSyntaxError {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 units. */
  column: number;
  reason: string;
}

const VALUE = 0;
const FIRST_VALUE = 1;
const KEY = 2;
const FIRST_KEY = 3;
const COLON = 4;
const AFTER = 5;

const OBJECT = 1;
const ARRAY = 2;

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES = '"\\/bfnrtu';
const HEX4 = /^[0-9A-Fa-f]{4}$/;

function position(text: string, at: number, reason: string): JsonSyntaxError {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: at - lineStart + 1, reason };
}

/** The index after the string that starts at `at` (a `"`), or where and why it breaks. */
function stringEnd(text: string, at: number): number | { at: number; reason: string } {
  for (let i = at + 1; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 34) return i + 1;
    if (c < 0x20) return { at: i, reason: 'a control character in a string' };
    if (c === 92) {
      const e = text[i + 1];
      if (e === undefined || !ESCAPES.includes(e)) return { at: i, reason: 'an invalid escape in a string' };
      if (e === 'u' && !HEX4.test(text.slice(i + 2, i + 6))) return { at: i, reason: 'an invalid \\u escape in a string' };
      i += e === 'u' ? 6 : 2;
    } else i++;
  }
  return { at: text.length, reason: 'an unterminated string' };
}

/** The first syntax error of `text` as JSON, or undefined when it is valid. */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const stack: number[] = [];
  let state = VALUE;
  let i = 0;
  const fail = (reason: string, at = i): JsonSyntaxError => position(text, at, reason);
  for (;;) {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
    if (i >= text.length) return state === AFTER && stack.length === 0 ? undefined : fail('an unexpected end of the file');
    const c = text[i];
    if (state === AFTER) {
      const top = stack[stack.length - 1];
      if (top === undefined) return fail('more content after the JSON value');
      if (c === ',') state = top === OBJECT ? KEY : VALUE;
      else if ((top === OBJECT && c === '}') || (top === ARRAY && c === ']')) stack.pop();
      else return fail(`expected ',' or '${top === OBJECT ? '}' : ']'}'`);
      i++;
    } else if (state === COLON) {
      if (c !== ':') return fail("expected ':'");
      i++;
      state = VALUE;
    } else if (state === KEY || state === FIRST_KEY) {
      if (state === FIRST_KEY && c === '}') {
        stack.pop();
        i++;
        state = AFTER;
        continue;
      }
      if (c !== '"') return fail('expected a property name');
      const end = stringEnd(text, i);
      if (typeof end !== 'number') return fail(end.reason, end.at);
      i = end;
      state = COLON;
    } else {
      if (state === FIRST_VALUE && c === ']') {
        stack.pop();
        i++;
        state = AFTER;
        continue;
      }
      state = AFTER;
      if (c === '{' || c === '[') {
        stack.push(c === '{' ? OBJECT : ARRAY);
        state = c === '{' ? FIRST_KEY : FIRST_VALUE;
        i++;
      } else if (c === '"') {
        const end = stringEnd(text, i);
        if (typeof end !== 'number') return fail(end.reason, end.at);
        i = end;
      } else if (c === '-' || (c >= '0' && c <= '9')) {
        NUMBER.lastIndex = i;
        if (!NUMBER.test(text)) return fail('an invalid number');
        i = NUMBER.lastIndex;
      } else {
        const word = ['true', 'false', 'null'].find((w) => text.startsWith(w, i));
        if (!word) return fail(i === 0 && c === '\ufeff' ? 'a byte order mark' : 'an unexpected character');
        i += word.length;
      }
    }
  }
}
