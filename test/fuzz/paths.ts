/** Where the harness finds the project (it runs compiled, from out/test/fuzz/). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findRoot(): string {
  for (let dir = __dirname, i = 0; i < 6; i++, dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src', 'engine'))) return dir;
  }
  throw new Error(`fuzz: cannot find the repository root above ${__dirname}`);
}

export const REPO_ROOT = findRoot();

export function repoPath(relative: string): string {
  return join(REPO_ROOT, relative);
}

/** The compiled worker script that runs cases in a child process. */
export const WORKER_SCRIPT = join(__dirname, 'worker.js');

export const REGRESSIONS_DIR = join(REPO_ROOT, 'test', 'fixtures', 'fuzz-regressions');
