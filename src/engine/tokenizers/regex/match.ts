/**
 * Memoized backtracking over a compiled program (program.ts): the same depth-first search, in the
 * same priority order, as a JavaScript (Perl, Oniguruma) backtracking matcher — so the same
 * leftmost-first match — but every search state (node, position, fresh loops) that once failed is
 * remembered and never explored again. Without backreferences, whether a state can reach the end
 * of the pattern does not depend on where the match began, so what failed for one start position
 * stays failed for the next ones: a whole scan of a text costs O(program × text), where native
 * backtracking can cost O(2^text) — `(a+)+$` on 26 `a`s took V8 8.6 s.
 *
 * Lookaheads are sub-searches whose answer is memoized per position; inside them, any path to
 * their end is a success, so states on a successful path are remembered as successes too.
 *
 *   const search = new RegexSearch(program, 'aaaa!');
 *   search.find(0)   → { start: 0, end: 4 }   for (a+)+
 *   search.steps     → how many states were expanded (the linear-time evidence)
 */
import {
  ANCHORS, OP_AHEAD, OP_ASSERT, OP_BEHIND, OP_CHAR, OP_CHECK, OP_CODE, OP_DISPATCH, OP_ENTER, OP_MATCH, OP_SPLIT, type Program,
} from './program';

export interface Span {
  start: number;
  end: number;
}

const FAILED = 1;
const SUCCEEDED = 2;

/** About this many memo bytes per chunk of positions; chunks behind the scan are let go. */
const CHUNK_BYTES = 1 << 20;

const isLineTerminator = (c: number): boolean => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;

const START = ANCHORS.indexOf('start');
const END = ANCHORS.indexOf('end');
const WORD_BOUNDARY = ANCHORS.indexOf('wordBoundary');

export class RegexSearch {
  /** States expanded so far (each costs O(1) apart from a lookbehind's few characters). */
  steps = 0;
  private stack: Int32Array = new Int32Array(3 * 256);
  private sp = 0;
  private readonly shift: number;
  private readonly chunks: Array<Uint8Array | undefined> = [];
  private released = 0;

  constructor(
    private readonly program: Program,
    private readonly text: string,
  ) {
    let shift = 6;
    while (shift < 16 && (2 << shift) * Math.max(program.slots, 1) <= CHUNK_BYTES) shift++;
    this.shift = shift;
  }

  /**
   * The leftmost-first match starting at or after `from` (a code point boundary), or null.
   * Calls with growing `from` on one search share their memo.
   */
  find(from: number): Span | null {
    const text = this.text;
    const n = text.length;
    this.release(from);
    const { first, firstLiteral } = this.program;
    for (let start = from; start <= n; ) {
      if (firstLiteral !== undefined) {
        start = text.indexOf(firstLiteral, start);
        if (start < 0) return null;
      } else if (first) {
        while (start < n && !first.has(codePointAt(text, start))) start += widthAt(text, start);
        if (start >= n) return null;
      }
      const end = this.run(this.program.entry, start, false);
      if (end >= 0) return { start, end };
      start += start < n ? widthAt(text, start) : 1;
    }
    return null;
  }

  /** Frees the memo of positions before `from` (no later search of a scan goes back there). */
  private release(from: number): void {
    const below = from >> this.shift;
    for (; this.released < below; this.released++) this.chunks[this.released] = undefined;
  }

  private memo(index: number, pos: number): number {
    const chunk = this.chunks[pos >> this.shift];
    return chunk === undefined ? 0 : chunk[((pos & ((1 << this.shift) - 1)) * this.program.slots) + index];
  }

  private remember(index: number, pos: number, mark: number): void {
    const c = pos >> this.shift;
    let chunk = this.chunks[c];
    if (chunk === undefined) {
      chunk = new Uint8Array(this.program.slots << this.shift);
      this.chunks[c] = chunk;
    }
    chunk[((pos & ((1 << this.shift) - 1)) * this.program.slots) + index] = mark;
  }

  private grow(): Int32Array {
    const bigger = new Int32Array(this.stack.length * 2);
    bigger.set(this.stack);
    this.stack = bigger;
    return bigger;
  }

