/**
 * A regex tree compiled to a graph of small instructions for the memoized backtracking matcher
 * (match.ts). Each node names the node that follows it; a SPLIT names two, the preferred first,
 * which is how alternation and greedy/lazy quantifiers keep JavaScript's priority order.
 *
 *   a|b*   →  0 SPLIT → 1, else 2      1 CODE 'a' → 4
 *             2 SPLIT → 3, else 4      3 CODE 'b' → 2        4 MATCH
 *
 * ES's rule for loops whose body can match empty (an optional iteration that consumed nothing
 * fails) is kept with an ENTER before and a CHECK after such a body; the matcher counts, in its
 * state, how many of the enclosing checked loops began their iteration at the current position.
 * Counted repetitions are unrolled; MAX_NODES bounds the result.
 */
import { CodePointSet } from './codePointSet';
import { UnsupportedRegex, type AnchorKind, type RegexNode } from './parse';
import { nullable } from './simplify';

export const OP_CHAR = 0;
export const OP_CODE = 1;
export const OP_SPLIT = 2;
export const OP_ENTER = 3;
export const OP_CHECK = 4;
export const OP_ASSERT = 5;
export const OP_AHEAD = 6;
export const OP_BEHIND = 7;
export const OP_MATCH = 8;
export const OP_DISPATCH = 9;

/** Alternations with this many options or more pick their options by the next character. */
export const DISPATCH_MIN = 8;

export const ANCHORS: readonly AnchorKind[] = ['start', 'end', 'wordBoundary', 'notWordBoundary'];

/** Largest program (nodes) compiled; counted repetition is what makes one big. */
export const MAX_NODES = 10_000;

/** Largest number of memo states per text position. */
export const MAX_SLOTS = 50_000;

/** A lookbehind we can decide exactly: alternatives of fixed characters, read backwards. */
export interface Lookbehind {
  negate: boolean;
  /** Each alternative's characters, in text order: a set index (≥ 0) or `-(code point + 1)`. */
  alternatives: number[][];
}

export interface Lookahead {
  negate: boolean;
  entry: number;
}

/**
 * A long alternation (`the|and|of|…`): instead of trying each option in turn, only those whose
 * first character can be the one at hand are tried, still in their order, so the match is the
 * same — only the options that would fail at once are skipped.
 */
export class Dispatch {
  private readonly cache = new Map<number, Int32Array>();

  constructor(
    readonly entries: Int32Array,
    /** Each option's possible first code points; undefined when it may start without one. */
    private readonly firsts: ReadonlyArray<CodePointSet | undefined>,
  ) {}

  /** The options that may match at a position holding `cp` (-1: the end of the text), in order. */
  viable(cp: number): Int32Array {
    let found = this.cache.get(cp);
    if (found === undefined) {
      found = this.entries.filter((_, k) => {
        const first = this.firsts[k];
        return first === undefined || (cp >= 0 && first.has(cp));
      });
      if (this.cache.size >= 4096) this.cache.clear();
      this.cache.set(cp, found);
    }
    return found;
  }
}

export interface Program {
  /** Instruction of each node (OP_*). */
  op: Uint8Array;
  /** The node that follows; for SPLIT, the preferred branch. */
  next: Int32Array;
  /** CHAR: set index; CODE: code point; SPLIT: the other branch; ASSERT: index in ANCHORS; AHEAD/BEHIND/DISPATCH: index. */
  arg: Int32Array;
  /** First memo slot of the node (it holds depth + 1 of them), or -1 when it is not memoized. */
  slot: Int32Array;
  slots: number;
  sets: CodePointSet[];
  aheads: Lookahead[];
  behinds: Lookbehind[];
  dispatches: Dispatch[];
  entry: number;
  /** Code points a match can begin with; undefined when the pattern can match empty. */
  first: CodePointSet | undefined;
  /** The one code point every match begins with, when there is one (found with indexOf). */
  firstLiteral: string | undefined;
  /** `\w` as the flags read it, for `\b`. */
  word: CodePointSet;
  multiline: boolean;
}

class Builder {
  readonly op: number[] = [];
  readonly next: number[] = [];
  readonly arg: number[] = [];
  readonly depth: number[] = [];
  readonly forced = new Set<number>();
  readonly sets: CodePointSet[] = [];
  private readonly setIndex = new Map<string, number>();
  readonly aheads: Lookahead[] = [];
  readonly behinds: Lookbehind[] = [];
  /** The options' entries of each long alternation. */
  readonly dispatches: number[][] = [];
  readonly match: number;
  private readonly atomFlags: string;
  private readonly caseless: boolean;

