/**
 * Added tokens (`<|endoftext|>`, `[MASK]`, …) are cut out of the text before the model runs, as in
 * Rust tokenizers' AddedVocabulary: first the tokens with `normalized: false` on the raw text, then
 * the others on the normalized remainder. Matching is leftmost-longest; `single_word`, `lstrip` and
 * `rstrip` behave as there (the stripped whitespace belongs to the added token).
 */
import { TokenizerError } from './errors';
import { NormalizedString } from './normalizedString';
import type { Normalizer } from './normalizers';

export interface AddedTokenConfig {
  id: number;
  content: string;
  single_word?: boolean;
  lstrip?: boolean;
  rstrip?: boolean;
  normalized?: boolean;
  special?: boolean;
}

/** A piece of the input: either text for the model, or one added token. */
export interface Segment {
  ns: NormalizedString;
  added?: AddedTokenConfig;
}

interface Matcher {
  regex: RegExp;
  byContent: Map<string, AddedTokenConfig>;
}

const WORD_CHAR = /^[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]$/u;
/** Every White_Space character is in the BMP: one UTF-16 unit each. */
const SPACE_UNIT = /^\p{White_Space}$/u;

/** Whether the code point that ends at `i` (or starts at `i`) is a word character, read without slicing the text. */
function wordBefore(text: string, i: number): boolean {
  const low = text.charCodeAt(i - 1);
  const pair = low >= 0xdc00 && low <= 0xdfff && i >= 2 && (text.charCodeAt(i - 2) & 0xfc00) === 0xd800;
  return WORD_CHAR.test(text.slice(pair ? i - 2 : i - 1, i));
}

function wordAt(text: string, i: number): boolean {
  return WORD_CHAR.test(String.fromCodePoint(text.codePointAt(i) as number));
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function buildMatcher(entries: Array<[string, AddedTokenConfig]>): Matcher | null {
  const byContent = new Map<string, AddedTokenConfig>();
  for (const [content, token] of entries) if (content.length > 0 && !byContent.has(content)) byContent.set(content, token);
  if (byContent.size === 0) return null;
  // Longest first: at the leftmost position, the first alternative that matches is the longest.
  const alternatives = [...byContent.keys()].sort((a, b) => b.length - a.length).map(escapeRegex);
  const regex = new RegExp(alternatives.join('|'), 'gu');
  try {
    // V8 compiles on first use, once per kind of subject (Latin-1, two-byte): "too large" shows then.
    regex.test(' ');
    regex.test('\u0100');
  } catch (e) {
    const chars = alternatives.reduce((n, a) => n + a.length, 0);
    throw new TokenizerError(`added_tokens: ${byContent.size} tokens of ${chars} characters in all are too many to match (${(e as Error).message.slice(-30)})`);
  }
  return { regex, byContent };
}

export class AddedVocabulary {
  private readonly raw: Matcher | null;
  private readonly normalizedMatcher: Matcher | null;

  constructor(
    tokens: readonly AddedTokenConfig[],
    private readonly normalizer: Normalizer | null,
  ) {
    const normalizedOf = (t: AddedTokenConfig): string =>
      normalizer ? normalizer(NormalizedString.fromOriginal(t.content)).text : t.content;
    // Rust's default: special tokens are not normalized, the others are.
    const isNormalized = (t: AddedTokenConfig): boolean => t.normalized ?? !t.special;
    this.raw = buildMatcher(tokens.filter((t) => !isNormalized(t)).map((t) => [t.content, t]));
    this.normalizedMatcher = buildMatcher(tokens.filter(isNormalized).map((t) => [normalizedOf(t), t]));
  }

  /** Cuts `text` into model text (normalized) and added tokens, in order; empty pieces dropped. */
  split(text: string): Segment[] {
    const out: Segment[] = [];
    for (const first of this.findMatches(NormalizedString.fromOriginal(text), this.raw)) {
      if (first.added) {
        out.push(first);
        continue;
      }
      const normalized = this.normalizer ? this.normalizer(first.ns) : first.ns;
      for (const second of this.findMatches(normalized, this.normalizedMatcher)) {
        if (second.added || second.ns.length > 0) out.push(second);
      }
    }
    return out;
  }

  private findMatches(ns: NormalizedString, matcher: Matcher | null): Segment[] {
    const text = ns.text;
    if (!matcher || text.length === 0) return [{ ns }];
    const out: Segment[] = [];
    let startOffset = 0;
    const regex = matcher.regex;
    regex.lastIndex = 0;
    for (let m = regex.exec(text); m; m = regex.exec(text)) {
      let start = m.index;
      let stop = start + m[0].length;
      const token = matcher.byContent.get(m[0]) as AddedTokenConfig;
      // Each test reads only the characters next to the match: slicing the text before it made
      // a document of many `<mask>` tokens quadratic (20,000 of them: 6.8 s).
      if (token.single_word) {
        const startSpace = start === 0 || !wordBefore(text, start);
        const stopSpace = stop === text.length || !wordAt(text, stop);
        if (!startSpace || !stopSpace) continue;
      }
      if (token.lstrip) while (start > startOffset && SPACE_UNIT.test(text[start - 1])) start--;
      if (token.rstrip) while (stop < text.length && SPACE_UNIT.test(text[stop])) stop++;
      if (startOffset < start) out.push({ ns: ns.slice(startOffset, start) });
      out.push({ ns: ns.slice(start, stop), added: token });
      startOffset = stop;
    }
    if (startOffset !== text.length) out.push({ ns: ns.slice(startOffset, text.length) });
    return out;
  }
}
