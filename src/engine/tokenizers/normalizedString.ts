import { TokenizerError } from './errors';

/**
 * A string being normalized, that remembers where every piece of it came from — the JS twin of
 * Rust tokenizers' `NormalizedString`, in UTF-16 units instead of UTF-8 bytes.
 *
 * For each UTF-16 unit `i` of `text`, `[starts[off + i], ends[off + i])` is the range of the
 * ORIGINAL input (absolute UTF-16 indices) that produced it. Both units of a surrogate pair carry
 * the same range, as do all bytes of a character in Rust. A token covering normalized `[a, b)`
 * spans the original `[start(a), end(b - 1))` — Rust's `convert_offsets`: first start, last end.
 *
 * Slices share the alignment arrays (views); transformations build new ones.
 */
export class NormalizedString {
  constructor(
    readonly text: string,
    readonly starts: Int32Array,
    readonly ends: Int32Array,
    readonly off: number,
    /** Original index this string starts at (Rust `original_shift`): anchors inserted text at 0. */
    readonly shift: number,
  ) {}

  /** `original.slice(from, to)`, unnormalized: every unit aligned to its own code point. */
  static fromOriginal(original: string, from = 0, to = original.length): NormalizedString {
    const n = to - from;
    const starts = new Int32Array(n);
    const ends = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const pos = from + i;
      const c = original.charCodeAt(pos);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && isLowSurrogate(original.charCodeAt(pos + 1))) {
        starts[i] = starts[i + 1] = pos;
        ends[i] = ends[i + 1] = pos + 2;
        i++;
      } else {
        starts[i] = pos;
        ends[i] = pos + 1;
      }
    }
    return new NormalizedString(original.slice(from, to), starts, ends, 0, from);
  }

  get length(): number {
    return this.text.length;
  }

  /** Original start of normalized unit `i`. */
  startAt(i: number): number {
    return this.starts[this.off + i];
  }

  /** Original end of normalized unit `i`. */
  endAt(i: number): number {
    return this.ends[this.off + i];
  }

  /** Original range of normalized `[a, b)`; an empty range maps to the start of unit `a`. */
  originalRange(a: number, b: number): [number, number] {
    if (b <= a) {
      const at = a < this.text.length ? this.startAt(a) : a > 0 ? this.endAt(a - 1) : this.shift;
      return [at, at];
    }
    return [this.startAt(a), this.endAt(b - 1)];
  }

  /** The normalized sub-string `[a, b)` with its alignments (a view, nothing copied). */
  slice(a: number, b: number): NormalizedString {
    const shift = b > a ? this.startAt(a) : this.originalRange(a, a)[0];
    return new NormalizedString(this.text.slice(a, b), this.starts, this.ends, this.off + a, shift);
  }

  /** Keeps the characters for which `keep(codePoint)` holds; they keep their alignment. */
  filter(keep: (cp: number) => boolean): NormalizedString {
    const text = this.text;
    let out: AlignedBuilder | undefined;
    let run = 0; // start of the current run of kept units
    for (let i = 0; i < text.length; ) {
      const cp = text.codePointAt(i) as number;
      const width = cp > 0xffff ? 2 : 1;
      if (!keep(cp)) {
        out ??= new AlignedBuilder(text.length, this.shift);
        if (i > run) out.pushUnits(this, run, i - run);
        run = i + width;
      }
      i += width;
    }
    if (!out) return this;
    if (text.length > run) out.pushUnits(this, run, text.length - run);
    return out.build();
  }

  /**
   * Rust's `transform`: `chars[k]` (one code point each) with `changes[k]`:
   * 0 = replaces the next original character (takes its alignment), 1 = inserted (takes the
   * alignment of the character before), -n = replaces the next one and removes n more.
   * `initialOffset` characters are removed at the start. Consumption is positional, exactly as in
   * Rust, which matters when canonical reordering moves characters around.
   */
  transform(chars: readonly string[], changes: ArrayLike<number>, initialOffset: number): NormalizedString {
    const text = this.text;
    const out = new AlignedBuilder(text.length + 8, this.shift);
    let cursor = 0;
    for (let k = 0; k < initialOffset; k++) cursor = nextCodePointIndex(text, cursor);
    for (let k = 0; k < chars.length; k++) {
      const change = changes[k];
      let start: number;
      let end: number;
      if (change > 0) {
        if (cursor < 1) start = end = this.shift;
        else {
          start = this.startAt(cursor - 1);
          end = this.endAt(cursor - 1);
        }
      } else {
        start = this.startAt(cursor);
        end = this.endAt(cursor);
        cursor = nextCodePointIndex(text, cursor);
        for (let r = 0; r < -change; r++) cursor = nextCodePointIndex(text, cursor);
      }
      out.pushString(chars[k], start, end);
    }
    return out.build();
  }
}

/**
 * Longest normalized text (UTF-16 units): a tokenizer.json can make a text grow (a Replace of
 * every empty match by a long content), and the alignments take 8 bytes per unit.
 */
export const MAX_NORMALIZED_UNITS = 1 << 25;

/** Accumulates text and alignments without per-character objects. */
export class AlignedBuilder {
  private parts: string[] = [];
  private starts: Int32Array;
  private ends: Int32Array;
  private n = 0;

  constructor(
    capacity: number,
    private readonly shift: number,
  ) {
    this.starts = new Int32Array(Math.max(capacity, 4));
    this.ends = new Int32Array(Math.max(capacity, 4));
  }

  get length(): number {
    return this.n;
  }

  /** Appends `s` (any number of units), every unit aligned to `[start, end)`. */
  pushString(s: string, start: number, end: number): void {
    this.reserve(s.length);
    for (let i = 0; i < s.length; i++) {
      this.starts[this.n] = start;
      this.ends[this.n++] = end;
    }
    this.parts.push(s);
  }

  /** Appends `count` units of `src` starting at `i`, with their alignments (copied in bulk). */
  pushUnits(src: NormalizedString, i: number, count: number): void {
    if (count <= 0) return;
    this.reserve(count);
    const from = src.off + i;
    this.starts.set(src.starts.subarray(from, from + count), this.n);
    this.ends.set(src.ends.subarray(from, from + count), this.n);
    this.n += count;
    this.parts.push(count === 1 ? src.text[i] : src.text.slice(i, i + count));
  }

  build(): NormalizedString {
    return new NormalizedString(this.parts.join(''), this.starts, this.ends, 0, this.shift);
  }

  private reserve(extra: number): void {
    if (this.n + extra <= this.starts.length) return;
    if (this.n + extra > MAX_NORMALIZED_UNITS) {
      throw new TokenizerError(`normalizing makes the text longer than ${MAX_NORMALIZED_UNITS} characters`);
    }
    const size = Math.max(this.starts.length * 2, this.n + extra);
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    starts.set(this.starts.subarray(0, this.n));
    ends.set(this.ends.subarray(0, this.n));
    this.starts = starts;
    this.ends = ends;
  }
}

export function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Index after the code point that starts at `i`. */
export function nextCodePointIndex(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1)) ? i + 2 : i + 1;
}

/** Calls `fn(codePoint, index, width)` for each code point (lone surrogates included as-is). */
export function forEachCodePoint(s: string, fn: (cp: number, i: number, width: number) => void): void {
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i) as number;
    const width = cp > 0xffff ? 2 : 1;
    fn(cp, i, width);
    i += width;
  }
}
