/**
 * GPT-2's byte level: text is cut by a regex, then every UTF-8 byte becomes one printable
 * character (`bytes_to_unicode`: printable Latin-1 bytes map to themselves, the other 68 to
 * U+0100…, so a space is `Ġ` and a newline `Ċ`). Each byte character keeps the alignment of the
 * character it came from, so a token holding part of `é` or `😀` spans that whole character.
 */
import { AlignedBuilder, NormalizedString } from './normalizedString';
import { LETTER_CLASS, NUMBER_CLASS } from './unicodeClasses';

/** byte → its printable stand-in. */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const table = new Array<string>(256);
  let next = 256;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
    table[b] = String.fromCharCode(printable ? b : next++);
  }
  return table;
})();

/** stand-in char code → byte, or -1. */
const CHAR_TO_BYTE: Int16Array = (() => {
  const table = new Int16Array(324).fill(-1);
  BYTE_TO_CHAR.forEach((c, b) => (table[c.charCodeAt(0)] = b));
  return table;
})();

/** The bytes of a byte-level string, or undefined if it holds a character outside the alphabet. */
export function byteLevelToBytes(s: string): Uint8Array | undefined {
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    if (b < 0) return undefined;
    bytes[i] = b;
  }
  return bytes;
}

const S = '\\p{White_Space}';
/**
 * GPT-2's pre-tokenization regex, with Oniguruma's classes as the reference sees them:
 * `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
 */
export const GPT2_PATTERN_SOURCE =
  `'s|'t|'re|'ve|'m|'ll|'d| ?${LETTER_CLASS}+| ?${NUMBER_CLASS}+| ?[^${S}${LETTER_CLASS}${NUMBER_CLASS}]+|${S}+(?!\\P{White_Space})|${S}+`;

export function gpt2Regex(): RegExp {
  return new RegExp(GPT2_PATTERN_SOURCE, 'gv');
}

const NON_ASCII = /[^\0-\x7f]/;
const ASCII_TO_REPLACE = /[\0- \x7f]/;
const ASCII_TO_REPLACE_G = /[\0- \x7f]/g;

/** UTF-8 byte characters of `ns` (lone surrogates count as U+FFFD, as in a Rust string). */
export function toByteLevel(ns: NormalizedString): NormalizedString {
  const text = ns.text;
  // The common GPT-2 word, printable ASCII with maybe one leading space (` the`).
  let plain = text.length > 0;
  for (let i = text.charCodeAt(0) === 32 ? 1 : 0; i < text.length && plain; i++) {
    const c = text.charCodeAt(i);
    plain = c > 32 && c < 127;
  }
  if (plain) {
    return text.charCodeAt(0) === 32 ? new NormalizedString(`Ġ${text.slice(1)}`, ns.starts, ns.ends, ns.off, ns.shift) : ns;
  }
  // ASCII maps one unit to one byte character: same alignments, only spaces/controls change.
  if (!NON_ASCII.test(text)) {
    const mapped = ASCII_TO_REPLACE.test(text) ? text.replace(ASCII_TO_REPLACE_G, (c) => BYTE_TO_CHAR[c.charCodeAt(0)]) : text;
    return mapped === text ? ns : new NormalizedString(mapped, ns.starts, ns.ends, ns.off, ns.shift);
  }
  const out = new AlignedBuilder(text.length * 2, ns.shift);
  for (let i = 0; i < text.length; ) {
    let cp = text.codePointAt(i) as number;
    const width = cp > 0xffff ? 2 : 1;
    const start = ns.startAt(i);
    const end = ns.endAt(i);
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) out.pushString(BYTE_TO_CHAR[cp], start, end);
    else if (cp < 0x800) {
      out.pushString(BYTE_TO_CHAR[0xc0 | (cp >> 6)] + BYTE_TO_CHAR[0x80 | (cp & 63)], start, end);
    } else if (cp < 0x10000) {
      out.pushString(
        BYTE_TO_CHAR[0xe0 | (cp >> 12)] + BYTE_TO_CHAR[0x80 | ((cp >> 6) & 63)] + BYTE_TO_CHAR[0x80 | (cp & 63)],
        start,
        end,
      );
    } else {
      out.pushString(
        BYTE_TO_CHAR[0xf0 | (cp >> 18)] +
          BYTE_TO_CHAR[0x80 | ((cp >> 12) & 63)] +
          BYTE_TO_CHAR[0x80 | ((cp >> 6) & 63)] +
          BYTE_TO_CHAR[0x80 | (cp & 63)],
        start,
        end,
      );
    }
    i += width;
  }
  return out.build();
}
