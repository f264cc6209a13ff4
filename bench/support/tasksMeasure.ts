/** What the tasks bench's workers are asked to do, and what they send back. */
import type { Engine } from './measure';

export type TaskKind = 'fill-mask' | 'generate' | 'surprisal';

export interface TaskBenchJob {
  engine: Engine;
  kind: TaskKind;
  /** HF-layout model folder (ours) and transformers.js's localModelPath + model id. */
  folder: string;
  tjsRoot: string;
  tjsModel: string;
  /** Our graph cache (the graphs are built by the parent before any worker starts). */
  graphCacheDir: string;
  repeats: number;
  /** fill-mask: the short and the 128-token inputs; generate: the prompt; surprisal: the document. */
  texts: string[];
  newTokens: number;
  /** surprisal: window and stride in tokens. */
  window: number;
  stride: number;
}

export interface TaskBenchResult {
  engine: Engine;
  kind: TaskKind;
  /** Tokenizer + session(s), ms. */
  loadMs: number;
  /** Per input of `texts`: timed samples in ms (after a warm-up). */
  samplesMs: number[][];
  /** surprisal: CPU time of the process (user + system, all threads) per sample, ms: less swayed than wall time by load elsewhere. */
  cpuMs: number[];
  /** generate: tokens produced per run; surprisal: tokens scored. */
  tokens: number[];
  /** generate: ms from the call to the first new token, per run. */
  firstTokenMs: number[];
  /** For the honesty checks: fill-mask top-5 ids per input; generate: the new text; surprisal: mean NLL. */
  top5: number[][];
  text: string;
  meanNll: number;
  inputTokens: number[];
  peakRssMiB: number;
}
