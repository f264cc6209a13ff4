/**
 * tokenizer.json normalizers, applied with alignments (Rust tokenizers' semantics: which original
 * character every normalized one came from). BERT's is done in single passes, without per-character
 * objects, because it runs on every keystroke of the hover and status bar.
 */
import { AlignedBuilder, NormalizedString, forEachCodePoint } from './normalizedString';
import { normalizeUnicode } from './unicodeNormalize';
import { isBertRemovedControl, isChineseChar, isCombiningMark, isNonspacingMark, isWhitespace } from './unicodeClasses';
import { compilePattern } from './patterns';
import { TokenizerError, unsupported } from './errors';
import { arrayField, childPath, boolField, deeper, fieldError, objectAt, optionalBoolField, stringField, typeOf, type Json } from './jsonFields';
import { forEachMatch, type Matcher } from './matcher';
import { PrecompiledCharsmap, precompiledNormalizer } from './precompiledCharsmap';

export type Normalizer = (ns: NormalizedString) => NormalizedString;

/** A component's tokenizer.json object (its fields are checked where they are read). */
export interface NormalizerConfig {
  type: string;
  [key: string]: unknown;
}

export const SUPPORTED_NORMALIZERS = [
  'BertNormalizer', 'NFC', 'NFD', 'NFKC', 'NFKD', 'Lowercase', 'StripAccents', 'Strip', 'Replace', 'Prepend', 'Precompiled', 'Sequence',
] as const;

/**
 * How much longer a normalizer may make a text: 32 times, plus a few thousand characters for short
 * texts. Real normalizers stay far below (BERT's spaces around CJK characters triple them, NFKD's
 * longest expansion is 18 characters); a Replace of "aa" by a 1,000-character content would turn a
 * 5,000-character line into 2.5 million characters for the model to cut, seconds of work from a
 * few kilobytes.
 */
export const MAX_NORMALIZED_GROWTH = 32;
const GROWTH_SLACK = 4096;

/** `normalizer`, refusing (TokenizerError) a text it makes more than MAX_NORMALIZED_GROWTH times longer. */
export function withBoundedGrowth(normalizer: Normalizer | null): Normalizer | null {
  if (!normalizer) return null;
  return (ns) => {
    const out = normalizer(ns);
    if (out.length > MAX_NORMALIZED_GROWTH * ns.length + GROWTH_SLACK) {
      throw new TokenizerError(
        `normalizer: makes a text of ${ns.length} characters ${out.length} characters long, more than ${MAX_NORMALIZED_GROWTH} times longer, which this engine does not run`,
      );
    }
    return out;
  };
}

/**
 * The normalizer of a tokenizer.json `normalizer` object (null: none). `path` names it in the
 * file for errors (`normalizer.normalizers[2]`); `depth` counts the Sequences around it.
 */
export function createNormalizer(config: unknown, path = 'normalizer', depth = 0): Normalizer | null {
  if (config === null || config === undefined) return null;
  const c = objectAt(config, path);
  const type = typeOf(c, path);
  switch (type) {
    case 'BertNormalizer':
      return bertNormalizer(c, path);
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD':
      return (ns) => normalizeUnicode(ns, type);
    case 'Lowercase':
      return lowercase;
    case 'StripAccents':
      return (ns) => ns.filter((cp) => !isCombiningMark(cp));
    case 'Strip': {
      const left = boolField(c, 'strip_left', path, true);
      const right = boolField(c, 'strip_right', path, true);
      return (ns) => strip(ns, left, right);
    }
    case 'Replace': {
      const matcher = compilePattern(c.pattern, `${path}.pattern`);
      const content = stringField(c, 'content', path, '');
      return (ns) => replaceMatches(ns, matcher, content);
    }
    case 'Prepend': {
      const prefix = stringField(c, 'prepend', path, '');
      return (ns) => (ns.length === 0 ? ns : prepend(ns, prefix));
    }
    case 'Precompiled': {
      const charsmap = c.precompiled_charsmap;
      if (typeof charsmap !== 'string') throw fieldError(`${path}.precompiled_charsmap`, 'a base64 string', charsmap);
      return precompiledNormalizer(PrecompiledCharsmap.fromBase64(charsmap, `${path}.precompiled_charsmap`));
    }
    case 'Sequence': {
      const inner = deeper(depth, path);
      const steps = arrayField(c, 'normalizers', path).map((child, i) => {
        const at = childPath(path, 'normalizers', i);
        return createNormalizer(objectAt(child, at), at, inner);
      });
      return (ns) => steps.reduce((acc, step) => (step ? step(acc) : acc), ns);
    }
    default:
      throw unsupported('normalizer', type, SUPPORTED_NORMALIZERS, path);
  }
}

function bertNormalizer(config: Json, path: string): Normalizer {
  const cleanText = boolField(config, 'clean_text', path, true);
  const chinese = boolField(config, 'handle_chinese_chars', path, true);
  const lower = boolField(config, 'lowercase', path, true);
  const stripAccents = optionalBoolField(config, 'strip_accents', path) ?? lower;
  return (ns) => {
    let out = ns;
    if (cleanText || chinese) out = cleanAndPad(out, cleanText, chinese);
    if (stripAccents) out = normalizeUnicode(out, 'NFD').filter((cp) => !isNonspacingMark(cp));
    if (lower) out = lowercase(out);
    return out;
  };
}

