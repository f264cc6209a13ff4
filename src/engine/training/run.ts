import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { decodeIds } from '../tasks/tokenText';
import { prepareTraining, type PreparedModel } from './prepare';
import { trainingThreads } from './presets';
import { torchInstallCommand } from './python';
import { writeReport, type ModelHistory } from './report';
import type { ModelObjective, TrainedModel, TrainingEvent, TrainingOptions, TrainingProblem, TrainingResult, TrainingRun } from './types';

/** A run that could not start or ended badly; `problem` says why and what to do. */
export class TrainingError extends Error {
  constructor(readonly problem: TrainingProblem) {
    super(problem.message);
    this.name = 'TrainingError';
  }
}

/** The shipped trainer (`python/trex_train.py`), found from this module up (the repository, `out/`, the extension's `dist/`). */
export function trainingScript(): string {
  if (process.env.TREX_TRAINING_SCRIPT) return process.env.TREX_TRAINING_SCRIPT;
  for (let dir = __dirname, i = 0; i < 7; i++, dir = dirname(dir)) {
    const file = join(dir, 'python', 'trex_train.py');
    if (existsSync(file)) return file;
  }
  throw new TrainingError({ kind: 'crashed', message: 'The training script python/trex_train.py is missing from the installation.' });
}

/** Output folders with a run going in this process (a second run into one is `busy`). */
const running = new Set<string>();

/** The Python process's lines, as it writes them (trex_train.py's own event shapes). */
type ScriptLine =
  | { type: 'start'; objective: ModelObjective; parameters: number; steps: number; device: 'cpu' | 'cuda'; torch: string }
  | { type: 'step'; objective: ModelObjective; step: number; steps: number; loss: number; learningRate: number; tokensPerSecond: number; elapsedSeconds: number; remainingSeconds: number }
  | { type: 'eval'; objective: ModelObjective; step: number; validationLoss: number; perplexity: number }
  | { type: 'sample'; objective: ModelObjective; step: number; ids?: number[]; fills?: Array<[number, number]> }
  | { type: 'checkpoint'; objective: ModelObjective; step: number; folder: string }
  | { type: 'finished'; objective: ModelObjective; steps: number; finalTrainLoss: number | null; finalValidationLoss: number; perplexity: number; stoppedEarly: boolean; seconds: number };

function parseLine(line: string): ScriptLine | undefined {
  try {
    const v = JSON.parse(line) as { type?: unknown };
    return typeof v === 'object' && v !== null && typeof v.type === 'string' ? (v as ScriptLine) : undefined;
  } catch {
    return undefined;
  }
}

/** A sample's ids as text: the CLM continuation, or the MLM probe's top fills with their probabilities. */
function sampleText(model: PreparedModel, line: Extract<ScriptLine, { type: 'sample' }>): string {
  if (line.ids) return decodeIds(model.tokenizer, line.ids, new Set([model.specials.eot]));
  return (line.fills ?? []).map(([id, p]) => `${decodeIds(model.tokenizer, [id])} (${(100 * p).toFixed(1)} %)`).join(', ');
}

/**
 * Trains the run's model(s), one after the other: writes each folder's tokenizer.json, the ids and
 * a spec for python/trex_train.py, runs it with `options.python`, and turns its JSON lines into
 * events (samples decoded to text). `stop()` asks the process to save and end (a checkpoint of the
 * last complete step) and skips the models not started. `done` gives the trained models and the
 * report, or rejects with a TrainingError.
 */