  constructor(flags: string) {
    this.atomFlags = flags.replace(/[gm]/g, '');
    this.caseless = flags.includes('i');
    this.match = this.add(OP_MATCH, -1, 0, 0);
  }

  add(op: number, next: number, arg: number, depth: number): number {
    if (this.op.length >= MAX_NODES) throw new UnsupportedRegex(`a pattern larger than ${MAX_NODES} steps once its counted repetitions are unrolled`);
    this.op.push(op);
    this.next.push(next);
    this.arg.push(arg);
    this.depth.push(depth);
    return this.op.length - 1;
  }

  set(source: string): number {
    let index = this.setIndex.get(source);
    if (index === undefined) {
      index = this.sets.length;
      this.sets.push(CodePointSet.fromAtom(source, this.atomFlags));
      this.setIndex.set(source, index);
    }
    return index;
  }

  /** Compiles `node` to run before `next`; returns its entry. */
  compile(node: RegexNode, next: number, depth: number): number {
    switch (node.type) {
      case 'empty':
        return next;
      case 'char':
        return node.codePoint !== undefined && !this.caseless
          ? this.add(OP_CODE, next, node.codePoint, depth)
          : this.add(OP_CHAR, next, this.set(node.source), depth);
      case 'sequence': {
        let entry = next;
        for (let i = node.items.length - 1; i >= 0; i--) entry = this.compile(node.items[i], entry, depth);
        return entry;
      }
      case 'alternation': {
        const entries = node.options.map((option) => this.compile(option, next, depth));
        if (entries.length >= DISPATCH_MIN) {
          this.dispatches.push(entries);
          return this.add(OP_DISPATCH, -1, this.dispatches.length - 1, depth);
        }
        let entry = entries[entries.length - 1];
        for (let i = entries.length - 2; i >= 0; i--) entry = this.add(OP_SPLIT, entries[i], entry, depth);
        return entry;
      }
      case 'anchor':
        return this.add(OP_ASSERT, next, ANCHORS.indexOf(node.kind), depth);
      case 'look':
        return node.behind ? this.lookbehind(node.body, node.negate, next, depth) : this.lookahead(node.body, node.negate, next, depth);
      case 'repeat':
        return this.repeat(node.body, node.min, node.max, node.greedy, next, depth);
    }
  }

  private lookahead(body: RegexNode, negate: boolean, next: number, depth: number): number {
    const entry = this.compile(body, this.match, 0);
    this.forced.add(entry);
    this.aheads.push({ negate, entry });
    return this.add(OP_AHEAD, next, this.aheads.length - 1, depth);
  }

  private lookbehind(body: RegexNode, negate: boolean, next: number, depth: number): number {
    const options = body.type === 'alternation' ? body.options : [body];
    const alternatives = options.map((option) => this.fixedCharacters(option));
    this.behinds.push({ negate, alternatives });
    return this.add(OP_BEHIND, next, this.behinds.length - 1, depth);
  }

  private fixedCharacters(node: RegexNode): number[] {
    switch (node.type) {
      case 'empty':
        return [];
      case 'char':
        return node.codePoint !== undefined && !this.caseless ? [-(node.codePoint + 1)] : [this.set(node.source)];
      case 'sequence':
        return node.items.flatMap((item) => this.fixedCharacters(item));
      case 'repeat':
        if (node.min === node.max && node.min <= MAX_NODES) {
          const one = this.fixedCharacters(node.body);
          return Array.from({ length: node.min }, () => one).flat();
        }
        break;
      default:
        break;
    }
    throw new UnsupportedRegex('a lookbehind other than fixed characters (and alternatives of them)');
  }

  /**
   * ES RepeatMatcher: `min` iterations, then up to `max - min` optional ones (a loop when
   * unbounded). An optional iteration of a body that can match empty is wrapped in ENTER/CHECK.
   */
  private repeat(body: RegexNode, min: number, max: number, greedy: boolean, next: number, depth: number): number {
    const checked = nullable(body);
    const iteration = (after: number): number => {
      if (!checked) return this.compile(body, after, depth);
      const check = this.add(OP_CHECK, after, 0, depth + 1);
      return this.add(OP_ENTER, this.compile(body, check, depth + 1), 0, depth);
    };
    const choice = (iterate: number, exit: number, at: number): void => {
      this.next[at] = greedy ? iterate : exit;
      this.arg[at] = greedy ? exit : iterate;
    };
    let entry: number;
    let copies = min;
    if (max === Infinity) {
      const head = this.add(OP_SPLIT, -1, -1, depth);
      const iterate = iteration(head);
      choice(iterate, next, head);
      entry = head;
      if (!checked && min > 0) {
        // The loop's own body is the last mandatory iteration: `e+` is `e` then back to the head.
        entry = iterate;
        copies--;
      }
    } else {
      entry = next;
      for (let k = 0; k < max - min; k++) {
        const at = this.add(OP_SPLIT, -1, -1, depth);
        choice(iteration(entry), next, at);
        entry = at;
      }
    }
    for (let k = 0; k < copies; k++) entry = this.compile(body, entry, depth);
    return entry;
  }
}

