/**
 * A JavaScript regex (the `u`- or `v`-flag syntax that tokenizers.js writes for a tokenizer.json
 * pattern) as a tree. The structure is ours to match; every single-code-point atom is kept as
 * its source text for V8 to decide (codePointSet.ts). Captures are not recorded: only the span
 * of the whole match is ever needed.
 *
 *   parseRegex("(?:'s|'t)|\\p{L}+", 'u') →
 *     alternation[ alternation[ sequence[char ', char s], sequence[char ', char t] ],
 *                  repeat{1,∞ greedy}(char \p{L}) ]
 *
 * What cannot be matched in linear time, or soundly, is refused with an UnsupportedRegex:
 * backreferences, inline modifiers, `v`-flag classes that may match strings.
 */

export type RegexNode =
  | { type: 'empty' }
  /** One code point: `source` is a native atom; `codePoint` is set for a plain literal. */
  | { type: 'char'; source: string; codePoint?: number }
  | { type: 'sequence'; items: RegexNode[] }
  | { type: 'alternation'; options: RegexNode[] }
  | { type: 'repeat'; body: RegexNode; min: number; max: number; greedy: boolean }
  | { type: 'anchor'; kind: AnchorKind }
  | { type: 'look'; behind: boolean; negate: boolean; body: RegexNode };

export type AnchorKind = 'start' | 'end' | 'wordBoundary' | 'notWordBoundary';

/** A pattern this engine does not run (the message says what and where). */
export class UnsupportedRegex extends Error {}

/** Deepest nesting of groups and classes: the parser recurses once per level. */
export const MAX_NESTING = 100;

/** Counts above this are refused before anything is unrolled. */
export const MAX_COUNT = 10_000;

/** `v`-flag properties that match sequences of code points, not single ones. */
const STRING_PROPERTIES = new Set([
  'Basic_Emoji', 'Emoji_Keycap_Sequence', 'RGI_Emoji_Modifier_Sequence', 'RGI_Emoji_Flag_Sequence',
  'RGI_Emoji_Tag_Sequence', 'RGI_Emoji_ZWJ_Sequence', 'RGI_Emoji',
]);

const SYNTAX_CHARACTERS = '^$\\.*+?()[]{}|/';

const CONTROL_ESCAPES: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13 };

/** A literal code point as an atom any flag set accepts. */
export function literalSource(cp: number): string {
  const c = String.fromCodePoint(cp);
  return /^[\p{L}\p{N}]$/u.test(c) ? c : `\\u{${cp.toString(16)}}`;
}

function literal(cp: number): RegexNode {
  return { type: 'char', source: literalSource(cp), codePoint: cp };
}

const isHex = (s: string): boolean => /^[0-9A-Fa-f]+$/.test(s);

class Parser {
  private pos = 0;
  private readonly unicodeSets: boolean;

  constructor(
    private readonly src: string,
    flags: string,
  ) {
    this.unicodeSets = flags.includes('v');
  }

  private fail(what: string): never {
    throw new UnsupportedRegex(`${what} at index ${this.pos}`);
  }

  private peek(offset = 0): string {
    return this.src[this.pos + offset] ?? '';
  }

  private eat(s: string): boolean {
    if (!this.src.startsWith(s, this.pos)) return false;
    this.pos += s.length;
    return true;
  }

  parse(): RegexNode {
    const node = this.disjunction(0);
    if (this.pos < this.src.length) this.fail(`unexpected "${this.peek()}"`);
    return node;
  }

  private disjunction(depth: number): RegexNode {
    if (depth > MAX_NESTING) this.fail(`groups nested deeper than ${MAX_NESTING}`);
    const options = [this.alternative(depth)];
    while (this.eat('|')) options.push(this.alternative(depth));
    return options.length === 1 ? options[0] : { type: 'alternation', options };
  }

  private alternative(depth: number): RegexNode {
    const items: RegexNode[] = [];
    while (this.pos < this.src.length && this.peek() !== '|' && this.peek() !== ')') items.push(this.term(depth));
    if (items.length === 0) return { type: 'empty' };
    return items.length === 1 ? items[0] : { type: 'sequence', items };
  }