export function startTraining(options: TrainingOptions, onEvent: (e: TrainingEvent) => void): TrainingRun {
  let stopped = false;
  let child: ChildProcessWithoutNullStreams | undefined;
  const stop = () => {
    stopped = true;
    if (child && child.exitCode === null) child.stdin.write('stop\n');
  };
  const done = (async (): Promise<TrainingResult> => {
    if (running.has(options.outputDir)) throw new TrainingError({ kind: 'busy', message: `A training run is already writing into ${options.outputDir}.` });
    running.add(options.outputDir);
    const work = mkdtempSync(join(tmpdir(), 'trex-train-'));
    const started = Date.now();
    try {
      const prepared = prepareTraining(options);
      if (!('plan' in prepared)) throw new TrainingError(prepared);
      onEvent({ type: 'plan', plan: prepared.plan });
      const script = trainingScript();
      const trained: TrainedModel[] = [];
      const histories: ModelHistory[] = [];
      for (const model of prepared.models) {
        if (stopped) break;
        onEvent({ type: 'tokenizer', objective: model.objective, vocabSize: model.vocabSize, seconds: model.seconds });
        mkdirSync(model.folder, { recursive: true });
        writeFileSync(join(model.folder, 'tokenizer.json'), `${JSON.stringify(model.tokenizerJson)}\n`);
        const history: ModelHistory = { objective: model.objective, folder: model.folder, vocabSize: model.vocabSize, steps: [], evals: [], samples: [] };
        histories.push(history);
        const result = await trainOne(model, work, script, (c) => {
          child = c;
          if (stopped) c.stdin.write('stop\n');
        }, (line) => {
          if (line.type === 'finished') return;
          if (line.type === 'sample') {
            const event = { type: 'sample', objective: line.objective, step: line.step, input: model.sampleText, output: sampleText(model, line) } as const;
            history.samples.push(event);
            onEvent(event);
            return;
          }
          if (line.type === 'step') history.steps.push(line);
          if (line.type === 'eval') history.evals.push(line);
          if (line.type === 'start') history.parameters = line.parameters;
          onEvent(line);
        }, options);
        child = undefined;
        trained.push({
          objective: model.objective, folder: model.folder, steps: result.steps, finalTrainLoss: result.finalTrainLoss ?? undefined,
          finalValidationLoss: result.finalValidationLoss, perplexity: result.perplexity, stoppedEarly: result.stoppedEarly,
        });
      }
      const seconds = (Date.now() - started) / 1000;
      const report = writeReport(options, prepared, histories, trained, seconds);
      const result: TrainingResult = { models: trained, report, seconds };
      onEvent({ type: 'done', result });
      return result;
    } catch (e) {
      const problem: TrainingProblem = e instanceof TrainingError ? e.problem : { kind: 'crashed', message: `Training failed: ${(e as Error).message}` };
      onEvent({ type: 'error', problem });
      throw e instanceof TrainingError ? e : new TrainingError(problem);
    } finally {
      running.delete(options.outputDir);
      rmSync(work, { recursive: true, force: true });
    }
  })();
  done.catch(() => undefined); // the caller reads it; an unobserved rejection is not a crash
  return { done, stop };
}

function writeIds(file: string, ids: Int32Array): string {
  writeFileSync(file, Buffer.from(ids.buffer, ids.byteOffset, ids.byteLength));
  return file;
}

function trainOne(
  model: PreparedModel,
  work: string,
  script: string,
  onChild: (c: ChildProcessWithoutNullStreams) => void,
  onLine: (line: ScriptLine) => void,
  options: TrainingOptions,
): Promise<Extract<ScriptLine, { type: 'finished' }>> {
  const spec = {
    objective: model.objective,
    shape: options.shape,
    vocabSize: model.vocabSize,
    steps: options.steps,
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    seed: options.seed,
    device: options.device,
    evalEvery: options.evalEvery,
    threads: trainingThreads(),
    train: writeIds(join(work, `${model.objective}-train.bin`), model.trainIds),
    validation: writeIds(join(work, `${model.objective}-validation.bin`), model.validationIds),
    specials: model.specials,
    ...(model.objective === 'clm' ? { prompt: model.sampleIds, sampleTokens: 24 } : { probe: model.sampleIds }),
    folder: model.folder,
  };
  const specFile = join(work, `${model.objective}-spec.json`);
  writeFileSync(specFile, JSON.stringify(spec));
  return new Promise((resolve, reject) => {
    const c = spawn(options.python, ['-u', script, specFile], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONIOENCODING: 'utf-8', PYTHONDONTWRITEBYTECODE: '1' } });
    onChild(c);
    let finished: Extract<ScriptLine, { type: 'finished' }> | undefined;
    let pending = '';
    const stderr: string[] = [];
    c.stdout.setEncoding('utf8');
    c.stdout.on('data', (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = parseLine(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
        if (!line) continue;
        if (line.type === 'finished') finished = line;
        onLine(line);
      }
    });
    c.stderr.setEncoding('utf8');
    c.stderr.on('data', (chunk: string) => {
      stderr.push(...chunk.split('\n').filter((l) => l.trim() !== ''));
      if (stderr.length > 40) stderr.splice(0, stderr.length - 40);
    });
    c.stdin.on('error', () => undefined); // the process may be gone when "stop" is written
    c.on('error', (e) => reject(new TrainingError({ kind: 'no-python', message: `Python could not be started (${options.python}): ${e.message}` })));
    c.on('close', (code, signal) => {
      if (finished) return resolve(finished);
      const last = stderr.slice(-12).join('\n');
      const torchMissing = /No module named ['"]?torch/.test(last);
      const ended = signal ? `signal ${signal}` : `exit code ${code}`;
      reject(new TrainingError(torchMissing
        ? { kind: 'no-torch', message: `PyTorch is not installed for ${options.python}.`, fix: torchInstallCommand(options.python), detail: last }
        : { kind: 'crashed', message: `The training process stopped (${ended}) before saving its model${last ? `: ${stderr.at(-1)}` : '.'}`, detail: last, facts: { ended } }));
    });
  });
}

/** The report's text, for tests and the CLI. */
export function readReport(result: TrainingResult): string {
  return readFileSync(result.report, 'utf8');
}
