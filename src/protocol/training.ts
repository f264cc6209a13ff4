/** The Training panel's messages: a run from scratch, followed live. Types only (see `wire.ts`). */
import type { TrainingEvent, TrainingOptions, TrainingPlan, TrainingProblem, TrainingResult } from '../engine/training/types';
import type { LocalizedStrings } from './wire';

export type { TrainingEvent, TrainingPlan, TrainingProblem, TrainingResult };

/** Where a run is: going, asked to stop (saving), finished, failed, or cut by a window reload. */
export type TrainingStatus = 'running' | 'stopping' | 'done' | 'failed' | 'interrupted';

/** What the panel shows above the curves: the run's settings (the options' own fields), where the text came from and which Python ran. */
export type TrainingSettingsShown = Pick<TrainingOptions, 'objective' | 'preset' | 'shape' | 'vocabSize' | 'steps' | 'batchSize' | 'learningRate' | 'seed' | 'device' | 'python'> & {
  readonly source: string;
  readonly characters: number;
  readonly torch: string;
};

/** The whole run as the panel needs it (also the panel's saved state). */
export interface TrainingSnapshot {
  readonly id: number;
  readonly status: TrainingStatus;
  readonly settings: TrainingSettingsShown;
  readonly events: readonly TrainingEvent[];
  readonly result?: TrainingResult;
  readonly problem?: TrainingProblem;
}

/** What the panel drew, for tests: points of each curve and the figures shown. */
export interface TrainingDrawReport {
  readonly id: number;
  readonly status: TrainingStatus;
  /** Per model: training-loss points, validation points, the last loss and perplexity shown. */
  readonly models: ReadonlyArray<{ objective: 'clm' | 'mlm'; trainPoints: number; evalPoints: number; lastLoss?: number; perplexity?: number; samples: number }>;
  readonly stopEnabled: boolean;
}

export type TrainingStringKey =
  | 'title'
  | 'corpus'
  | 'model'
  | 'gpt2'
  | 'bert'
  | 'parameters'
  | 'split'
  | 'hyper'
  | 'python'
  | 'trainingLoss'
  | 'validationLoss'
  | 'perplexity'
  | 'pseudoPerplexity'
  | 'step'
  | 'loss'
  | 'tokensPerSecond'
  | 'elapsed'
  | 'remaining'
  | 'samples'
  | 'noSamples'
  | 'stop'
  | 'stopping'
  | 'running'
  | 'done'
  | 'failed'
  | 'interrupted'
  | 'useModel'
  | 'openReport'
  | 'compare'
  | 'waiting'
  | 'tokenizer'
  | 'stoppedEarly'
  | 'caveat'
  | 'fix';

export type TrainingChannel = {
  requests: Record<never, never>;
  toWebview: {
    'panel/didInit': { strings: LocalizedStrings<TrainingStringKey> };
    /** The whole run (on open, on a new run). */
    'training/didReset': TrainingSnapshot;
    /** One more event of the run shown. */
    'training/didEvent': { id: number; event: TrainingEvent; status: TrainingStatus };
  };
  toHost: {
    'webview/ready': Record<string, never>;
    'training/stop': { id: number };
    'model/use': { folder: string };
    'report/open': { path: string };
    'models/compare': { causal: string; masked: string };
    'view/didDraw': TrainingDrawReport;
  };
};
