/** `trex` run as a user runs it (node bin/trex.js, in a child process), and the checks of its output. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './repoRoot';

const BIN = join(REPO_ROOT, 'bin', 'trex.js');

export interface TrexRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface TrexOptions {
  /** Standard input (default: empty). */
  input?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  maxBuffer?: number;
}

export function runTrex(args: string[], options: TrexOptions = {}): TrexRun {
  const { input = '', env, timeoutMs = 60_000, maxBuffer } = options;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, input, encoding: 'utf8', timeout: timeoutMs, env, maxBuffer });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The parsed stdout of a run that succeeded. */
export function json<T>(r: TrexRun): T {
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

/** The run failed with `code` and one line on stderr matching `pattern`: no stack trace, no "internal error". */
export function assertOneLineError(r: Pick<TrexRun, 'code' | 'stderr'>, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, `exit code (stderr: ${r.stderr})`);
  assert.match(r.stderr, pattern);
  assert.equal(r.stderr.trim().split('\n').length, 1, `more than one line: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at |internal error/);
}
