/**
 * A fuzz run: cases of every class handed to the worker pool, classes interleaved so that each
 * advances at the same pace (a run cut short by its time budget still covers every class). A
 * hang or crash is run once more on a fresh worker before it counts (what the retry gives counts),
 * until two of its shape have been confirmed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { classDef } from './classes';
import { FAILING, OUTCOMES, type CaseResult, type Outcome } from './outcome';
import { WorkerPool, type JobResult } from './pool';
import { caseSeed, Rng } from './prng';
import type { Job } from './protocol';
import type { CaseRecipe, FuzzClass } from './recipe';
import { signature } from './signature';

export interface RunOptions {
  runSeed: number;
  counts: Partial<Record<FuzzClass, number>>;
  budgetMs: number;
  workers: number;
  heapMb: number;
  /** Called after every finished case (progress lines). */
  onCase?: (done: number, total: number) => void;
}

export interface Failure {
  cls: FuzzClass;
  index: number;
  result: CaseResult;
  recipe: CaseRecipe;
}

export interface ClassStats {
  planned: number;
  done: number;
  outcomes: Record<Outcome, number>;
  /** Sum of the cases' wall time in a worker (ms), for cases per second. */
  busyMs: number;
  /** User errors on inputs the harness's own reading finds valid (e.g. a safetensors file the format allows). */
  validRefused: number;
  validRefusedExamples: string[];
  /** Cases that hung or crashed once but not when run again. */
  flaky: string[];
  /** Unmutated seeds that were not ok: the harness or a seed is broken, not (only) the engine. */
  seedProblems: string[];
}

export interface RunReport {
  runSeed: number;
  wallMs: number;
  workers: number;
  stats: Map<FuzzClass, ClassStats>;
  failures: Failure[];
  budgetExhausted: boolean;
}

/** A scratch folder for the workers: /dev/shm when there is one (cases write many small files). */
export function scratchDir(): string {
  return mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : '/tmp', 'trex-fuzz-'));
}

export function defaultWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

function emptyStats(planned: number): ClassStats {
  return { planned, done: 0, outcomes: Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>, busyMs: 0, validRefused: 0, validRefusedExamples: [], flaky: [], seedProblems: [] };
}

/** The recipe of a generated case, made again in this process (a worker that hung or died could not send it). */
export function regenerate(cls: FuzzClass, runSeed: number, index: number): CaseRecipe {
  return classDef(cls).generate(new Rng(caseSeed(runSeed, cls, index)), index);
}

/** Hangs and crashes of one shape confirmed this often are not run a second time (each costs seconds). */
const CONFIRMATIONS = 2;

/** Runs one job; a hang or crash is run again on a fresh worker, unless its shape is already confirmed. */
async function runConfirmed(pool: WorkerPool, job: Extract<Job, { kind: 'generate' }>, confirmed: Map<string, number>): Promise<{ first: JobResult; final: JobResult; wallMs: number }> {
  const first = await pool.run(job);
  if (first.result.outcome !== 'hang' && first.result.outcome !== 'crash') return { first, final: first, wallMs: first.wallMs };
  const recipe = regenerate(job.cls, job.runSeed, job.index);
  const shape = signature(job.cls, first.result, recipe);
  if ((confirmed.get(shape) ?? 0) >= CONFIRMATIONS) return { first, final: { ...first, recipe }, wallMs: first.wallMs };
  const final = await pool.run({ kind: 'recipe', recipe });
  if (final.result.outcome === first.result.outcome) confirmed.set(shape, (confirmed.get(shape) ?? 0) + 1);
  return { first, final, wallMs: first.wallMs + final.wallMs };
}

export async function runFuzz(options: RunOptions): Promise<RunReport> {
  const classes = (Object.keys(options.counts) as FuzzClass[]).filter((c) => (options.counts[c] ?? 0) > 0);
  const stats = new Map(classes.map((c) => [c, emptyStats(options.counts[c] ?? 0)]));
  const dispatched = new Map(classes.map((c) => [c, 0]));
  const total = classes.reduce((a, c) => a + (options.counts[c] ?? 0), 0);
  const tmpDir = scratchDir();
  const pool = new WorkerPool({ workers: options.workers, heapMb: options.heapMb, tmpDir });
  const failures: Failure[] = [];
  const started = performance.now();
  let finished = 0;
  let budgetExhausted = false;
  const confirmed = new Map<string, number>();

  /** The class furthest behind its plan, if any case is left. */
  const nextClass = (): FuzzClass | undefined => {
    let best: FuzzClass | undefined;
    let bestFraction = Infinity;
    for (const c of classes) {
      const planned = options.counts[c] ?? 0;
      const n = dispatched.get(c) ?? 0;
      if (n < planned && n / planned < bestFraction) {
        best = c;
        bestFraction = n / planned;
      }
    }
    return best;
  };

  const lane = async (): Promise<void> => {
    for (let cls = nextClass(); cls !== undefined; cls = nextClass()) {
      if (performance.now() - started > options.budgetMs) {
        budgetExhausted = true;
        return;
      }
      const index = dispatched.get(cls) ?? 0;
      dispatched.set(cls, index + 1);
      const { first, final, wallMs } = await runConfirmed(pool, { kind: 'generate', cls, runSeed: options.runSeed, index }, confirmed);
      const s = stats.get(cls) as ClassStats;
      s.done++;
      s.busyMs += wallMs;
      s.outcomes[final.result.outcome]++;
      if (index < classDef(cls).pristine && final.result.outcome !== 'ok') s.seedProblems.push(`#${index}: ${final.result.outcome}: ${final.result.message.slice(0, 300)}`);
      if (final !== first && !FAILING.has(final.result.outcome)) s.flaky.push(`#${index}: ${first.result.outcome} then ${final.result.outcome}`);
      if (final.validInput && final.result.outcome === 'user-error') {
        s.validRefused++;
        if (s.validRefusedExamples.length < 5) s.validRefusedExamples.push(`#${index}: ${final.result.message.slice(0, 200)}`);
      }
      if (FAILING.has(final.result.outcome)) failures.push({ cls, index, result: final.result, recipe: final.recipe ?? regenerate(cls, options.runSeed, index) });
      options.onCase?.(++finished, total);
    }
  };

  try {
    // Enough lanes to keep every worker's queue of jobs sent ahead full.
    await Promise.all(Array.from({ length: options.workers * (pool.depth + 1) }, lane));
  } finally {
    await pool.close();
    rmSync(tmpDir, { recursive: true, force: true });
  }
  return { runSeed: options.runSeed, wallMs: performance.now() - started, workers: options.workers, stats, failures, budgetExhausted };
}
