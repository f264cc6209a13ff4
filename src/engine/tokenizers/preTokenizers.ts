/**
 * tokenizer.json pre-tokenizers: they cut a normalized string into words (pre-tokens), each
 * keeping its alignments to the original text. Semantics follow Rust tokenizers' `split` with
 * its five delimiter behaviours; empty pieces are dropped, as there.
 */
import { NormalizedString, nextCodePointIndex } from './normalizedString';
import { gpt2Regex, toByteLevel } from './byteLevel';
import { isBertPunctuation, isNumeric, isWhitespace, WORD_CLASS } from './unicodeClasses';
import { prepend, replaceMatches } from './normalizers';
import { compilePattern } from './patterns';
import { unsupported } from './errors';
import { arrayField, childPath, boolField, charField, choiceField, deeper, objectAt, typeOf, type Json } from './jsonFields';
import { forEachMatch, literalMatcher, nativeMatcher, type Matcher } from './matcher';

export type PreTokenizer = (pieces: NormalizedString[]) => NormalizedString[];
export type SplitBehavior = 'Removed' | 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Contiguous';

export const SUPPORTED_PRE_TOKENIZERS = [
  'ByteLevel', 'BertPreTokenizer', 'Whitespace', 'WhitespaceSplit', 'Punctuation', 'Digits', 'Metaspace', 'Split',
  'CharDelimiterSplit', 'Sequence',
] as const;

const BEHAVIORS: readonly SplitBehavior[] = ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'];

/** Matches of a pattern as parallel arrays: [start, end) and whether it is a match or a gap. */
interface Events {
  starts: number[];
  ends: number[];
  isMatch: boolean[];
}

function pushEvent(ev: Events, start: number, end: number, isMatch: boolean): void {
  ev.starts.push(start);
  ev.ends.push(end);
  ev.isMatch.push(isMatch);
}

/** Rust `Pattern::find_matches` for a pattern: matches and the gaps between them. */
function matchEvents(text: string, matcher: Matcher): Events {
  const ev: Events = { starts: [], ends: [], isMatch: [] };
  if (text.length === 0) return ev;
  let prev = 0;
  forEachMatch(matcher, text, (start, end) => {
    if (prev !== start) pushEvent(ev, prev, start, false);
    pushEvent(ev, start, end, true);
    prev = end;
  });
  if (prev !== text.length) pushEvent(ev, prev, text.length, false);
  return ev;
}

/** Rust `Pattern::find_matches` for a character predicate: each matching char is one match. */
function charEvents(text: string, pred: (cp: number) => boolean): Events {
  const ev: Events = { starts: [], ends: [], isMatch: [] };
  let last = 0;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) as number;
    const next = i + (cp > 0xffff ? 2 : 1);
    if (pred(cp)) {
      if (last < i) pushEvent(ev, last, i, false);
      pushEvent(ev, i, next, true);
      last = next;
    }
    i = next;
  }
  if (text.length > last) pushEvent(ev, last, text.length, false);
  return ev;
}

/** Applies a delimiter behaviour to the events and pushes the kept, non-empty slices. */
function splitBy(ns: NormalizedString, ev: Events, behavior: SplitBehavior, invert: boolean, out: NormalizedString[]): void {
  const n = ev.starts.length;
  const s: number[] = [];
  const e: number[] = [];
  const removed: boolean[] = [];
  const match = (i: number): boolean => ev.isMatch[i] !== invert;
  if (behavior === 'MergedWithNext') {
    let previous = false;
    for (let i = n - 1; i >= 0; i--) {
      if (match(i) && !previous && s.length > 0) s[s.length - 1] = ev.starts[i];
      else {
        s.push(ev.starts[i]);
        e.push(ev.ends[i]);
        removed.push(false);
      }
      previous = match(i);
    }
    s.reverse();
    e.reverse();
  } else {
    let previous = false;
    for (let i = 0; i < n; i++) {
      const m = match(i);
      const extend =
        s.length > 0 && ((behavior === 'Contiguous' && m === previous) || (behavior === 'MergedWithPrevious' && m && !previous));
      if (extend) e[e.length - 1] = ev.ends[i];
      else {
        s.push(ev.starts[i]);
        e.push(ev.ends[i]);
        removed.push(behavior === 'Removed' && m);
      }
      previous = m;
    }
  }
  for (let i = 0; i < s.length; i++) if (!removed[i] && e[i] > s[i]) out.push(ns.slice(s[i], e[i]));
}

function eachPiece(fn: (ns: NormalizedString, out: NormalizedString[]) => void): PreTokenizer {
  return (pieces) => {
    const out: NormalizedString[] = [];
    for (const p of pieces) fn(p, out);
    return out;
  };
}

function behaviorOf(config: Json, path: string, fallback: SplitBehavior): SplitBehavior {
  return choiceField(config, 'behavior', path, BEHAVIORS, fallback);
}

