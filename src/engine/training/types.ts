/**
 * Training a GPT-2 (causal LM) and/or a BERT (masked LM) from scratch on the user's own text —
 * the course's lab (`../shared/seeds/003`) run from the editor or `trex train`.
 *
 * The contract between the engine (`src/engine/training/`, plain Node: corpus, split, tokenizer,
 * the Python process, its progress lines, the report) and its two front ends (the VS Code command
 * and panel, the CLI). Everything that crosses into a webview is a plain JSON value of these types.
 */

/** What the model learns: next token (GPT-2), masked tokens (BERT, 15 % with 80/10/10), or both on the same data. */
export type TrainingObjective = 'clm' | 'mlm' | 'both';
/** One model's objective (a run with `both` trains one model of each, one after the other). */
export type ModelObjective = 'clm' | 'mlm';

export type SizePreset = 'tiny' | 'small' | 'custom';

export interface ModelShape {
  /** Layers L. */
  readonly layers: number;
  /** Hidden size d (a multiple of `heads`). */
  readonly hidden: number;
  readonly heads: number;
  /** Context (positions) in tokens. */
  readonly context: number;
}

export type TrainingDevice = 'cpu' | 'cuda';

export interface TrainingOptions {
  /** The training text, already gathered (selection, file or files of a glob), and where it came from. */
  readonly corpus: TrainingCorpus;
  readonly objective: TrainingObjective;
  readonly preset: SizePreset;
  /** The shape: the preset's, or the user's for `custom`. */
  readonly shape: ModelShape;
  /** Vocabulary size of the tokenizer our own trainer learns on the training split (byte-level BPE for GPT-2, WordPiece for BERT). */
  readonly vocabSize: number;
  /** Length of the run: optimiser steps (epochs are converted to steps before starting). */
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  readonly device: TrainingDevice;
  /** Fraction of the text kept for validation (0.1 by default), split on paragraph/line boundaries. */
  readonly validationFraction: number;
  /** Evaluate (validation loss, perplexity) and show a sample every this many steps. */
  readonly evalEvery: number;
  /** CLM sample prompt / MLM probe sentence (with one `[MASK]`); defaults are taken from the corpus. */
  readonly prompt?: string;
  readonly probe?: string;
  /** Folder the model(s) go into: `<outputDir>/<name>-gpt2` and/or `<outputDir>/<name>-bert`, or `<outputDir>/<name>` for one objective. */
  readonly outputDir: string;
  readonly name: string;
  /** The Python interpreter to run (found by the front end). */
  readonly python: string;
}

export interface TrainingCorpus {
  /** Where the text came from, for the report: "selection of notes.md", "src/**\/*.md (12 files)". */
  readonly source: string;
  readonly text: string;
}

/** What the user sees before starting: sizes and split, parameter counts, tokens. */
export interface TrainingPlan {
  readonly characters: number;
  readonly trainCharacters: number;
  readonly validationCharacters: number;
  /** One per model the run trains. */
  readonly models: readonly PlannedModel[];
}

export interface PlannedModel {
  readonly objective: ModelObjective;
  /** Exact parameter count of the model to train. */
  readonly parameters: number;
  /** The course's estimate 12·L·d² + V·d. */
  readonly estimate: number;
  readonly trainTokens: number;
  readonly validationTokens: number;
  /** Where the Hugging Face folder will be written. */
  readonly folder: string;
  /** Entries of the vocabulary learned (at most the requested size: a small text runs out of merges). */
  readonly vocabSize: number;
}

/** Why a run could not start or ended badly, with what to do about it. */
export type TrainingProblemKind =
  | 'no-python'          // the interpreter does not run
  | 'no-torch'           // `import torch` fails: install command in `fix`
  | 'corpus-too-small'   // fewer tokens than one context (+1) in a split
  | 'busy'               // a run is already going in this workspace
  | 'crashed'            // the Python process died: its last stderr lines in `detail`
  | 'bad-options';