/** The nodes that can follow `node`. */
function successors(b: Builder, node: number): number[] {
  const op = b.op[node];
  if (op === OP_MATCH) return [];
  if (op === OP_DISPATCH) return b.dispatches[b.arg[node]];
  return op === OP_SPLIT ? [b.next[node], b.arg[node]] : [b.next[node]];
}

/**
 * The characters a path from `entry` can consume first (sets and code points); undefined when it
 * can reach MATCH without consuming, or when more than `budget` nodes would have to be walked.
 */
function firstCharacters(b: Builder, entry: number, budget = Infinity): { sets: number[]; codes: number[] } | undefined {
  const sets: number[] = [];
  const codes: number[] = [];
  const seen = new Set<number>();
  const todo = [entry];
  while (todo.length > 0) {
    const node = todo.pop() as number;
    if (seen.has(node)) continue;
    if (seen.size >= budget) return undefined;
    seen.add(node);
    const op = b.op[node];
    if (op === OP_MATCH) return undefined;
    if (op === OP_CHAR) sets.push(b.arg[node]);
    else if (op === OP_CODE) codes.push(b.arg[node]);
    else todo.push(...successors(b, node));
  }
  return { sets, codes };
}

/** The code points of a firstCharacters result, as one set. */
function firstSet(b: Builder, first: { sets: number[]; codes: number[] }): CodePointSet {
  const codes = new Set(first.codes);
  const sets = [...new Set(first.sets)].map((i) => b.sets[i]);
  return new CodePointSet((cp) => codes.has(cp) || sets.some((s) => s.has(cp)));
}

/**
 * Nodes reached from two places (loop heads, the node after an alternation) and the entries of
 * lookaheads are memoized: that is enough to visit each (node, position, depth) state a bounded
 * number of times (a node with one predecessor is visited at most as often as that predecessor).
 */
function memoSlots(b: Builder, entry: number): { slot: Int32Array; slots: number } {
  const n = b.op.length;
  const incoming = new Int32Array(n);
  incoming[entry]++;
  for (let node = 0; node < n; node++) for (const to of successors(b, node)) incoming[to]++;
  const slot = new Int32Array(n).fill(-1);
  let slots = 0;
  for (let node = 0; node < n; node++) {
    if (b.op[node] === OP_MATCH || (incoming[node] < 2 && !b.forced.has(node))) continue;
    slot[node] = slots;
    slots += b.depth[node] + 1;
  }
  if (slots > MAX_SLOTS) throw new UnsupportedRegex(`a pattern needing more than ${MAX_SLOTS} memo states per position`);
  return { slot, slots };
}

/** Compiles a parsed (and simplified) regex; throws UnsupportedRegex for what it cannot run. */
export function compileProgram(tree: RegexNode, flags: string): Program {
  const b = new Builder(flags);
  const entry = b.compile(tree, b.match, 0);
  const { slot, slots } = memoSlots(b, entry);
  const first = firstCharacters(b, entry);
  // An option's first characters are looked for within a few nodes; further, it is always tried.
  const dispatches = b.dispatches.map((entries) => new Dispatch(Int32Array.from(entries), entries.map((e) => {
    const f = firstCharacters(b, e, 64);
    return f && firstSet(b, f);
  })));
  return {
    op: Uint8Array.from(b.op),
    next: Int32Array.from(b.next),
    arg: Int32Array.from(b.arg),
    slot,
    slots,
    sets: b.sets,
    aheads: b.aheads,
    behinds: b.behinds,
    dispatches,
    entry,
    first: first && firstSet(b, first),
    firstLiteral: first && first.sets.length === 0 && new Set(first.codes).size === 1 ? String.fromCodePoint(first.codes[0]) : undefined,
    word: CodePointSet.fromAtom('\\w', flags.replace(/[gm]/g, '')),
    multiline: flags.includes('m'),
  };
}
