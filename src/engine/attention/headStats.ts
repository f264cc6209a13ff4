/**
 * Simple statistics of one head's attention matrix that help spot the patterns described in the
 * literature (Clark et al. 2019, "What does BERT look at?"): heads that look at the previous
 * token, at the token itself, at `[CLS]`/the first token, at `[SEP]`, or broadly everywhere.
 * Every figure is a mean over the query rows.
 */
import type { SquareMatrix } from './matrix';

/** What the statistics need to know of a token. */
export interface TokenInfo {
  token: string;
  special: boolean;
}

export type HeadPattern = 'previous' | 'self' | 'first' | 'sep' | 'broad' | 'mixed';

export interface HeadStats {
  /** Mean entropy of the rows, in bits. */
  entropy: number;
  /**
   * Mean of each row's entropy divided by the largest it could be (log2 of the keys the row may
   * see: all `T`, or `i + 1` for a causal model); 1 = uniform, 0 = one key. Rows with a single
   * allowed key are left out.
   */
  normalizedEntropy: number;
  /** Mean weight on the first token (column 0). */
  toFirst: number;
  /** Mean weight on `[CLS]` / `<s>` tokens. */
  toCls: number;
  /** Mean weight on `[SEP]` / `</s>` tokens. */
  toSep: number;
  /** Mean over rows `i ≥ 1` of the weight on token `i − 1`. */
  toPrevious: number;
  /** Mean weight of each token on itself (the diagonal). */
  toSelf: number;
  /** The dominant pattern: one of the targets above when it takes more than half the weight. */
  pattern: HeadPattern;
}

const CLS_TOKENS = new Set(['[CLS]', '<s>']);
const SEP_TOKENS = new Set(['[SEP]', '</s>']);

/** Share of weight above which a head is said to follow a pattern. */
export const PATTERN_THRESHOLD = 0.5;

export function headStats(m: SquareMatrix, tokens: readonly TokenInfo[], options: { causal?: boolean } = {}): HeadStats {
  const { n, data } = m;
  if (tokens.length !== n) throw new RangeError(`${tokens.length} tokens for a ${n}×${n} matrix`);
  if (n === 0) return { entropy: 0, normalizedEntropy: 0, toFirst: 0, toCls: 0, toSep: 0, toPrevious: 0, toSelf: 0, pattern: 'mixed' };
  const cls = tokens.map((t) => t.special && CLS_TOKENS.has(t.token));
  const sep = tokens.map((t) => t.special && SEP_TOKENS.has(t.token));
  let entropy = 0;
  let normalized = 0;
  let normalizedRows = 0;
  let toFirst = 0;
  let toCls = 0;
  let toSep = 0;
  let toPrevious = 0;
  let toSelf = 0;
  for (let i = 0; i < n; i++) {
    let h = 0;
    for (let j = 0; j < n; j++) {
      const p = data[i * n + j];
      if (p > 0) h -= p * Math.log2(p);
      if (cls[j]) toCls += p;
      if (sep[j]) toSep += p;
    }
    entropy += h;
    const allowed = options.causal ? i + 1 : n;
    if (allowed > 1) {
      normalized += h / Math.log2(allowed);
      normalizedRows++;
    }
    toFirst += data[i * n];
    toSelf += data[i * n + i];
    if (i > 0) toPrevious += data[i * n + i - 1];
  }
  const stats = {
    entropy: entropy / n,
    normalizedEntropy: normalizedRows ? normalized / normalizedRows : 0,
    toFirst: toFirst / n,
    toCls: toCls / n,
    toSep: toSep / n,
    toPrevious: n > 1 ? toPrevious / (n - 1) : 0,
    toSelf: toSelf / n,
  };
  return { ...stats, pattern: patternOf(stats) };
}

function patternOf(s: Omit<HeadStats, 'pattern'>): HeadPattern {
  const candidates: Array<[HeadPattern, number]> = [
    ['previous', s.toPrevious],
    ['self', s.toSelf],
    ['first', Math.max(s.toFirst, s.toCls)],
    ['sep', s.toSep],
  ];
  const [best, share] = candidates.reduce((a, b) => (b[1] > a[1] ? b : a));
  if (share > PATTERN_THRESHOLD) return best;
  return s.normalizedEntropy > 0.8 ? 'broad' : 'mixed';
}