export interface TrainingProblem {
  readonly kind: TrainingProblemKind;
  readonly message: string;
  /** The figures of the message, for a front end that says it in its own language. */
  readonly facts?: {
    readonly characters?: number;
    /** corpus-too-small: the part short of one context (absent: the text is one paragraph). */
    readonly part?: 'training' | 'validation';
    readonly tokens?: number;
    readonly context?: number;
    readonly model?: ModelObjective;
    /** crashed: how the process ended ("exit code 1", "signal SIGKILL"). */
    readonly ended?: string;
  };
  /** A command the user can run to fix it (e.g. `python3 -m pip install torch`). */
  readonly fix?: string;
  readonly detail?: string;
}

/** Progress of a run, in order. Also `trex train`'s JSON lines (one event per line). */
export type TrainingEvent =
  | { readonly type: 'plan'; readonly plan: TrainingPlan }
  | { readonly type: 'tokenizer'; readonly objective: ModelObjective; readonly vocabSize: number; readonly seconds: number }
  | { readonly type: 'start'; readonly objective: ModelObjective; readonly parameters: number; readonly steps: number; readonly device: TrainingDevice; readonly torch: string }
  | {
      readonly type: 'step';
      readonly objective: ModelObjective;
      readonly step: number;
      readonly steps: number;
      readonly loss: number;
      readonly learningRate: number;
      readonly tokensPerSecond: number;
      readonly elapsedSeconds: number;
      readonly remainingSeconds: number;
    }
  | {
      readonly type: 'eval';
      readonly objective: ModelObjective;
      readonly step: number;
      readonly validationLoss: number;
      /** exp(loss); for MLM the pseudo-perplexity over the masked positions. */
      readonly perplexity: number;
    }
  | {
      readonly type: 'sample';
      readonly objective: ModelObjective;
      readonly step: number;
      /** CLM: the prompt and the greedy continuation. MLM: the probe and the top fills of its mask. */
      readonly input: string;
      readonly output: string;
    }
  | { readonly type: 'checkpoint'; readonly objective: ModelObjective; readonly step: number; readonly folder: string }
  | { readonly type: 'done'; readonly result: TrainingResult }
  | { readonly type: 'error'; readonly problem: TrainingProblem };

export interface TrainedModel {
  readonly objective: ModelObjective;
  /** The Hugging Face folder: config.json, tokenizer.json, model.safetensors. */
  readonly folder: string;
  readonly steps: number;
  /** The mean training loss of the last steps reported; undefined when stopped before the first step. */
  readonly finalTrainLoss: number | undefined;
  readonly finalValidationLoss: number;
  readonly perplexity: number;
  /** True when the run was stopped before its last step (the folder holds the last good checkpoint). */
  readonly stoppedEarly: boolean;
}

export interface TrainingResult {
  readonly models: readonly TrainedModel[];
  /** The Markdown report written next to the model folders. */
  readonly report: string;
  readonly seconds: number;
}

/** A started run. `stop()` asks the process to save its last good checkpoint and end; `done` settles with the result (or rejects with a TrainingError). */
export interface TrainingRun {
  readonly done: Promise<TrainingResult>;
  stop(): void;
}

/**
 * The engine's entry points (implemented in `src/engine/training/`, exported from `index.ts`):
 *
 * - `SIZE_PRESETS: Record<'tiny' | 'small', ModelShape>` — tiny: 2 layers, d = 64, 2 heads, 64
 *   positions; small: 4 layers, d = 128, 4 heads, 128 positions.
 * - `defaultTrainingOptions(corpus, outputDir, python): TrainingOptions`.
 * - `checkPython(python): Promise<{ python: string; torch: string; cuda: boolean } | TrainingProblem>` —
 *   runs the interpreter, imports torch; `no-python` / `no-torch` with the install command in `fix`.
 * - `planTraining(options): Promise<TrainingPlan | TrainingProblem>` — split, tokenizer(s), counts;
 *   `corpus-too-small` when a split has fewer tokens than one context + 1.
 * - `startTraining(options, onEvent: (e: TrainingEvent) => void): TrainingRun` — tokenizer, ids,
 *   the Python process (the script shipped in `python/trex_train.py`), its JSON progress lines as
 *   events, the report. `done` rejects with `TrainingError` (which carries a `TrainingProblem`).
 */
