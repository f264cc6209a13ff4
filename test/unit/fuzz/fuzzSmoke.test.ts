/**
 * A short run of the fuzz harness (test/fuzz/, `npm run fuzz`): a few hundred cases per class with
 * a fixed seed. The first test checks the harness itself (every class runs, every unmutated seed
 * is ok); the second that no case ends internal, hang, crash or wrong — it lists what it found.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SMOKE_COUNTS } from '../../fuzz/counts';
import { FAILING } from '../../fuzz/outcome';
import { distinctFailures } from '../../fuzz/regressions';
import { formatFailures, formatTable } from '../../fuzz/report';
import { runFuzz, type RunReport } from '../../fuzz/runner';

const SEED = 20261203;

let run: Promise<RunReport> | undefined;
function smokeRun(): Promise<RunReport> {
  run ??= runFuzz({ runSeed: SEED, counts: SMOKE_COUNTS, budgetMs: 50_000, workers: 2, heapMb: 768 });
  return run;
}

test('fuzz smoke: every class runs its cases and every unmutated seed is ok', async () => {
  const report = await smokeRun();
  for (const [cls, s] of report.stats) {
    assert.ok(s.done > 0, `${cls}: no case ran`);
    assert.deepEqual(s.seedProblems, [], `${cls}: unmutated seeds are not ok`);
  }
});

test('fuzz smoke: no case ends internal, hang, crash or wrong', async () => {
  const report = await smokeRun();
  const failing = report.failures.filter((f) => FAILING.has(f.result.outcome));
  assert.equal(failing.length, 0, `seed ${SEED}:\n${formatTable(report)}\n${formatFailures(distinctFailures(failing), new Map())}`);
});
