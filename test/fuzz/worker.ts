/**
 * A worker process: runs one case at a time for the harness (main.ts / pool.ts). It may be
 * killed at any moment (a case over its time limit) or die (a case that blows the heap); the
 * parent then starts another. Each class works in its own scratch folder under $FUZZ_TMP.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { classDef } from './classes';
import type { CaseContext } from './classes/classDef';
import { CASE_LIMIT_MS, classifyError, FAILING, type CaseResult } from './outcome';
import { caseSeed, Rng } from './prng';
import type { FromWorker, Job, ToWorker } from './protocol';
import type { CaseRecipe } from './recipe';

const root = join(process.env.FUZZ_TMP ?? '/tmp', `w${process.pid}`);
const keep = join(root, 'keep');
mkdirSync(keep, { recursive: true });

function send(message: FromWorker): void {
  process.send?.(message);
}

/** Errors that escape a case (a rejected promise nobody awaited, a throw in a timer). */
let stray: unknown;
let hasStray = false;
process.on('unhandledRejection', (e) => {
  stray = e;
  hasStray = true;
});
process.on('uncaughtException', (e) => {
  stray = e;
  hasStray = true;
});

let stampSeconds = 1_000_000_000;

function recipeOf(job: Job): CaseRecipe {
  if (job.kind === 'recipe') return job.recipe;
  return classDef(job.cls).generate(new Rng(caseSeed(job.runSeed, job.cls, job.index)), job.index);
}

async function runJob(id: number, job: Job): Promise<void> {
  const t0 = performance.now();
  let recipe: CaseRecipe;
  try {
    recipe = recipeOf(job);
  } catch (e) {
    send({ type: 'harness-error', id, message: `generating a case failed: ${(e as Error).stack ?? String(e)}` });
    return;
  }
  const dir = join(root, recipe.cls);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let started = 0;
  let cpuAtStart = process.cpuUsage();
  let limit = CASE_LIMIT_MS;
  let validInput = false;
  const ctx: CaseContext = {
    dir,
    keep,
    begin: (limitMs = CASE_LIMIT_MS) => {
      started = performance.now();
      cpuAtStart = process.cpuUsage();
      limit = limitMs;
      send({ type: 'begin', id, limitMs });
    },
    stamp: () => new Date(++stampSeconds * 1000),
    markValid: () => {
      validInput = true;
    },
  };
  hasStray = false;
  let result: CaseResult;
  try {
    await classDef(recipe.cls).run(recipe, ctx);
    result = { outcome: 'ok', message: '' };
  } catch (e) {
    result = classifyError(e);
  }
  const ms = started ? performance.now() - started : 0;
  const cpu = process.cpuUsage(cpuAtStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  // A case that answered after its limit, in wall and in CPU time (the machine may be busy with other work), is a hang all the same.
  if (Math.min(ms, cpuMs) > limit && !FAILING.has(result.outcome)) {
    result = { outcome: 'hang', message: `answered after ${Math.round(ms)} ms (${Math.round(cpuMs)} ms of CPU), over the ${limit}-ms limit (was ${result.outcome})` };
  }
  // Let a stray rejection of this case surface before answering.
  await new Promise((resolve) => setImmediate(resolve));
  if (hasStray && !FAILING.has(result.outcome)) {
    const stray2 = classifyError(stray);
    result = { outcome: 'internal', message: `escaped the call (unhandled): ${stray2.message}`, ...(stray2.where ? { where: stray2.where } : {}) };
  }
  send({ type: 'done', id, result, validInput, ms, wallMs: performance.now() - t0, ...(FAILING.has(result.outcome) ? { recipe } : {}) });
}

let queue = Promise.resolve();
process.on('message', (message: ToWorker) => {
  if (message.type === 'job') queue = queue.then(() => runJob(message.id, message.job));
});
process.on('disconnect', () => {
  rmSync(root, { recursive: true, force: true });
  process.exit(0);
});
send({ type: 'ready' });
