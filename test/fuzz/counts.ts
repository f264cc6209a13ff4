/** How many cases each class runs: a full run (the minimums and more), and the smoke test's share. */
import type { FuzzClass } from './recipe';

export const FULL_COUNTS: Record<FuzzClass, number> = {
  safetensors: 100_000,
  tokenizer: 20_000,
  sentencepiece: 10_000,
  config: 3_000,
  'graph-cache': 400,
  cli: 300,
};

/** A few hundred per class (the CLI's cases start node twice each, so fewer). */
export const SMOKE_COUNTS: Record<FuzzClass, number> = {
  safetensors: 400,
  tokenizer: 250,
  sentencepiece: 200,
  config: 150,
  'graph-cache': 50,
  cli: 16,
};

/**
 * Default time budget of a full run: cases, then shrinking the failures (at most 4 minutes of it).
 * A full run takes 15–20 minutes on 2 idle cores; the margin is for a machine shared with others.
 */
export const FULL_BUDGET_S = 1500;
