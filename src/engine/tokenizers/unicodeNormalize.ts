/**
 * NFD/NFKD/NFC/NFKC with alignments, replaying what Rust tokenizers does
 * (`unicode-normalization-alignments`): each character is decomposed (its first code point marked
 * 0 = "replaces", the rest 1 = "inserted"), runs of combining marks are stably sorted by canonical
 * combining class, then — for NFC/NFKC — starters are recomposed with the marks that follow,
 * a composition of k with c being marked `k + c - 1`. The (char, change) list is then applied
 * positionally by NormalizedString.transform, so offsets match the reference even when marks move.
 *
 * JavaScript exposes no combining classes, so they are probed with `String.prototype.normalize`
 * (results memoized): a mark is a starter iff it blocks reordering, and class(x) > class(y) iff
 * NFD swaps them after a base letter.
 */
import { AlignedBuilder, NormalizedString, forEachCodePoint } from './normalizedString';
import { keepsUndecomposed } from './unicodeClasses';

export type UnicodeForm = 'NFD' | 'NFKD' | 'NFC' | 'NFKC';

const decompositionMemo = [new Map<number, number[]>(), new Map<number, number[]>()];
const starterMemo = new Map<number, boolean>();
const greaterMemo = new Map<number, boolean>();
const composeMemo = new Map<number, number>();

function codePoints(s: string): number[] {
  const out: number[] = [];
  forEachCodePoint(s, (cp) => out.push(cp));
  return out;
}

function decomposeChar(cp: number, compatibility: boolean): number[] {
  const memo = decompositionMemo[compatibility ? 1 : 0];
  let d = memo.get(cp);
  if (!d) {
    d = keepsUndecomposed(cp, compatibility) ? [cp] : codePoints(String.fromCodePoint(cp).normalize(compatibility ? 'NFKD' : 'NFD'));
    memo.set(cp, d);
  }
  return d;
}

/** Canonical combining class 0? (Everything below U+0300 is.) */
export function isStarter(cp: number): boolean {
  if (cp < 0x300) return true;
  let s = starterMemo.get(cp);
  if (s === undefined) {
    // A starter ends the mark run, so nothing moves; any other class gets sorted against
    // U+0301 (230) and U+0334 (1) and changes the order.
    const probe = `a\u0301${String.fromCodePoint(cp)}\u0334`;
    s = probe.normalize('NFD') === probe;
    starterMemo.set(cp, s);
  }
  return s;
}

/** ccc(x) > ccc(y), for two non-starters. */
function classGreater(x: number, y: number): boolean {
  const key = x * 0x110000 + y;
  let g = greaterMemo.get(key);
  if (g === undefined) {
    const probe = `a${String.fromCodePoint(x)}${String.fromCodePoint(y)}`;
    g = probe.normalize('NFD') !== probe;
    greaterMemo.set(key, g);
  }
  return g;
}

/** The primary composite of (a, b), or -1. */
function compose(a: number, b: number): number {
  const key = a * 0x110000 + b;
  let r = composeMemo.get(key);
  if (r === undefined) {
    const pair = String.fromCodePoint(a) + String.fromCodePoint(b);
    const composed = pair.normalize('NFC');
    const cp = composed.codePointAt(0) as number;
    r = composed !== pair && composed.length === (cp > 0xffff ? 2 : 1) ? cp : -1;
    composeMemo.set(key, r);
  }
  return r;
}

interface Stream {
  cps: number[];
  changes: number[];
}

/** Decomposition stream of `text`, marks sorted canonically, with Rust's change markers. */
function decomposeStream(text: string, compatibility: boolean): Stream {
  const out: Stream = { cps: [], changes: [] };
  const run: Array<{ cp: number; change: number }> = [];
  const flush = (): void => {
    if (run.length > 1) run.sort((p, q) => (classGreater(p.cp, q.cp) ? 1 : classGreater(q.cp, p.cp) ? -1 : 0));
    for (const m of run) {
      out.cps.push(m.cp);
      out.changes.push(m.change);
    }
    run.length = 0;
  };
  forEachCodePoint(text, (cp) => {
    const d = decomposeChar(cp, compatibility);
    for (let i = 0; i < d.length; i++) {
      const change = i === 0 ? 0 : 1;
      if (isStarter(d[i])) {
        flush();
        out.cps.push(d[i]);
        out.changes.push(change);
      } else run.push({ cp: d[i], change });
    }
  });
  flush();
  return out;
}

/** Canonical recomposition of a decomposition stream (Rust's `Recompositions`). */
function recompose(input: Stream): Stream {
  const out: Stream = { cps: [], changes: [] };
  const emit = (cp: number, change: number): void => {
    out.cps.push(cp);
    out.changes.push(change);
  };
  const buffer: Stream = { cps: [], changes: [] };
  const purge = (): void => {
    for (let i = 0; i < buffer.cps.length; i++) emit(buffer.cps[i], buffer.changes[i]);
    buffer.cps.length = 0;
    buffer.changes.length = 0;
  };
  let composee = -1;
  let composeeChange = 0;
  let last = -1; // the last buffered mark (its class is Rust's `last_ccc`), -1 = none
  for (let i = 0; i < input.cps.length; i++) {
    const ch = input.cps[i];
    const change = input.changes[i];
    const starter = isStarter(ch);
    if (composee < 0) {
      if (!starter) emit(ch, change);
      else {
        composee = ch;
        composeeChange = change;
      }
      continue;
    }
    if (last >= 0 && (starter || !classGreater(ch, last))) {
      // Blocked from the composee.
      if (starter) {
        emit(composee, composeeChange);
        purge();
        composee = ch;
        composeeChange = change;
        last = -1;
      } else {
        buffer.cps.push(ch);
        buffer.changes.push(change);
        last = ch;
      }
      continue;
    }
    const r = compose(composee, ch);
    if (r >= 0) {
      composee = r;
      composeeChange = composeeChange + change - 1;
    } else if (last < 0 && starter) {
      emit(composee, composeeChange);
      composee = ch;
      composeeChange = change;
    } else {
      buffer.cps.push(ch);
      buffer.changes.push(change);
      last = ch;
    }
  }
  if (composee >= 0) emit(composee, composeeChange);
  purge();
  return out;
}

function normalizePiece(ns: NormalizedString, form: UnicodeForm): NormalizedString {
  const compatibility = form === 'NFKD' || form === 'NFKC';
  let stream = decomposeStream(ns.text, compatibility);
  if (form === 'NFC' || form === 'NFKC') stream = recompose(stream);
  const chars = stream.cps.map((cp) => String.fromCodePoint(cp));
  return ns.transform(chars, stream.changes, 0);
}

/**
 * Applies a Unicode normalization form with alignments. A space neither decomposes nor composes
 * with its neighbours, so the text is handled piece by piece (each piece starting at a space, whose
 * alignment a character inserted first would take, as in Rust), and only the pieces the form
 * changes are replayed; an unchanged string is returned as-is.
 */
export function normalizeUnicode(ns: NormalizedString, form: UnicodeForm): NormalizedString {
  const text = ns.text;
  if (text.normalize(form) === text) return ns;
  const out = new AlignedBuilder(text.length + 8, ns.shift);
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf(' ', start + 1);
    if (end < 0) end = text.length;
    const piece = text.slice(start, end);
    if (piece.normalize(form) === piece) out.pushUnits(ns, start, end - start);
    else {
      const done = normalizePiece(ns.slice(start, end), form);
      out.pushUnits(done, 0, done.length);
    }
    start = end;
  }
  return out.build();
}