function byteLevel(config: Json, path: string): PreTokenizer {
  const addPrefixSpace = boolField(config, 'add_prefix_space', path, false);
  const useRegex = boolField(config, 'use_regex', path, true);
  boolField(config, 'trim_offsets', path, true);
  const gpt2 = nativeMatcher(gpt2Regex());
  return eachPiece((piece, out) => {
    const ns = addPrefixSpace && !piece.text.startsWith(' ') ? prepend(piece, ' ') : piece;
    if (!useRegex) {
      if (ns.length > 0) out.push(toByteLevel(ns));
      return;
    }
    // Isolated split: every match and every gap between matches is a word.
    const text = ns.text;
    const searcher = gpt2.searcher(text);
    let prev = 0;
    for (let from = 0, m = searcher.find(0); m; m = from <= text.length ? searcher.find(from) : null) {
      if (m.start > prev) out.push(toByteLevel(ns.slice(prev, m.start)));
      if (m.end > m.start) out.push(toByteLevel(ns.slice(m.start, m.end)));
      prev = m.end;
      from = m.end > m.start ? m.end : nextCodePointIndex(text, m.end);
    }
    if (prev < text.length) out.push(toByteLevel(ns.slice(prev, text.length)));
  });
}

/** BERT: split on whitespace (removed), then every punctuation character alone. */
const bertPreTokenizer: PreTokenizer = eachPiece((ns, out) => {
  const text = ns.text;
  let wordStart = -1;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) as number;
    const next = i + (cp > 0xffff ? 2 : 1);
    if (isWhitespace(cp)) {
      if (wordStart >= 0) out.push(ns.slice(wordStart, i));
      wordStart = -1;
    } else if (isBertPunctuation(cp)) {
      if (wordStart >= 0) out.push(ns.slice(wordStart, i));
      out.push(ns.slice(i, next));
      wordStart = -1;
    } else if (wordStart < 0) wordStart = i;
    i = next;
  }
  if (wordStart >= 0) out.push(ns.slice(wordStart, text.length));
});

const PREPEND_SCHEMES = ['always', 'never', 'first'] as const;

function metaspace(config: Json, path: string): PreTokenizer {
  const replacement = charField(config, 'replacement', path, '\u2581');
  const legacy = boolField(config, 'add_prefix_space', path, true);
  const scheme = choiceField(config, 'prepend_scheme', path, PREPEND_SCHEMES, legacy ? 'always' : 'never');
  const split = boolField(config, 'split', path, true);
  const space = literalMatcher(' ');
  const marker = replacement.codePointAt(0);
  const onReplacement = (cp: number): boolean => cp === marker;
  return eachPiece((piece, out) => {
    let ns = replaceMatches(piece, space, replacement);
    const wantsPrefix = scheme === 'always' || (scheme === 'first' && ns.shift === 0);
    if (wantsPrefix && !ns.text.startsWith(replacement)) ns = prepend(ns, replacement);
    if (split) splitBy(ns, charEvents(ns.text, onReplacement), 'MergedWithNext', false, out);
    else if (ns.length > 0) out.push(ns);
  });
}

/** Whitespace's own pattern: ours, a constant, and linear under V8 (no nested or adjacent loops). */
const WHITESPACE_WORDS = nativeMatcher(new RegExp(`${WORD_CLASS}+|[^${WORD_CLASS}\\p{White_Space}]+`, 'v'));

/**
 * The pre-tokenizer of a tokenizer.json `pre_tokenizer` object (null: none). `path` names it in
 * the file for errors (`pre_tokenizer.pretokenizers[1]`); `depth` counts the Sequences around it.
 */
export function createPreTokenizer(config: unknown, path = 'pre_tokenizer', depth = 0): PreTokenizer | null {
  if (config === null || config === undefined) return null;
  const c = objectAt(config, path);
  const type = typeOf(c, path);
  switch (type) {
    case 'ByteLevel':
      return byteLevel(c, path);
    case 'BertPreTokenizer':
      return bertPreTokenizer;
    case 'Whitespace':
      return eachPiece((ns, out) => splitBy(ns, matchEvents(ns.text, WHITESPACE_WORDS), 'Removed', true, out));
    case 'WhitespaceSplit':
      return eachPiece((ns, out) => splitBy(ns, charEvents(ns.text, isWhitespace), 'Removed', false, out));
    case 'Punctuation': {
      const behavior = behaviorOf(c, path, 'Isolated');
      return eachPiece((ns, out) => splitBy(ns, charEvents(ns.text, isBertPunctuation), behavior, false, out));
    }
    case 'Digits': {
      const behavior: SplitBehavior = boolField(c, 'individual_digits', path, false) ? 'Isolated' : 'Contiguous';
      return eachPiece((ns, out) => splitBy(ns, charEvents(ns.text, isNumeric), behavior, false, out));
    }
    case 'CharDelimiterSplit': {
      const delimiter = charField(c, 'delimiter', path, undefined).codePointAt(0);
      return eachPiece((ns, out) => splitBy(ns, charEvents(ns.text, (cp) => cp === delimiter), 'Removed', false, out));
    }
    case 'Metaspace':
      return metaspace(c, path);
    case 'Split': {
      const matcher = compilePattern(c.pattern, `${path}.pattern`);
      const behavior = behaviorOf(c, path, 'Isolated');
      const invert = boolField(c, 'invert', path, false);
      return eachPiece((ns, out) => splitBy(ns, matchEvents(ns.text, matcher), behavior, invert, out));
    }
    case 'Sequence': {
      const inner = deeper(depth, path);
      const steps = arrayField(c, 'pretokenizers', path).map((child, i) => {
        const at = childPath(path, 'pretokenizers', i);
        return createPreTokenizer(objectAt(child, at), at, inner);
      });
      return (pieces) => steps.reduce((acc, step) => (step ? step(acc) : acc), pieces);
    }
    default:
      throw unsupported('pre-tokenizer', type, SUPPORTED_PRE_TOKENIZERS, path);
  }
}