/**
 * clean_text (drop controls, whitespace → ' ') and handle_chinese_chars (' ' c ' '), one pass;
 * runs of untouched characters are copied in bulk, and an untouched string is returned as-is.
 */
function cleanAndPad(ns: NormalizedString, clean: boolean, chinese: boolean): NormalizedString {
  const text = ns.text;
  let out: AlignedBuilder | undefined;
  let run = 0;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) as number;
    const width = cp > 0xffff ? 2 : 1;
    const plain = cp >= 0x21 && cp < 0x7f;
    const removed = !plain && clean && isBertRemovedControl(cp);
    const spaced = !plain && !removed && clean && cp !== 32 && isWhitespace(cp);
    const padded = !plain && !removed && !spaced && chinese && isChineseChar(cp);
    if (removed || spaced || padded) {
      out ??= new AlignedBuilder(text.length + 8, ns.shift);
      out.pushUnits(ns, run, i - run);
      run = i + width;
      if (spaced) out.pushString(' ', ns.startAt(i), ns.endAt(i));
      else if (padded) {
        // Rust: (' ', 0), (c, 1), (' ', 1) — all three aligned to c.
        out.pushString(' ', ns.startAt(i), ns.endAt(i));
        out.pushUnits(ns, i, width);
        out.pushString(' ', ns.startAt(i), ns.endAt(i));
      }
    }
    i += width;
  }
  if (!out) return ns;
  out.pushUnits(ns, run, text.length - run);
  return out.build();
}

const lowerMemo = new Map<number, string>();

/**
 * Rust `char::to_lowercase` per character: no context rules (Σ is always σ), 1 → n chars.
 * String.toLowerCase agrees except for the final sigma, so it is used when no character grows.
 */
export function lowercase(ns: NormalizedString): NormalizedString {
  const text = ns.text;
  let lowered = text.toLowerCase();
  if (lowered === text) return ns;
  if (lowered.length === text.length) {
    if (lowered.includes('ς')) lowered = lowered.replace(/ς/g, (c, at: number) => (text[at] === 'Σ' ? 'σ' : c));
    return new NormalizedString(lowered, ns.starts, ns.ends, ns.off, ns.shift);
  }
  const out = new AlignedBuilder(text.length + 8, ns.shift);
  forEachCodePoint(text, (cp, i, width) => {
    let lc = lowerMemo.get(cp);
    if (lc === undefined) {
      lc = String.fromCodePoint(cp).toLowerCase();
      lowerMemo.set(cp, lc);
    }
    if (lc.length === width) out.pushString(lc, ns.startAt(i), ns.endAt(i + width - 1));
    else out.pushString(lc, ns.startAt(i), ns.endAt(i));
  });
  return out.build();
}

/** Rust `lrstrip`: whitespace removed at either end; kept characters keep their alignment. */
export function strip(ns: NormalizedString, left: boolean, right: boolean): NormalizedString {
  let a = 0;
  let b = ns.length;
  if (left) while (a < b && isWhitespace(ns.text.codePointAt(a) as number)) a += (ns.text.codePointAt(a) as number) > 0xffff ? 2 : 1;
  if (right) {
    while (b > a) {
      const low = ns.text.charCodeAt(b - 1);
      const w = low >= 0xdc00 && low <= 0xdfff && b - 2 >= a ? 2 : 1;
      if (!isWhitespace(ns.text.codePointAt(b - w) as number)) break;
      b -= w;
    }
  }
  return a === 0 && b === ns.length ? ns : ns.slice(a, b);
}

/** Rust `prepend`: every prepended character is aligned to the first character. */
export function prepend(ns: NormalizedString, s: string): NormalizedString {
  if (ns.length === 0 || s.length === 0) return ns;
  const out = new AlignedBuilder(ns.length + s.length, ns.shift);
  out.pushString(s, ns.startAt(0), ns.endAt(0));
  out.pushUnits(ns, 0, ns.length);
  return out.build();
}

/**
 * Rust `replace`: each match is removed and `content` inserted, aligned to the last removed
 * character (or, for an empty match, to the character before it). Matches are walked as Rust
 * walks them (forEachMatch), so an empty match moves on by a whole code point — `x*` on `a😀`
 * gives `_a_😀_`, and never loops.
 */
export function replaceMatches(ns: NormalizedString, matcher: Matcher, content: string): NormalizedString {
  let out: AlignedBuilder | undefined;
  let prev = 0;
  let lastStart = ns.shift;
  let lastEnd = ns.shift;
  forEachMatch(matcher, ns.text, (start, end) => {
    out ??= new AlignedBuilder(ns.length + 8, ns.shift);
    if (start > prev) {
      out.pushUnits(ns, prev, start - prev);
      lastStart = ns.startAt(start - 1);
      lastEnd = ns.endAt(start - 1);
    }
    if (end > start) {
      lastStart = ns.startAt(end - 1);
      lastEnd = ns.endAt(end - 1);
    }
    if (content.length > 0) out.pushString(content, lastStart, lastEnd);
    prev = end;
  });
  if (!out) return ns;
  if (prev < ns.length) out.pushUnits(ns, prev, ns.length - prev);
  return out.build();
}
