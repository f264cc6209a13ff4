/**
 * `npm run fuzz`: a seeded, time-bounded fuzz run of the engine on mutated real files
 * (README: "Fuzzing"). Prints the seed first, a table of outcomes per class, the distinct
 * failures with their fixtures; exits 1 if any case was internal, hang, crash or wrong.
 */
import { ArgsError, parseFuzzArgs, USAGE, type FuzzArgs } from './args';
import { WorkerPool } from './pool';
import { distinctFailures, minimize, saveFixtures, type Distinct } from './regressions';
import { formatFailures, formatTable } from './report';
import { runFuzz, scratchDir, type RunReport } from './runner';
import { signature } from './signature';
import { rmSync } from 'node:fs';

/** Time spent shrinking failures after the run: what is left of the budget, within these bounds. */
const MINIMIZE_MS = { min: 30_000, max: 240_000 };

/** Shrinks each distinct failure (in a pool of its own), then groups them again by their new shape. */
async function shrinkAll(args: FuzzArgs, distinct: Distinct[], leftMs: number): Promise<Distinct[]> {
  if (args.minimizeRuns === 0 || distinct.length === 0) return distinct;
  const tmpDir = scratchDir();
  const pool = new WorkerPool({ workers: args.workers, heapMb: args.heapMb, tmpDir });
  const deadline = performance.now() + Math.min(MINIMIZE_MS.max, Math.max(MINIMIZE_MS.min, leftMs));
  try {
    const shrunk = await Promise.all(distinct.map(async (d) => {
      const hangs = d.failure.result.outcome === 'hang' || d.failure.result.outcome === 'crash';
      const failure = await minimize(pool, d, hangs ? Math.min(6, args.minimizeRuns) : args.minimizeRuns, deadline);
      return { ...d, failure, signature: signature(failure.cls, failure.result, failure.recipe) };
    }));
    const bySignature = new Map<string, Distinct>();
    for (const d of shrunk) {
      const known = bySignature.get(d.signature);
      if (known) known.count += d.count;
      else bySignature.set(d.signature, d);
    }
    return [...bySignature.values()];
  } finally {
    await pool.close();
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  if (process.argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  let args: FuzzArgs;
  try {
    args = parseFuzzArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof ArgsError)) throw e;
    process.stderr.write(`fuzz: ${e.message}\n${USAGE}\n`);
    return 2;
  }
  const planned = Object.entries(args.counts).map(([c, n]) => `${c} ${n}`).join(', ');
  console.log(`fuzz: seed ${args.seed} (repeat with: npm run fuzz -- --seed ${args.seed}); ${args.workers} workers; budget ${args.budgetS} s; ${planned}`);
  let lastShown = 0;
  const report: RunReport = await runFuzz({
    runSeed: args.seed, counts: args.counts, budgetMs: args.budgetS * 1000, workers: args.workers, heapMb: args.heapMb,
    onCase: (done, total) => {
      if (process.stdout.isTTY && (done - lastShown >= 500 || done === total)) {
        lastShown = done;
        process.stdout.write(`\r  ${done}/${total} cases`);
      }
    },
  });
  if (process.stdout.isTTY) process.stdout.write('\n');
  console.log(`fuzz: seed ${report.runSeed}, ${(report.wallMs / 1000).toFixed(1)} s${report.budgetExhausted ? ' (time budget reached: not every planned case ran)' : ''}`);
  console.log(formatTable(report));
  const distinct = await shrinkAll(args, distinctFailures(report.failures), args.budgetS * 1000 - report.wallMs);
  const fixtures = args.save ? saveFixtures(distinct, report.runSeed) : new Map<string, string>();
  console.log(formatFailures(distinct, fixtures));
  return report.failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`fuzz: the harness failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 2;
  },
);
