/**
 * A set of code points decided by V8 and remembered: every single-code-point atom of a pattern
 * (a literal, `.`, a class such as `[^\s\p{L}]`, `\p{N}`) becomes one of these, so the meaning of
 * classes (Unicode properties, case folding under `i`, `v`-flag set operations) is exactly the
 * native one, while the native RegExp only ever sees one code point and so cannot backtrack.
 *
 *   const letters = CodePointSet.fromAtom('\\p{L}', 'u');
 *   letters.has(0x61)   → true  (asks V8 once, then reads its table)
 *   letters.has(0x20)   → false
 *
 * Answers are kept in 256-entry pages for the BMP (made on first use) and a Map above it.
 */

const UNKNOWN = 0;
const YES = 1;
const NO = 2;

export class CodePointSet {
  private readonly pages: Array<Uint8Array | undefined> = new Array(256);
  private readonly astral = new Map<number, boolean>();

  constructor(private readonly decide: (cp: number) => boolean) {}

  /** The code points one native atom matches: `^(?:atom)$` tested on each one alone. */
  static fromAtom(atom: string, flags: string): CodePointSet {
    const native = new RegExp(`^(?:${atom})$`, flags);
    return new CodePointSet((cp) => native.test(String.fromCodePoint(cp)));
  }

  has(cp: number): boolean {
    if (cp > 0xffff) {
      let known = this.astral.get(cp);
      if (known === undefined) {
        known = this.decide(cp);
        this.astral.set(cp, known);
      }
      return known;
    }
    let page = this.pages[cp >> 8];
    if (page === undefined) {
      page = new Uint8Array(256);
      this.pages[cp >> 8] = page;
    }
    const state = page[cp & 255];
    if (state !== UNKNOWN) return state === YES;
    const yes = this.decide(cp);
    page[cp & 255] = yes ? YES : NO;
    return yes;
  }
}
