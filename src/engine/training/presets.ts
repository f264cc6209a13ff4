import { cpus } from 'node:os';
import * as path from 'node:path';
import type { IntRange } from '../tasks/limits';
import type { ModelObjective, ModelShape, SizePreset, TrainingCorpus, TrainingOptions } from './types';

/** Bounds of the training settings, one set for the CLI and the editor's questions (checkOptions checks the rest). */
export const TRAINING_LIMITS = {
  layers: { min: 1, max: 64 },
  hidden: { min: 8, max: 8192 },
  heads: { min: 1, max: 128 },
  context: { min: 8, max: 8192 },
  vocab: { min: 300, max: 50_000 },
  steps: { min: 1, max: 10_000_000 },
  batch: { min: 1, max: 4096 },
  evalEvery: { min: 1, max: 10_000_000 },
  seed: { min: 0, max: 2 ** 31 - 1 },
} as const satisfies Record<string, IntRange>;

/** The course lab's sizes: tiny trains in seconds on a laptop CPU, small in minutes. */
export const SIZE_PRESETS: Readonly<Record<Exclude<SizePreset, 'custom'>, ModelShape>> = {
  tiny: { layers: 2, hidden: 64, heads: 2, context: 64 },
  small: { layers: 4, hidden: 128, heads: 4, context: 128 },
};

/** Exact parameter count of the model trainers/python/trex_models.py builds for `objective` (GPT-2: wte, wpe, blocks, ln_f, head tied; BERT: embeddings with token types and LayerNorm, layers, MLM head with its transform and bias, decoder tied). */
export function parameterCount(objective: ModelObjective, shape: ModelShape, vocabSize: number): number {
  const { layers: L, hidden: d, context: n } = shape;
  const perLayer = 12 * d * d + 13 * d;
  if (objective === 'clm') return vocabSize * d + n * d + L * perLayer + 2 * d;
  return vocabSize * d + n * d + 2 * d + 2 * d + L * perLayer + (d * d + d) + 2 * d + vocabSize;
}

/** The course's estimate 12·L·d² + V·d. */
export function parameterEstimate(shape: ModelShape, vocabSize: number): number {
  return 12 * shape.layers * shape.hidden * shape.hidden + vocabSize * shape.hidden;
}

/** A vocabulary that suits the text's size: about 4·√characters, between 400 and 4,000 entries. */
export function defaultVocabSize(characters: number): number {
  return Math.min(4000, Math.max(400, Math.round((4 * Math.sqrt(Math.max(0, characters))) / 50) * 50));
}

/** A folder-safe model name from the corpus's source ("notes.md" → "notes"). */
export function defaultModelName(source: string): string {
  const base = path.basename(source.split(/[\s(]/)[0] ?? '').replace(/\.[^.]*$/, '');
  const safe = base.normalize('NFD').replace(/[^\w-]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase();
  return safe || 'my-model';
}

export function defaultTrainingOptions(corpus: TrainingCorpus, outputDir: string, python: string): TrainingOptions {
  return {
    corpus,
    objective: 'both',
    preset: 'tiny',
    shape: SIZE_PRESETS.tiny,
    vocabSize: defaultVocabSize(corpus.text.length),
    steps: 400,
    batchSize: 16,
    learningRate: 2e-3,
    seed: 42,
    device: 'cpu',
    validationFraction: 0.1,
    evalEvery: 40,
    outputDir,
    name: defaultModelName(corpus.source),
    python,
  };
}

/** Threads for PyTorch: the machine's cores, at most 4 (a small model gains nothing beyond). */
export function trainingThreads(): number {
  return Math.max(1, Math.min(4, cpus().length));
}

/** Where each model of a run goes: `<outputDir>/<name>-gpt2` / `-bert` for `both`, else `<outputDir>/<name>`. */
export function modelFolder(options: Pick<TrainingOptions, 'outputDir' | 'name' | 'objective'>, objective: ModelObjective): string {
  if (options.objective !== 'both') return path.join(options.outputDir, options.name);
  return path.join(options.outputDir, `${options.name}-${objective === 'clm' ? 'gpt2' : 'bert'}`);
}

export function objectivesOf(objective: TrainingOptions['objective']): ModelObjective[] {
  return objective === 'both' ? ['clm', 'mlm'] : [objective];
}

/** What is wrong with the options, or undefined. */
export function checkOptions(o: TrainingOptions): string | undefined {
  const { layers, hidden, heads, context } = o.shape;
  const positive = (v: number) => Number.isInteger(v) && v > 0;
  if (![layers, hidden, heads, context, o.steps, o.batchSize, o.evalEvery].every(positive)) return 'layers, hidden size, heads, context, steps, batch and evaluation interval must be positive integers';
  if (hidden % heads !== 0) return `the hidden size ${hidden} is not a multiple of the ${heads} heads`;
  if (context < 8) return 'a context of at least 8 tokens is needed';
  if (!(o.learningRate > 0 && o.learningRate < 1)) return `learning rate ${o.learningRate} is outside (0, 1)`;
  if (!(o.validationFraction > 0 && o.validationFraction < 0.5)) return 'the validation share must be between 0 and 0.5';
  if (!Number.isInteger(o.vocabSize) || o.vocabSize < TRAINING_LIMITS.vocab.min || o.vocabSize > TRAINING_LIMITS.vocab.max) return `a vocabulary of ${o.vocabSize} entries: choose 300 to 50,000`;
  if (!/^[\w.-]+$/.test(o.name)) return `“${o.name}” is not a folder name (letters, digits, - _ .)`;
  return undefined;
}
