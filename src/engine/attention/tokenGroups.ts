/**
 * Which tokens to show, and how to group them: hiding special tokens and merging sub-word
 * tokens into words both turn the `T × T` matrix into a smaller `K × K` one over *groups* of
 * tokens (a group is one token, or the pieces of one word).
 *
 * Aggregation, the one bertviz users expect: the attention **to** a word is the **sum** of the
 * attention to its pieces (the weights of one row are shares of one distribution), and the
 * attention **from** a word is the **mean** of its pieces' rows. So every row of the merged matrix
 * still sums to what its pieces' rows summed to (1 before anything is hidden):
 * `M[g][h] = mean_{i ∈ g} Σ_{j ∈ h} A[i][j]`.
 *
 * Hidden special tokens: their rows and columns are dropped, and by default each remaining row is
 * **renormalised** to sum to 1 (a distribution over the tokens shown; the weight the special
 * tokens took — often most of it in BERT — is spread proportionally). With `renormalize: false`
 * the rows keep their raw weights and sum to less than 1.
 */
import type { SquareMatrix } from './matrix';

/** What grouping needs to know of a token: its text span and whether it is special. */
export interface GroupToken {
  token: string;
  start: number;
  end: number;
  special: boolean;
}

export interface GroupOptions {
  hideSpecial: boolean;
  mergeSubwords: boolean;
}

const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

/**
 * True when token `i` continues the word of token `i − 1`: WordPiece marks it with `##`;
 * otherwise (byte-level BPE, SentencePiece) it must touch the previous token in the text, with
 * letters or digits on both sides of the boundary, and not start with a space marker (`Ġ`, `▁`).
 */
export function continuesWord(tokens: readonly GroupToken[], text: string, i: number): boolean {
  if (i === 0) return false;
  const t = tokens[i];
  const prev = tokens[i - 1];
  if (t.special || prev.special) return false;
  if (t.token.startsWith('##')) return true;
  if (/^[Ġ▁ ]/.test(t.token)) return false;
  if (t.start !== prev.end || t.start === 0 || t.start >= text.length) return false;
  return WORD_CHAR.test(text[t.start - 1]) && WORD_CHAR.test(text[t.start]);
}

/**
 * The groups of token indices shown, in order: `[[0], [1, 2], [3]]`. Hidden special tokens are
 * in no group; a special token is never merged with anything.
 */
export function tokenGroups(tokens: readonly GroupToken[], text: string, options: GroupOptions): number[][] {
  const groups: number[][] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (options.hideSpecial && tokens[i].special) continue;
    const last = groups[groups.length - 1];
    if (options.mergeSubwords && last && last[last.length - 1] === i - 1 && continuesWord(tokens, text, i)) last.push(i);
    else groups.push([i]);
  }
  return groups;
}

/** A group's label: the text it covers, or the token itself for special tokens. */
export function groupLabel(tokens: readonly GroupToken[], text: string, group: readonly number[]): string {
  if (group.length === 1) {
    const t = tokens[group[0]];
    return t.special || t.start === t.end ? t.token : text.slice(t.start, t.end).trim() || t.token;
  }
  const first = tokens[group[0]];
  const last = tokens[group[group.length - 1]];
  return text.slice(first.start, last.end).trim();
}

/** True when the groups are exactly the tokens `0 … n−1`, one each (nothing to do). */
export function isIdentity(groups: readonly number[][], n: number): boolean {
  return groups.length === n && groups.every((g, k) => g.length === 1 && g[0] === k);
}

/**
 * The `K × K` matrix over `groups`: sum over the key tokens of a group, mean over its query
 * tokens; then rows renormalised when `renormalize` (see the file comment).
 */
export function aggregate(m: SquareMatrix, groups: readonly number[][], options: { renormalize: boolean }): SquareMatrix {
  if (isIdentity(groups, m.n)) return m;
  const { n } = m;
  const k = groups.length;
  const owner = new Int32Array(n).fill(-1);
  groups.forEach((g, gi) => g.forEach((i) => (owner[i] = gi)));
  const data = new Float32Array(k * k);
  const rowSum = new Float64Array(k);
  for (let gi = 0; gi < k; gi++) {
    const g = groups[gi];
    const sums = new Float64Array(k);
    for (const i of g) {
      for (let j = 0; j < n; j++) {
        const o = owner[j];
        if (o >= 0) sums[o] += m.data[i * n + j];
      }
    }
    for (let gj = 0; gj < k; gj++) {
      data[gi * k + gj] = sums[gj] / g.length;
      rowSum[gi] += sums[gj] / g.length;
    }
  }
  if (options.renormalize) {
    for (let gi = 0; gi < k; gi++) {
      const s = rowSum[gi];
      if (s > 0) for (let gj = 0; gj < k; gj++) data[gi * k + gj] /= s;
    }
  }
  return { n: k, data };
}
