/**
 * Replays every failure the fuzz harness saved (test/fixtures/fuzz-regressions/<class>/<name>/
 * case.json) through the same worker and case runner: each must now end in a valid result or a
 * clean user error, within the harness's time limit and without killing its worker.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { relative } from 'node:path';
import { REPO_ROOT } from '../../fuzz/paths';
import { WorkerPool } from '../../fuzz/pool';
import { loadFixtures } from '../../fuzz/regressions';
import { scratchDir } from '../../fuzz/runner';

const fixtures = loadFixtures();
const tmpDir = scratchDir();
const pool = new WorkerPool({ workers: 2, heapMb: 768, tmpDir });
after(async () => {
  await pool.close();
  rmSync(tmpDir, { recursive: true, force: true });
});

describe('fuzz regressions', { concurrency: 2 }, () => {
  if (fixtures.length === 0) test('no regression fixtures saved', () => {});
  for (const { dir, saved } of fixtures) {
    test(`${relative(REPO_ROOT, dir)} (saved as ${saved.outcome}: ${saved.message.slice(0, 100)})`, async () => {
      const { result } = await pool.run({ kind: 'recipe', recipe: saved.recipe });
      assert.ok(result.outcome === 'ok' || result.outcome === 'user-error', `${result.outcome}: ${result.message}${result.where ? ` (${result.where})` : ''}`);
    });
  }
});
