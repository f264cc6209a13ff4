/**
 * The surprisal lens's colour scale and its summaries: pure, so the unit tests check them.
 * Levels follow the bits of surprisal `-log2 P(x_t | x_<t)`: a token the model expected (< 1 bit,
 * P > 1/2) is level 0, a very surprising one (≥ 12 bits, P < 1/4096) the last level. Each level
 * is a theme colour (`transformerExplorer.surprisal.level{N}`, package.json `contributes.colors`),
 * so light, dark and high-contrast themes each get their own shade.
 */

/** Upper bounds (bits, exclusive) of every level but the last. */
export const SURPRISAL_THRESHOLDS: readonly number[] = [1, 3, 5, 8, 12];
export const SURPRISAL_LEVELS = SURPRISAL_THRESHOLDS.length + 1;

/** The level (0 … SURPRISAL_LEVELS − 1) of a surprisal in bits; NaN and negatives are level 0. */
export function surprisalLevel(bits: number): number {
  if (!(bits > 0)) return 0;
  const i = SURPRISAL_THRESHOLDS.findIndex((t) => bits < t);
  return i < 0 ? SURPRISAL_LEVELS - 1 : i;
}

/** The theme colour id of a level. */
export function levelColorId(level: number): string {
  return `transformerExplorer.surprisal.level${level}`;
}

/** `[low, high)` bits of a level (high = Infinity for the last). */
export function levelRange(level: number): [number, number] {
  const low = level === 0 ? 0 : SURPRISAL_THRESHOLDS[level - 1];
  const high = level < SURPRISAL_THRESHOLDS.length ? SURPRISAL_THRESHOLDS[level] : Number.POSITIVE_INFINITY;
  return [low, high];
}

export interface ScoredSpan {
  start: number;
  end: number;
  /** bits */
  surprisal: number;
}

export interface SurprisalSummary {
  tokens: number;
  /** exp(mean NLL in nats) */
  perplexity: number;
  /** total bits / characters covered */
  bitsPerChar: number;
  characters: number;
}

/**
 * Perplexity and bits per character of the tokens that lie inside [start, end) (all when no range):
 * PPL = exp(mean NLL), NLL in nats = bits · ln 2; characters = the span from the first token's
 * start to the last token's end. Undefined when no token lies inside.
 */
export function summarize(tokens: readonly ScoredSpan[], range?: { start: number; end: number }): SurprisalSummary | undefined {
  const inside = range ? tokens.filter((t) => t.start >= range.start && t.end <= range.end && t.end > t.start) : tokens.filter((t) => t.end > t.start);
  if (inside.length === 0) return undefined;
  const bits = inside.reduce((sum, t) => sum + t.surprisal, 0);
  const characters = inside[inside.length - 1].end - inside[0].start;
  return {
    tokens: inside.length,
    perplexity: Math.exp((bits * Math.LN2) / inside.length),
    bitsPerChar: characters > 0 ? bits / characters : 0,
    characters,
  };
}

/**
 * Tokens still valid after the text [changeStart, changeEnd) was replaced by `newLength`
 * characters. Causal models: a token's surprisal depends only on the text before it, so tokens
 * ending before the change stay (one touching it may be cut differently now: stale); the rest is stale. Bidirectional (pseudo) scores depend on both
 * sides: every token is stale.
 */
export function keepValid<T extends ScoredSpan>(tokens: readonly T[], changeStart: number, kind: 'causal' | 'pseudo'): T[] {
  if (kind === 'pseudo') return [];
  return tokens.filter((t) => t.end < changeStart);
}
