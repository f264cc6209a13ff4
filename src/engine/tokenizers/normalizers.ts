/**
 * tokenizer.json normalizers, applied with alignments (Rust tokenizers' semantics: which original
 * character every normalized one came from). BERT's is done in single passes, without per-character
 * objects, because it runs on every keystroke of the hover and status bar.
 */
import { AlignedBuilder, NormalizedString, forEachCodePoint } from './normalizedString';
import { normalizeUnicode } from './unicodeNormalize';
import { isBertRemovedControl, isChineseChar, isCombiningMark, isNonspacingMark, isWhitespace } from './unicodeClasses';
import { compilePattern, type PatternConfig } from './patterns';
import { TokenizerError, unsupported } from './errors';
import { PrecompiledCharsmap, precompiledNormalizer } from './precompiledCharsmap';

export type Normalizer = (ns: NormalizedString) => NormalizedString;

export interface NormalizerConfig {
  type: string;
  [key: string]: unknown;
}

export const SUPPORTED_NORMALIZERS = [
  'BertNormalizer', 'NFC', 'NFD', 'NFKC', 'NFKD', 'Lowercase', 'StripAccents', 'Strip', 'Replace', 'Prepend', 'Precompiled', 'Sequence',
] as const;

export function createNormalizer(config: NormalizerConfig | null | undefined): Normalizer | null {
  if (!config) return null;
  switch (config.type) {
    case 'BertNormalizer':
      return bertNormalizer(config);
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD': {
      const form = config.type;
      return (ns) => normalizeUnicode(ns, form);
    }
    case 'Lowercase':
      return lowercase;
    case 'StripAccents':
      return (ns) => ns.filter((cp) => !isCombiningMark(cp));
    case 'Strip':
      return (ns) => strip(ns, config.strip_left !== false, config.strip_right !== false);
    case 'Replace':
      return replaceNormalizer(config.pattern as PatternConfig, String(config.content ?? ''));
    case 'Prepend':
      return (ns) => (ns.length === 0 ? ns : prepend(ns, String(config.prepend ?? '')));
    case 'Precompiled': {
      if (typeof config.precompiled_charsmap !== 'string') throw new TokenizerError('Precompiled: no "precompiled_charsmap" (base64)');
      return precompiledNormalizer(PrecompiledCharsmap.fromBase64(config.precompiled_charsmap));
    }
    case 'Sequence': {
      const steps = ((config.normalizers as NormalizerConfig[] | undefined) ?? []).map(createNormalizer);
      return (ns) => steps.reduce((acc, step) => (step ? step(acc) : acc), ns);
    }
    default:
      throw unsupported('normalizer', config.type, SUPPORTED_NORMALIZERS);
  }
}

function bertNormalizer(config: NormalizerConfig): Normalizer {
  const cleanText = config.clean_text !== false;
  const chinese = config.handle_chinese_chars !== false;
  const lower = config.lowercase !== false;
  const stripAccents = config.strip_accents === null || config.strip_accents === undefined ? lower : config.strip_accents === true;
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
 * character (or, for an empty match, to the character before it).
 */
export function replaceMatches(ns: NormalizedString, regex: RegExp, content: string): NormalizedString {
  regex.lastIndex = 0;
  let m = regex.exec(ns.text);
  if (!m) return ns;
  const out = new AlignedBuilder(ns.length + 8, ns.shift);
  let prev = 0;
  let lastStart = ns.shift;
  let lastEnd = ns.shift;
  while (m) {
    const start = m.index;
    const end = start + m[0].length;
    if (start > prev) out.pushUnits(ns, prev, start - prev);
    if (start > prev) {
      lastStart = ns.startAt(start - 1);
      lastEnd = ns.endAt(start - 1);
    }
    if (end > start) {
      lastStart = ns.startAt(end - 1);
      lastEnd = ns.endAt(end - 1);
    }
    if (content.length > 0) out.pushString(content, lastStart, lastEnd);
    prev = end;
    if (end === start) regex.lastIndex = end + 1;
    m = regex.exec(ns.text);
  }
  if (prev < ns.length) out.pushUnits(ns, prev, ns.length - prev);
  return out.build();
}

function replaceNormalizer(pattern: PatternConfig, content: string): Normalizer {
  const regex = compilePattern(pattern);
  return (ns) => replaceMatches(ns, regex, content);
}
