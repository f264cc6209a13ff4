/** A token's place in the text, and whether it is a special token (`[CLS]`, `<|endoftext|>`…). */
export interface PlacedToken {
  start: number;
  end: number;
  special?: boolean;
}

/**
 * The index of the non-special token covering `offset` of the text (an offset at a token's end
 * counts for it when no token starts there): the token under the editor's cursor. `undefined` off
 * the tokens.
 */
export function tokenAt(shown: { readonly tokens: ReadonlyArray<PlacedToken> }, offset: number): number | undefined {
  let atEnd: number | undefined;
  for (let i = 0; i < shown.tokens.length; i++) {
    const t = shown.tokens[i];
    if (t.special || t.start === t.end) continue;
    if (offset >= t.start && offset < t.end) return i;
    if (offset === t.end) atEnd = i;
  }
  return atEnd;
}
