/**
 * The bounds of every knob of the prediction tasks, defined once: the CLI (usage error above a
 * bound), the model host (invalidParams), the extension's settings and panels (a value out of
 * range falls back to its default) and package.json's `minimum`/`maximum` (a unit test compares
 * them) all read them here. They keep a typo (1,000 beams, 1e9 tokens) from hanging a process
 * or filling its memory: beam search costs a forward pass of `numBeams` sequences per token.
 *
 *   inRange(16, TASK_LIMITS.numBeams)   → true
 *   rangeText(TASK_LIMITS.numBeams)     → 'a whole number from 1 to 16'
 */

/** An inclusive range of whole numbers. */
export interface IntRange {
  readonly min: number;
  readonly max: number;
}

export const TASK_LIMITS = {
  /** Tokens one generation may add. */
  maxNewTokens: { min: 1, max: 2048 },
  /** Beams of beam search. */
  numBeams: { min: 1, max: 16 },
  /** Sampling's top-k filter (0 = off). */
  topK: { min: 0, max: 1000 },
  /** Candidates recorded per generated step. */
  showTopK: { min: 0, max: 100 },
  /** Sampling's random seed (32 bits). */
  seed: { min: 0, max: 2 ** 32 - 1 },
  /** Candidates listed per position (fill-mask, logits, surprisal, BERT vs GPT). */
  candidates: { min: 1, max: 1000 },
  /** Candidates listed per scored token of surprisal (0 = none). */
  surprisalTopK: { min: 0, max: 1000 },
  /** Surprisal's window and stride, in tokens (the model's context bounds the window further). */
  window: { min: 2, max: 1 << 16 },
  stride: { min: 1, max: 1 << 16 },
  /** Stop sequences of one generation, and characters of each. */
  stopSequences: { min: 0, max: 16 },
  stopChars: { min: 1, max: 200 },
  /** Candidates of the user's own (fill-mask targets), and characters of each. */
  targets: { min: 0, max: 100 },
  targetChars: { min: 1, max: 200 },
  /** Merges of "Learn BPE". */
  merges: { min: 0, max: 5000 },
} as const satisfies Record<string, IntRange>;

export type TaskLimit = keyof typeof TASK_LIMITS;

/** Whether `n` is a whole number within `range`. */
export function inRange(n: unknown, range: IntRange): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= range.min && n <= range.max;
}

/** `a whole number from 1 to 16`, for messages. */
export function rangeText(range: IntRange): string {
  return `a whole number from ${range.min} to ${range.max}`;
}
