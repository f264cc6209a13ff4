/**
 * `trex train`: trains a GPT-2 (clm) and/or a BERT (mlm) from scratch on the user's text with the
 * user's Python and PyTorch, through the engine's training module (src/engine/training/). Progress
 * goes to stderr as lines a person reads (or, with --json, every TrainingEvent as one JSON line on
 * stdout); the summary of the trained models goes to stdout. Ctrl-C once saves the last complete
 * step and ends the run normally; twice, exits at once (130).
 */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { quoteValue } from '../engine/errorText';
import {
  SIZE_PRESETS, TRAINING_LIMITS, checkOptions, checkPython, defaultModelName, defaultTrainingOptions, isProblem, planTraining, startTraining, TrainingError,
  type ModelObjective, type ModelShape, type SizePreset, type TrainingCorpus, type TrainingEvent, type TrainingObjective, type TrainingOptions,
  type TrainingPlan, type TrainingResult, type TrainingRun,
} from '../engine/training';
import { parseArgs, UsageError } from './args';
import { readAll } from './input';
import { choiceOption, intOption, numberOption, textOption } from './options';
import { InputError } from './userErrors';

/** 64 MiB: a corpus far above what the tiny and small presets learn from in a session (Genesis is 0.2 MiB). */
export const MAX_CORPUS_BYTES = 64 * 1024 * 1024;

/** Where the models go unless --out says: `.trex/models` under the current directory. */
export const DEFAULT_OUTPUT_DIR = path.join('.trex', 'models');

const OBJECTIVES: readonly TrainingObjective[] = ['both', 'clm', 'mlm'];
const PRESETS: readonly SizePreset[] = ['tiny', 'small', 'custom'];

const BOUNDS = TRAINING_LIMITS;
const MAX_EPOCHS = 10_000;
const MAX_TEXT_OPTION = 1000;

const SHAPE_OPTIONS: ReadonlyArray<readonly [keyof ModelShape, string]> = [['layers', '--layers'], ['hidden', '--hidden'], ['heads', '--heads'], ['context', '--context']];

export const TRAIN_HELP = `  trex train [--objective clm|mlm|both] [--preset tiny|small|custom] [--layers L --hidden D --heads H
      --context N] [--vocab V] [--steps N | --epochs E] [--batch B] [--lr X] [--seed S] [--device cpu|cuda]
      [--eval-every N] [--validation F] [--prompt TEXT] [--probe TEXT] [--out DIR] [--name NAME]
      [--python PATH] [--json] [FILE…]
      Train a GPT-2 (clm, next token) and/or a BERT (mlm, masked tokens) from scratch on the FILEs
      (joined by blank lines) or stdin (at most ${MAX_CORPUS_BYTES / (1024 * 1024)} MiB), with Python and PyTorch (--python, else
      $TREX_PYTHON, else python3). Presets: tiny (default; L 2, d 64, 2 heads, 64 positions), small
      (L 4, d 128, 4 heads, 128 positions), custom (give all four); --layers/--hidden/--heads/--context
      also change a preset. Defaults: both, 400 steps of 16 sequences, lr 0.002, evaluation every 40
      steps, 10 % validation, a vocabulary sized to the text; --epochs E runs E passes over the
      largest model's training tokens. The folders go to --out (default ${DEFAULT_OUTPUT_DIR}): NAME or
      NAME-gpt2 and NAME-bert (config.json, tokenizer.json, model.safetensors), with NAME-report.md.
      Progress on stderr, the summary on stdout; --json: every event as one JSON line on stdout
      ({"type":"plan"|"tokenizer"|"start"|"step"|"eval"|"sample"|"checkpoint"|"done"|"error",…}).
      Ctrl-C saves the last complete step and ends the run; a second Ctrl-C exits at once (130).
`;

const LABEL: Record<ModelObjective, string> = { clm: 'clm (GPT-2)', mlm: 'mlm (BERT)' };

