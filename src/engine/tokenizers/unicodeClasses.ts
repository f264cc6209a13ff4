/**
 * Character classes exactly as the Rust reference sees them: this runtime's Unicode properties,
 * corrected by the reference's older tables (see unicodeReferenceTables.ts).
 */
import { REFERENCE_UNICODE_DIFFERENCES as DIFF } from './unicodeReferenceTables';

/** Whether `cp` lies in one of the flattened inclusive ranges `[from, to, from, to, …]`. */
export function inRanges(cp: number, ranges: readonly number[]): boolean {
  let lo = 0;
  let hi = ranges.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < ranges[2 * mid]) hi = mid - 1;
    else if (cp > ranges[2 * mid + 1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/** The ranges as the inside of a `v`-flag character class: `\u{61d}-\u{61d}…`. */
export function rangesAsClass(ranges: readonly number[]): string {
  let out = '';
  for (let i = 0; i < ranges.length; i += 2) {
    out += `\\u{${ranges[i].toString(16)}}-\\u{${ranges[i + 1].toString(16)}}`;
  }
  return out;
}

const WHITESPACE = 1;
const CONTROL = 2;
const NONSPACING_MARK = 4;
const PUNCTUATION = 8;
const NUMERIC = 16;
const MARK = 32;
const KNOWN = 128;

/** Lazily filled: bit flags per code point, computed once from the runtime's regex properties. */
const flags = new Uint8Array(0x110000);
const reWhite = /\p{White_Space}/u;
const reControl = /[\p{Cc}\p{Cf}\p{Co}]/u;
const reMn = /\p{Mn}/u;
const rePunct = /[\p{P}!-/:-@[-`{-~]/u;
const reNumeric = /\p{N}/u;
const reMark = /\p{M}/u;

function classify(cp: number): number {
  const ch = String.fromCodePoint(cp);
  let f = KNOWN;
  if (reWhite.test(ch)) f |= WHITESPACE;
  const control =
    cp === 0 || cp === 0xfffd || (reControl.test(ch) && cp !== 9 && cp !== 10 && cp !== 13 && !inRanges(cp, DIFF.controlNotInReference));
  if (control) f |= CONTROL;
  if ((reMn.test(ch) && !inRanges(cp, DIFF.mnNotInReference)) || inRanges(cp, DIFF.mnOnlyInReference)) f |= NONSPACING_MARK;
  if ((rePunct.test(ch) && !inRanges(cp, DIFF.punctNotInReference)) || inRanges(cp, DIFF.punctOnlyInReference)) f |= PUNCTUATION;
  if (reNumeric.test(ch)) f |= NUMERIC;
  if ((reMark.test(ch) && !inRanges(cp, DIFF.markNotInReference)) || inRanges(cp, DIFF.markOnlyInReference)) f |= MARK;
  flags[cp] = f;
  return f;
}

function flagsOf(cp: number): number {
  const f = flags[cp];
  return f === 0 ? classify(cp) : f;
}

/** Rust `char::is_whitespace` (Unicode White_Space; BERT's `\t\n\r` are in it). */
export function isWhitespace(cp: number): boolean {
  if (cp < 0x80) return cp === 32 || (cp >= 9 && cp <= 13);
  return (flagsOf(cp) & WHITESPACE) !== 0;
}

/** BertNormalizer clean_text: characters removed (NUL, U+FFFD, Cc/Cf/Co except `\t\n\r`). */
export function isBertRemovedControl(cp: number): boolean {
  if (cp < 0x80) return cp < 32 ? cp !== 9 && cp !== 10 && cp !== 13 : cp === 0x7f;
  return (flagsOf(cp) & CONTROL) !== 0;
}

/** General_Category Mn, as the reference's strip_accents sees it. */
export function isNonspacingMark(cp: number): boolean {
  if (cp < 0x300) return false;
  return (flagsOf(cp) & NONSPACING_MARK) !== 0;
}

/** Combining mark (Mn, Mc, Me): what the StripAccents normalizer removes. */
export function isCombiningMark(cp: number): boolean {
  if (cp < 0x300) return false;
  return (flagsOf(cp) & MARK) !== 0;
}

/** BERT punctuation: ASCII punctuation or General_Category P*. */
export function isBertPunctuation(cp: number): boolean {
  if (cp < 0x80) return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126);
  return (flagsOf(cp) & PUNCTUATION) !== 0;
}

/** Rust `char::is_numeric` (Nd, Nl, No). */
export function isNumeric(cp: number): boolean {
  if (cp < 0x80) return cp >= 48 && cp <= 57;
  return (flagsOf(cp) & NUMERIC) !== 0;
}

/** BERT's "Chinese character" blocks (CJK ideographs), padded with spaces by handle_chinese_chars. */
export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** Regex class (for a `v`-flag RegExp) of letters as the reference's Oniguruma sees `\p{L}`. */
export const LETTER_CLASS = `[\\p{L}--[${rangesAsClass(DIFF.letterNotInReference)}]]`;
/** Regex class of numbers as the reference's Oniguruma sees `\p{N}`. */
export const NUMBER_CLASS = `[\\p{N}--[${rangesAsClass(DIFF.numberNotInReference)}]]`;
/** Regex class of Oniguruma's Unicode `\w` (Alphabetic, marks, decimal digits, connectors, joiners). */
export const WORD_CLASS = `[[\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}]--[${rangesAsClass(DIFF.wordNotInReference)}]]`;

/** Whether the reference leaves `cp` undecomposed although this runtime decomposes it. */
export function keepsUndecomposed(cp: number, compatibility: boolean): boolean {
  return inRanges(cp, compatibility ? DIFF.nfkdNotInReference : DIFF.nfdNotInReference);
}
