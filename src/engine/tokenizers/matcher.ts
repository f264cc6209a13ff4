/**
 * What a tokenizer.json pattern matches, and Rust's way of walking its matches through a text.
 * A `{"String": …}` pattern is found with indexOf; a `{"Regex": …}` one with the linear-time
 * engine of regex/ (patterns.ts builds both).
 *
 *   forEachMatch(literalMatcher(' '), 'a b', (s, e) => …)   → (1, 2)
 */
import { compileRegex, RegexSearch, type Program, type Span } from './regex/compile';
import { nextCodePointIndex } from './normalizedString';

export type { Span } from './regex/compile';

/** A search over one text: calls of `find` with growing `from` may share their work. */
export interface Searcher {
  /** The first match starting at or after `from` (a code point boundary), or null. */
  find(from: number): Span | null;
}

export interface Matcher {
  searcher(text: string): Searcher;
  /** One search: the first match at or after `from`. */
  find(text: string, from: number): Span | null;
}

function matcherOf(searcher: (text: string) => Searcher): Matcher {
  return { searcher, find: (text, from) => searcher(text).find(from) };
}

/** A literal: matched with indexOf, so always in linear time. The empty literal matches everywhere. */
export function literalMatcher(literal: string): Matcher {
  return matcherOf((text) => ({
    find(from) {
      const start = text.indexOf(literal, from);
      return start < 0 ? null : { start, end: start + literal.length };
    },
  }));
}

/** A compiled regex, matched by the memoized backtracking engine (regex/match.ts). */
export function programMatcher(program: Program): Matcher {
  return matcherOf((text) => new RegexSearch(program, text));
}

/**
 * Texts longer than this are not given to V8: its backtracking stack overflows on one long match
 * (GPT-2's `\p{L}+` over a 5-million-letter line: "Maximum call stack size exceeded").
 */
const NATIVE_MAX_UNITS = 1 << 20;

/**
 * A native RegExp — only for this engine's own constant patterns, vetted for linear matching
 * (GPT-2's ByteLevel split, the `Whitespace` pre-tokenizer's); never for a pattern read from a
 * file. A text over NATIVE_MAX_UNITS goes to the linear-time engine instead (the same matches,
 * ~5 times slower, with its own stack on the heap).
 */
export function nativeMatcher(regex: RegExp): Matcher {
  const sticky = new RegExp(regex.source, regex.flags.replace(/[gy]/g, '') + 'g');
  let program: Program | undefined;
  return matcherOf((text) => {
    if (text.length > NATIVE_MAX_UNITS) return new RegexSearch((program ??= compileRegex(sticky.source, sticky.flags)), text);
    return {
      find(from) {
        sticky.lastIndex = from;
        const m = sticky.exec(text);
        return m ? { start: m.index, end: m.index + m[0].length } : null;
      },
    };
  });
}

/**
 * Every match, left to right, as Rust tokenizers walks them (the onig crate's `find_iter`): the
 * next search starts where the last match ended, and an empty match right there is skipped by
 * moving on one character. So `x*` in `axxb` gives (0,0) (1,3) (4,4) — no (3,3), which a
 * JavaScript `g` scan would add. An empty match always moves on by a whole code point.
 */
export function forEachMatch(matcher: Matcher, text: string, fn: (start: number, end: number) => void): void {
  const searcher = matcher.searcher(text);
  let lastEnd = -1;
  for (let from = 0; from <= text.length; ) {
    const m = searcher.find(from);
    if (!m) return;
    if (m.start === m.end && m.end === lastEnd) {
      if (m.end >= text.length) return;
      from = nextCodePointIndex(text, m.end);
      continue;
    }
    fn(m.start, m.end);
    lastEnd = m.end;
    from = m.end;
  }
}