/** 12345.6 → "12,346". */
function count(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Seconds as m:ss, or h:mm:ss from an hour. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(Number.isFinite(seconds) ? seconds : 0));
  const [h, m, r] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const two = (v: number): string => String(v).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(r)}` : `${m}:${two(r)}`;
}

/** A path for messages: relative to the current directory when it is inside it. */
function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/** The deepest folder that holds all of `folders` (absolute paths). */
function commonFolder(folders: readonly string[]): string {
  return folders.reduce((a, b) => {
    let common = a;
    while (common !== b && !b.startsWith(common.endsWith(path.sep) ? common : common + path.sep) && common !== path.dirname(common)) common = path.dirname(common);
    return common;
  });
}

/** The training text: the files joined by blank lines, else all of stdin; at most MAX_CORPUS_BYTES. */
async function readCorpus(files: readonly string[]): Promise<TrainingCorpus & { name: string }> {
  const limit = `${MAX_CORPUS_BYTES / (1024 * 1024)} MiB`;
  if (files.length > 0) {
    let total = 0;
    for (const file of files) {
      const stat = statSync(file);
      if (stat.isDirectory()) throw new InputError(`${quoteValue(file)} is a folder: give the text files in it (for example ${path.join(file, '*.txt')})`);
      total += stat.size;
      if (total > MAX_CORPUS_BYTES) throw new InputError(`the corpus is larger than ${limit}: train on a part of it`);
    }
    const texts = files.map((f) => readFileSync(f, 'utf8').replace(/^\uFEFF/, '').trimEnd());
    // Several files: the model is named after their common folder ("notes/*.md" → notes).
    const name = files.length === 1 ? files[0] : path.basename(commonFolder(files.map((f) => path.dirname(path.resolve(f)))));
    return {
      source: files.length === 1 ? files[0] : `${files.length} files`,
      text: texts.join('\n\n'),
      name: defaultModelName(name),
    };
  }
  if (process.stdin.isTTY) throw new UsageError('no corpus: give FILE… or pipe a text on stdin');
  let text: string;
  try {
    text = await readAll(process.stdin, MAX_CORPUS_BYTES);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`the corpus on stdin is larger than ${limit}: train on a part of it`);
    throw e;
  }
  return { source: 'stdin', text: text.replace(/^\uFEFF/, ''), name: defaultModelName('stdin') };
}

/** The command line as training options, except the corpus, the default vocabulary and the default name. */
interface Parsed {
  readonly objective: TrainingObjective;
  readonly preset: SizePreset;
  readonly shape: ModelShape;
  readonly vocabSize?: number;
  readonly steps?: number;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly seed?: number;
  readonly device: 'cpu' | 'cuda';
  readonly evalEvery?: number;
  readonly validationFraction?: number;
  readonly prompt?: string;
  readonly probe?: string;
  readonly outputDir: string;
  readonly name?: string;
  readonly python: string;
  readonly json: boolean;
  readonly files: readonly string[];
}

function parse(argv: readonly string[]): Parsed {
  const args = parseArgs(argv, [
    '--objective', '--preset', '--layers', '--hidden', '--heads', '--context', '--vocab', '--steps', '--epochs', '--batch', '--lr', '--seed',
    '--device', '--eval-every', '--validation', '--prompt', '--probe', '--out', '--name', '--python',
  ], ['--json']);
  const objective = choiceOption(args, '--objective', OBJECTIVES);
  const preset = choiceOption(args, '--preset', PRESETS);
  const given: Partial<Record<keyof ModelShape, number>> = {};
  for (const [key, name] of SHAPE_OPTIONS) {
    const v = intOption(args, name, BOUNDS[key]);
    if (v !== undefined) given[key] = v;
  }
  let shape: ModelShape;
  if (preset === 'custom') {
    const missing = SHAPE_OPTIONS.filter(([key]) => given[key] === undefined).map(([, name]) => name);
    if (missing.length > 0) throw new UsageError(`--preset custom needs ${missing.join(', ')}`);
    shape = { layers: given.layers!, hidden: given.hidden!, heads: given.heads!, context: given.context! };
  } else shape = { ...SIZE_PRESETS[preset], ...given };
  const steps = intOption(args, '--steps', BOUNDS.steps);
  const epochs = numberOption(args, '--epochs', (n) => n > 0 && n <= MAX_EPOCHS, `a number of epochs above 0, at most ${MAX_EPOCHS}`);
  if (steps !== undefined && epochs !== undefined) throw new UsageError('give --steps or --epochs, not both');
  const probe = textOption(args, '--probe', MAX_TEXT_OPTION);
  if (probe !== undefined && probe.split('[MASK]').length !== 2) throw new UsageError(`--probe must hold exactly one [MASK], got ${quoteValue(probe)}`);
  const python = args.options.get('--python') ?? process.env.TREX_PYTHON ?? 'python3';
  if (python.trim() === '') throw new UsageError('--python must name a Python interpreter');
  const out = args.options.get('--out') ?? DEFAULT_OUTPUT_DIR;
  if (out.trim() === '') throw new UsageError('--out must name a folder');
  const parsed: Parsed = {
    objective,
    // Shape options on a preset make it a custom model (as the report says).
    preset: preset !== 'custom' && SHAPE_OPTIONS.some(([key]) => shape[key] !== SIZE_PRESETS[preset][key]) ? 'custom' : preset,
    shape,
    vocabSize: intOption(args, '--vocab', BOUNDS.vocab),
    steps,
    epochs,
    batchSize: intOption(args, '--batch', BOUNDS.batch),
    learningRate: numberOption(args, '--lr', (n) => n > 0 && n < 1, 'a learning rate above 0 and below 1'),
    seed: intOption(args, '--seed', 'seed'),
    device: choiceOption(args, '--device', ['cpu', 'cuda'] as const),
    evalEvery: intOption(args, '--eval-every', BOUNDS.evalEvery),
    validationFraction: numberOption(args, '--validation', (n) => n > 0 && n < 0.5, 'a share of the text above 0 and below 0.5'),
    prompt: textOption(args, '--prompt', MAX_TEXT_OPTION),
    probe,
    outputDir: path.resolve(out),
    name: textOption(args, '--name', 100),
    python,
    json: args.flags.has('--json'),
    files: args.positional,
  };
  // The options that do not depend on the text are checked before it is read.
  const bad = checkOptions(options(parsed, { source: 'stdin', text: '', name: 'corpus' }));
  if (bad) throw new UsageError(bad);
  return parsed;
}

function options(p: Parsed, corpus: TrainingCorpus & { name: string }): TrainingOptions {
  const base = defaultTrainingOptions({ source: corpus.source, text: corpus.text }, p.outputDir, p.python);
  return {
    ...base,
    objective: p.objective,
    preset: p.preset,
    shape: p.shape,
    device: p.device,
    name: p.name ?? corpus.name,
    ...(p.vocabSize === undefined ? {} : { vocabSize: p.vocabSize }),
    ...(p.steps === undefined ? {} : { steps: p.steps }),
    ...(p.batchSize === undefined ? {} : { batchSize: p.batchSize }),
    ...(p.learningRate === undefined ? {} : { learningRate: p.learningRate }),
    ...(p.seed === undefined ? {} : { seed: p.seed }),
    ...(p.evalEvery === undefined ? {} : { evalEvery: p.evalEvery }),
    ...(p.validationFraction === undefined ? {} : { validationFraction: p.validationFraction }),
    ...(p.prompt === undefined ? {} : { prompt: p.prompt }),
    ...(p.probe === undefined ? {} : { probe: p.probe }),
  };
}

/** Optimiser steps for `epochs` passes over the largest model's training tokens (batch × context tokens a step), at least 1. */
export function stepsForEpochs(plan: TrainingPlan, epochs: number, batchSize: number, context: number): number {
  const tokens = Math.max(0, ...plan.models.map((m) => m.trainTokens));
  return Math.max(1, Math.round((epochs * tokens) / (batchSize * context)));
}

/** The lines a person reads for an event (none for checkpoints, done and errors: the summary and the error report say those). */
function describe(e: TrainingEvent, o: TrainingOptions): string[] {
  switch (e.type) {
    case 'plan': {
      const { plan } = e;
      const { layers: L, hidden: d } = o.shape;
      return [
        `corpus: ${o.corpus.source}, ${count(plan.characters)} characters: ${count(plan.trainCharacters)} for training, ${count(plan.validationCharacters)} for validation`,
        ...plan.models.flatMap((m) => [
          `${LABEL[m.objective]}: ${count(m.parameters)} parameters (estimate 12·L·d² + V·d = 12·${L}·${d}² + ${count(m.vocabSize)}·${d} = ${count(m.estimate)}), ` +
            `vocabulary ${count(m.vocabSize)}, ${count(m.trainTokens)} training and ${count(m.validationTokens)} validation tokens`,
          `  → ${shown(m.folder)}`,
        ]),
      ];
    }
    case 'tokenizer':
      return [`${e.objective} tokenizer: ${count(e.vocabSize)} entries learned in ${e.seconds.toFixed(1)} s`];
    case 'start':
      return [`${e.objective}: ${count(e.steps)} steps on ${e.device} (PyTorch ${e.torch}), ${count(e.parameters)} parameters`];
    case 'step':
      return [`${e.objective} step ${e.step}/${e.steps} loss ${e.loss.toFixed(2)} · ${count(e.tokensPerSecond)} tok/s · ${clock(e.elapsedSeconds)} elapsed, ${clock(e.remainingSeconds)} left`];
    case 'eval':
      return [`${e.objective} eval at step ${e.step}: validation loss ${e.validationLoss.toFixed(3)}, ${e.objective === 'clm' ? 'perplexity' : 'pseudo-perplexity'} ${e.perplexity.toFixed(2)}`];
    case 'sample': {
      const output = e.output.replace(/\s+/g, ' ').trim();
      return [e.objective === 'clm' ? `${e.objective} sample: ${JSON.stringify(e.input)} → ${JSON.stringify(output)}` : `${e.objective} probe: ${JSON.stringify(e.input)} → ${output}`];
    }
    default:
      return [];
  }
}

/** Columns padded to their widest cell. */
function table(rows: readonly string[][]): string {
  const widths = rows[0].map((_, c) => rows.reduce((w, r) => Math.max(w, [...r[c]].length), 0));
  return rows.map((r) => r.map((cell, c) => cell + ' '.repeat(widths[c] - [...cell].length)).join('  ').trimEnd()).join('\n');
}

export function formatSummary(result: TrainingResult): string {
  const rows = [['model', 'folder', 'steps', 'validation loss', 'perplexity']];
  for (const m of result.models) {
    rows.push([
      LABEL[m.objective], shown(m.folder), `${count(m.steps)}${m.stoppedEarly ? ' (stopped early)' : ''}`, m.finalValidationLoss.toFixed(3),
      `${m.perplexity.toFixed(2)}${m.objective === 'mlm' ? ' (pseudo)' : ''}`,
    ]);
  }
  const lines = result.models.length > 0 ? [table(rows)] : ['stopped before the first model was trained'];
  lines.push(`report: ${shown(result.report)}`, `(${clock(result.seconds)} in all)`);
  return lines.join('\n');
}

/** Runs `trex train`; its own output is written as it comes. Returns the exit code. */
export async function trainCommand(argv: readonly string[]): Promise<number> {
  const p = parse(argv);
  const corpus = await readCorpus(p.files);
  if (corpus.text.trim() === '') throw new InputError(`the corpus (${corpus.source}) is empty: give a text to train on`);
  let o = options(p, corpus);
  const bad = checkOptions(o);
  if (bad) throw new UsageError(bad);
  const say = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };

  const found = await checkPython(o.python);
  if (isProblem(found)) {
    throw new TrainingError(found.kind === 'no-python'
      ? { ...found, fix: 'give --python PATH (or set TREX_PYTHON) to a Python 3 that has PyTorch' }
      : found);
  }
  if (o.device === 'cuda' && !found.cuda) {
    say(`note: PyTorch ${found.torch} of ${o.python} sees no CUDA GPU: training on the CPU`);
    o = { ...o, device: 'cpu' };
  }
  if (p.epochs !== undefined) {
    const plan = await planTraining(o);
    if (isProblem(plan)) throw new TrainingError(plan);
    o = { ...o, steps: stepsForEpochs(plan, p.epochs, o.batchSize, o.shape.context) };
    if (!p.json) say(`${p.epochs} epoch${p.epochs === 1 ? '' : 's'}: ${count(o.steps)} steps of ${o.batchSize} × ${o.shape.context} tokens`);
  }

  // Step lines at most about once a second (and the last step of each model).
  let lastStepLine = 0;
  const onEvent = (e: TrainingEvent): void => {
    if (p.json) {
      process.stdout.write(`${JSON.stringify(e)}\n`);
      return;
    }
    if (e.type === 'step') {
      const now = Date.now();
      if (now - lastStepLine < 1000 && e.step !== e.steps) return;
      lastStepLine = now;
    }
    for (const line of describe(e, o)) say(line);
  };

  let stopping = false;
  let run: TrainingRun | undefined;
  const onSignal = (): void => {
    if (stopping) process.exit(130);
    stopping = true;
    say('stopping: saving the last complete step… (Ctrl-C again to quit at once)');
    run?.stop();
  };
  run = startTraining(o, onEvent);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await run.done;
    if (!p.json) process.stdout.write(`${formatSummary(result)}\n`);
    return 0;
  } catch (e) {
    // A Ctrl-C that reached Python before it could save anything (while it imported torch).
    if (stopping && e instanceof TrainingError && e.problem.kind === 'crashed') {
      say('trex: stopped before a step was saved');
      return 130;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