  private term(depth: number): RegexNode {
    const start = this.pos;
    const atom = this.atom(depth);
    const quantified = this.quantifier(atom);
    // An assertion may be repeated only inside a group: `(?:\b)*` is valid, `\b*` is not.
    if (quantified !== atom && /^(?:[\^$]|\\[bB]|\(\?<?[=!])/.test(this.src.slice(start, start + 4))) {
      this.pos = start;
      this.fail('a quantified assertion');
    }
    return quantified;
  }

  private quantifier(atom: RegexNode): RegexNode {
    let min: number;
    let max: number;
    const c = this.peek();
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos, this.pos + 40));
      if (!m) this.fail('an incomplete quantifier');
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      if (min > max) this.fail('a quantifier out of order');
      if (min > MAX_COUNT || (max !== Infinity && max > MAX_COUNT)) this.fail(`a count above ${MAX_COUNT}`);
      this.pos += m[0].length - 1;
    } else return atom;
    this.pos++;
    const greedy = !this.eat('?');
    return { type: 'repeat', body: atom, min, max, greedy };
  }

  private atom(depth: number): RegexNode {
    const c = this.peek();
    switch (c) {
      case '^':
        this.pos++;
        return { type: 'anchor', kind: 'start' };
      case '$':
        this.pos++;
        return { type: 'anchor', kind: 'end' };
      case '.':
        this.pos++;
        return { type: 'char', source: '.' };
      case '[':
        return { type: 'char', source: this.characterClass() };
      case '(':
        return this.group(depth);
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
      case '{':
        return this.fail('nothing to repeat');
      case ')':
      case ']':
      case '}':
        return this.fail(`a lone "${c}"`);
      default: {
        const cp = this.src.codePointAt(this.pos) as number;
        this.pos += cp > 0xffff ? 2 : 1;
        return literal(cp);
      }
    }
  }

  private group(depth: number): RegexNode {
    this.pos++;
    let look: { behind: boolean; negate: boolean } | undefined;
    if (this.eat('?=')) look = { behind: false, negate: false };
    else if (this.eat('?!')) look = { behind: false, negate: true };
    else if (this.eat('?<=')) look = { behind: true, negate: false };
    else if (this.eat('?<!')) look = { behind: true, negate: true };
    else if (this.eat('?:')) look = undefined;
    else if (this.eat('?<')) {
      const close = this.src.indexOf('>', this.pos);
      if (close < 0) this.fail('an unterminated group name');
      this.pos = close + 1;
    } else if (this.peek() === '?') this.fail('an inline modifier group');
    const body = this.disjunction(depth + 1);
    if (!this.eat(')')) this.fail('an unterminated group');
    return look ? { type: 'look', ...look, body } : body;
  }

  /** `[…]` as written (nested classes only with `v`); checked, not interpreted. */
  private characterClass(): string {
    const start = this.pos;
    let nesting = 0;
    while (this.pos < this.src.length) {
      const c = this.peek();
      if (c === '\\') {
        const next = this.peek(1);
        if (this.unicodeSets && next === 'q') this.fail('a class string literal \\q{…}');
        if (this.unicodeSets && (next === 'p' || next === 'P')) this.checkProperty(this.pos + 2);
        this.pos += 2;
        continue;
      }
      this.pos++;
      if (c === '[' && (nesting === 0 || this.unicodeSets)) {
        if (++nesting > MAX_NESTING) this.fail(`classes nested deeper than ${MAX_NESTING}`);
      } else if (c === ']' && --nesting === 0) return this.src.slice(start, this.pos);
    }
    this.pos = start;
    return this.fail('an unterminated class');
  }

  private checkProperty(at: number): void {
    const m = /^\{([^}]*)\}/.exec(this.src.slice(at, at + 80));
    if (m && STRING_PROPERTIES.has(m[1])) this.fail(`the string property \\p{${m[1]}}`);
  }

  private escape(): RegexNode {
    const start = this.pos;
    this.pos++;
    const c = this.peek();
    this.pos++;
    switch (c) {
      case 'b':
        return { type: 'anchor', kind: 'wordBoundary' };
      case 'B':
        return { type: 'anchor', kind: 'notWordBoundary' };
      case 'd':
      case 'D':
      case 's':
      case 'S':
      case 'w':
      case 'W':
        return { type: 'char', source: `\\${c}` };
      case 'p':
      case 'P': {
        const m = /^\{[^}]*\}/.exec(this.src.slice(this.pos, this.pos + 80));
        if (!m) this.fail('an incomplete property escape');
        if (this.unicodeSets) this.checkProperty(this.pos);
        this.pos += m[0].length;
        return { type: 'char', source: this.src.slice(start, this.pos) };
      }
      case 'k':
        return this.fail('a backreference');
      case 'c': {
        const letter = this.peek();
        if (!/^[A-Za-z]$/.test(letter)) this.fail('an incomplete control escape');
        this.pos++;
        return literal(letter.charCodeAt(0) % 32);
      }
      case 'x': {
        const hex = this.src.slice(this.pos, this.pos + 2);
        if (hex.length !== 2 || !isHex(hex)) this.fail('an incomplete \\x escape');
        this.pos += 2;
        return literal(parseInt(hex, 16));
      }
      case 'u':
        return literal(this.unicodeEscape());
      case '0':
        if (/[0-9]/.test(this.peek())) this.fail('an octal escape');
        return literal(0);
      default:
        if (c in CONTROL_ESCAPES) return literal(CONTROL_ESCAPES[c]);
        if (/[1-9]/.test(c)) return this.fail('a backreference');
        if (c !== '' && SYNTAX_CHARACTERS.includes(c)) return literal(c.charCodeAt(0));
        this.pos = start;
        return this.fail('an unknown escape');
    }
  }

  /** After `\u`: `{H…}`, or `HHHH` (a surrogate pair written as two escapes is one code point). */
  private unicodeEscape(): number {
    if (this.eat('{')) {
      const close = this.src.indexOf('}', this.pos);
      const hex = close < 0 ? '' : this.src.slice(this.pos, close);
      if (!isHex(hex) || parseInt(hex, 16) > 0x10ffff) this.fail('an invalid \\u{…} escape');
      this.pos = close + 1;
      return parseInt(hex, 16);
    }
    const hex = this.src.slice(this.pos, this.pos + 4);
    if (hex.length !== 4 || !isHex(hex)) this.fail('an incomplete \\u escape');
    this.pos += 4;
    const unit = parseInt(hex, 16);
    const low = /^\\u([Dd][C-Fc-f][0-9A-Fa-f]{2})/.exec(this.src.slice(this.pos, this.pos + 6));
    if (unit >= 0xd800 && unit <= 0xdbff && low) {
      this.pos += 6;
      return 0x10000 + ((unit - 0xd800) << 10) + (parseInt(low[1], 16) - 0xdc00);
    }
    return unit;
  }
}

/** The tree of a JavaScript regex source with its flags (`u` or `v` required). */
export function parseRegex(source: string, flags: string): RegexNode {
  if (!flags.includes('u') && !flags.includes('v')) throw new UnsupportedRegex('a regex without the u or v flag');
  const unknown = flags.replace(/[guvims]/g, '');
  if (unknown) throw new UnsupportedRegex(`the flag "${unknown[0]}"`);
  return new Parser(source, flags).parse();
}