  /**
   * Depth-first search from (entry, start) in priority order. Stack entries are triples
   * (node, position, fresh): `node` to expand, or `~node` to mark as failed once everything
   * after it was tried. Returns the end of the first path to MATCH, or -1. In a lookahead
   * (`inLook`), every memoized state on the successful path is remembered as a success.
   */
  private run(entry: number, start: number, inLook: boolean): number {
    const { op, next, arg, slot, sets, dispatches } = this.program;
    const text = this.text;
    const n = text.length;
    let stack: Int32Array = this.stack;
    const base = this.sp;
    let sp = base;
    if (sp + 3 > stack.length) stack = this.grow();
    stack[sp++] = entry;
    stack[sp++] = start;
    stack[sp++] = 0;
    while (sp > base) {
      sp -= 3;
      let node = stack[sp];
      let pos = stack[sp + 1];
      let fresh = stack[sp + 2];
      if (node < 0) {
        this.remember(slot[~node] + fresh, pos, FAILED);
        continue;
      }
      chain: for (;;) {
        this.steps++;
        const s = slot[node];
        if (s >= 0) {
          const known = this.memo(s + fresh, pos);
          if (known === FAILED) break;
          if (known === SUCCEEDED) return this.succeed(base, sp, pos);
          if (sp + 6 > stack.length) stack = this.grow();
          stack[sp++] = ~node;
          stack[sp++] = pos;
          stack[sp++] = fresh;
        }
        switch (op[node]) {
          case OP_CODE: {
            if (pos >= n) break chain;
            const cp = codePointAt(text, pos);
            if (cp !== arg[node]) break chain;
            pos += cp > 0xffff ? 2 : 1;
            fresh = 0;
            break;
          }
          case OP_CHAR: {
            if (pos >= n) break chain;
            const cp = codePointAt(text, pos);
            if (!sets[arg[node]].has(cp)) break chain;
            pos += cp > 0xffff ? 2 : 1;
            fresh = 0;
            break;
          }
          case OP_SPLIT:
            if (sp + 6 > stack.length) stack = this.grow();
            stack[sp++] = arg[node];
            stack[sp++] = pos;
            stack[sp++] = fresh;
            break;
          case OP_ENTER:
            fresh++;
            break;
          case OP_CHECK:
            if (fresh !== 0) break chain;
            break;
          case OP_ASSERT:
            if (!this.anchor(arg[node], pos)) break chain;
            break;
          case OP_BEHIND:
            if (!this.lookbehind(arg[node], pos)) break chain;
            break;
          case OP_AHEAD: {
            this.sp = sp;
            const ok = this.lookahead(arg[node], pos);
            stack = this.stack;
            if (!ok) break chain;
            break;
          }
          case OP_MATCH:
            return inLook ? this.succeed(base, sp, pos) : this.finish(base, pos);
          case OP_DISPATCH: {
            const viable = dispatches[arg[node]].viable(pos < n ? codePointAt(text, pos) : -1);
            if (viable.length === 0) break chain;
            while (sp + 3 * viable.length + 3 > stack.length) stack = this.grow();
            for (let k = viable.length - 1; k > 0; k--) {
              stack[sp++] = viable[k];
              stack[sp++] = pos;
              stack[sp++] = fresh;
            }
            node = viable[0];
            continue chain;
          }
        }
        node = next[node];
      }
    }
    this.sp = base;
    return -1;
  }

  private finish(base: number, pos: number): number {
    this.sp = base;
    return pos;
  }

  /** A lookahead body matched: the memoized states on the path to here all lead to a success. */
  private succeed(base: number, sp: number, pos: number): number {
    const stack = this.stack;
    const { slot } = this.program;
    for (let i = base; i < sp; i += 3) {
      const node = stack[i];
      if (node < 0) this.remember(slot[~node] + stack[i + 2], stack[i + 1], SUCCEEDED);
    }
    return this.finish(base, pos);
  }

  private lookahead(index: number, pos: number): boolean {
    const look = this.program.aheads[index];
    const s = this.program.slot[look.entry];
    const known = s >= 0 ? this.memo(s, pos) : 0;
    const found = known !== 0 ? known === SUCCEEDED : this.run(look.entry, pos, true) >= 0;
    return found !== look.negate;
  }

  private lookbehind(index: number, pos: number): boolean {
    const look = this.program.behinds[index];
    const { sets } = this.program;
    const text = this.text;
    let found = false;
    for (const chars of look.alternatives) {
      let at = pos;
      let k = chars.length - 1;
      for (; k >= 0 && at > 0; k--) {
        const width = widthBefore(text, at);
        const cp = codePointAt(text, at - width);
        const c = chars[k];
        if (c >= 0 ? !sets[c].has(cp) : cp !== -c - 1) break;
        at -= width;
      }
      this.steps += chars.length;
      if (k < 0) {
        found = true;
        break;
      }
    }
    return found !== look.negate;
  }

  private anchor(kind: number, pos: number): boolean {
    const text = this.text;
    const multiline = this.program.multiline;
    if (kind === START) return pos === 0 || (multiline && isLineTerminator(text.charCodeAt(pos - 1)));
    if (kind === END) return pos === text.length || (multiline && isLineTerminator(text.charCodeAt(pos)));
    const word = this.program.word;
    const before = pos > 0 && word.has(codePointAt(text, pos - widthBefore(text, pos)));
    const after = pos < text.length && word.has(codePointAt(text, pos));
    return (before !== after) === (kind === WORD_BOUNDARY);
  }
}

/** The code point at `i` (a lone surrogate is its own code point, as in a `u` regex). */
export function codePointAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
  }
  return c;
}

function widthAt(text: string, i: number): number {
  return codePointAt(text, i) > 0xffff ? 2 : 1;
}

function widthBefore(text: string, i: number): number {
  const low = text.charCodeAt(i - 1);
  if (low >= 0xdc00 && low <= 0xdfff && i >= 2) {
    const high = text.charCodeAt(i - 2);
    if (high >= 0xd800 && high <= 0xdbff) return 2;
  }
  return 1;
}
