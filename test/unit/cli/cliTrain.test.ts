/**
 * `trex train` as a user runs it (node bin/trex.js in a child process): its usage errors, a missing
 * Python, a real tiny GPT-2 trained from stdin with --json (skipped when /usr/bin/python3.11 has no
 * PyTorch), a human-readable run, and Ctrl-C, which saves the last complete step and ends normally.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { clock, formatSummary, stepsForEpochs } from '../../../src/cli/trainCommand';
import type { TrainingEvent, TrainingPlan } from '../../../src/engine/training/types';
import { REPO_ROOT } from '../../support/repoRoot';
import { tempDir } from '../../support/tinyModels';
import { assertOneLineError, runTrex, type TrexRun } from '../../support/trexCli';

const BIN = join(REPO_ROOT, 'bin', 'trex.js');
const PYTHON = '/usr/bin/python3.11';
/** No TREX_PYTHON from the caller's shell: each test says which Python it means. */
const env: NodeJS.ProcessEnv = { ...process.env, TREX_PYTHON: undefined };

/** Genesis 1–11 (KJV, public domain, Debian's bible-kjv) without the verse references; undefined without `bible`. */
const GENESIS = ((): string | undefined => {
  try {
    return execSync('bible -f "Gen1:1-Gen11:32"', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().replace(/^\S+\s/gm, '');
  } catch {
    return undefined;
  }
})();

let torchChecked: boolean | undefined;
/** Whether a real run can go: PyTorch importable by PYTHON, and the corpus at hand (else the test is skipped, saying why). */
function canTrain(t: { skip: (why: string) => void }): boolean {
  torchChecked ??= spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
  if (!torchChecked) t.skip(`${PYTHON} cannot import torch`);
  else if (GENESIS === undefined) t.skip('no `bible` command for the corpus (Debian: bible-kjv)');
  return torchChecked && GENESIS !== undefined;
}

function trex(args: string[], input = ''): TrexRun {
  return runTrex(args, { env, input, timeoutMs: 150_000, maxBuffer: 64 * 1024 * 1024 });
}

function events(stdout: string): TrainingEvent[] {
  const lines = stdout.split('\n').filter((l) => l !== '');
  return lines.map((l, i) => {
    try {
      return JSON.parse(l) as TrainingEvent;
    } catch {
      assert.fail(`stdout line ${i + 1} is not JSON: ${l.slice(0, 200)}`);
    }
  });
}

const of = <K extends TrainingEvent['type']>(list: TrainingEvent[], type: K): Array<Extract<TrainingEvent, { type: K }>> =>
  list.filter((e): e is Extract<TrainingEvent, { type: K }> => e.type === type);

test('trex train: usage mistakes exit 2 with one line, before any text is read', () => {
  assertOneLineError(trex(['train', '--objective', 'gpt']), 2, /--objective must be one of both, clm, mlm, got "gpt"/);
  assertOneLineError(trex(['train', '--hidden', '60', '--heads', '8']), 2, /hidden size 60 is not a multiple of the 8 heads/);
  assertOneLineError(trex(['train', '--steps', '0']), 2, /--steps must be a whole number from 1 to/);
  assertOneLineError(trex(['train', '--steps', '10', '--epochs', '2']), 2, /--steps or --epochs, not both/);
  assertOneLineError(trex(['train', '--preset', 'custom', '--layers', '2']), 2, /--preset custom needs --hidden, --heads, --context/);
  assertOneLineError(trex(['train', '--probe', 'no mask here']), 2, /--probe must hold exactly one \[MASK\]/);
  assertOneLineError(trex(['train', '--lr', '2']), 2, /--lr must be a learning rate/);
  assertOneLineError(trex(['train', '--name', 'a/b']), 2, /is not a folder name/);
  assertOneLineError(trex(['train', '--frobnicate']), 2, /unknown option --frobnicate/);
});

test('trex train: no Python says so (exit 1) with what to do; an empty corpus and a missing file are user errors', () => {
  const r = trex(['train', '--python', '/nonexistent', '--out', tempDir('trex-cli-train-')], 'In the beginning.\n\nAnd the earth.\n');
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.match(lines[0], /^trex: Python was not found: \/nonexistent/);
  assert.equal(lines.length, 2, r.stderr);
  assert.match(lines[1], /--python PATH.*TREX_PYTHON/);
  assert.doesNotMatch(r.stderr, /\n\s+at |internal error/);
  assert.equal(r.stdout, '');
  assertOneLineError(trex(['train', '--python', '/nonexistent'], '  \n\n'), 1, /the corpus \(stdin\) is empty/);
  assertOneLineError(trex(['train', '--python', '/nonexistent', join(tempDir('trex-cli-train-'), 'missing.txt')]), 1, /ENOENT|no such file/);
});

test('human-readable helpers: clock, steps for epochs, the summary table', () => {
  assert.equal(clock(32), '0:32');
  assert.equal(clock(65.4), '1:05');
  assert.equal(clock(3723), '1:02:03');
  const plan: TrainingPlan = {
    characters: 100, trainCharacters: 90, validationCharacters: 10,
    models: [
      { objective: 'clm', parameters: 1, estimate: 1, trainTokens: 10_000, validationTokens: 1000, folder: '/x/a-gpt2', vocabSize: 500 },
      { objective: 'mlm', parameters: 1, estimate: 1, trainTokens: 8_000, validationTokens: 900, folder: '/x/a-bert', vocabSize: 500 },
    ],
  };
  assert.equal(stepsForEpochs(plan, 2, 16, 64), Math.round((2 * 10_000) / (16 * 64)));
  assert.equal(stepsForEpochs(plan, 0.001, 16, 64), 1, 'at least one step');
  const text = formatSummary({
    models: [
      { objective: 'clm', folder: '/x/a-gpt2', steps: 400, finalTrainLoss: 3.1, finalValidationLoss: 3.9123, perplexity: 50.02, stoppedEarly: false },
      { objective: 'mlm', folder: '/x/a-bert', steps: 120, finalTrainLoss: undefined, finalValidationLoss: 4.5, perplexity: 90, stoppedEarly: true },
    ],
    report: '/x/a-report.md', seconds: 75,
  });
  assert.match(text, /^model\s+folder\s+steps\s+validation loss\s+perplexity$/m);
  assert.match(text, /^clm \(GPT-2\)\s+\/x\/a-gpt2\s+400\s+3\.912\s+50\.02$/m);
  assert.match(text, /^mlm \(BERT\)\s+\/x\/a-bert\s+120 \(stopped early\)\s+4\.500\s+90\.00 \(pseudo\)$/m);
  assert.match(text, /^report: \/x\/a-report\.md$/m);
});

test('trex train --json: a tiny GPT-2 from stdin, every event a JSON line, the loss goes down, the folder is a Hugging Face checkpoint', (t) => {
  if (!canTrain(t)) return;
  const out = tempDir('trex-cli-train-');
  const r = trex(['train', '--json', '--python', PYTHON, '--objective', 'clm', '--steps', '30', '--eval-every', '10', '--batch', '8', '--out', out], GENESIS);
  assert.equal(r.code, 0, r.stderr);
  const list = events(r.stdout);
  assert.equal(list[0].type, 'plan');
  const plan = of(list, 'plan')[0].plan;
  assert.deepEqual(plan.models.map((m) => m.objective), ['clm']);
  assert.equal(plan.models[0].folder, join(out, 'stdin'));
  assert.ok(of(list, 'step').length > 0, 'step events');
  const evals = of(list, 'eval');
  assert.deepEqual(evals.map((e) => e.step), [0, 10, 20, 30]);
  assert.ok(evals.at(-1)!.validationLoss < evals[0].validationLoss, `validation loss ${evals[0].validationLoss} → ${evals.at(-1)!.validationLoss}`);
  const done = list.at(-1)!;
  assert.ok(done.type === 'done', `the last event is ${done.type}`);
  assert.equal(of(list, 'done').length, 1);
  const [model] = done.result.models;
  assert.equal(done.result.models.length, 1);
  assert.equal(model.steps, 30);
  assert.equal(model.stoppedEarly, false);
  for (const f of ['config.json', 'tokenizer.json', 'model.safetensors']) assert.ok(existsSync(join(model.folder, f)), `${model.folder}/${f}`);
  assert.ok(existsSync(done.result.report), done.result.report);
});

test('trex train (human-readable): the plan, steps, evaluations and samples on stderr; the summary on stdout', (t) => {
  if (!canTrain(t)) return;
  const out = tempDir('trex-cli-train-');
  const r = trex(['train', '--python', PYTHON, '--objective', 'mlm', '--steps', '4', '--eval-every', '2', '--batch', '4', '--name', 'genesis', '--out', out], GENESIS);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^corpus: stdin, [\d,]+ characters: [\d,]+ for training, [\d,]+ for validation$/m);
  assert.match(r.stderr, /^mlm \(BERT\): [\d,]+ parameters \(estimate 12·L·d² \+ V·d = 12·2·64² \+ [\d,]+·64 = [\d,]+\)/m);
  assert.match(r.stderr, /^mlm step 4\/4 loss \d+\.\d\d · [\d,]+ tok\/s · \d+:\d\d elapsed, 0:00 left$/m);
  assert.match(r.stderr, /^mlm eval at step 4: validation loss \d+\.\d{3}, pseudo-perplexity \d+\.\d\d$/m);
  assert.match(r.stderr, /^mlm probe: ".*\[MASK\].*" → /m);
  assert.match(r.stdout, /^mlm \(BERT\)\s+\S*genesis\s+4\s+\d+\.\d{3}\s+\d+\.\d\d \(pseudo\)$/m);
  assert.match(r.stdout, /^report: \S*genesis-report\.md$/m);
  assert.doesNotMatch(r.stdout, /step \d|eval at/);
});

test('trex train: Ctrl-C (SIGINT) saves the last complete step, and the run ends normally with stoppedEarly', async (t) => {
  if (!canTrain(t)) return;
  const out = tempDir('trex-cli-train-');
  const child = spawn(process.execPath, [BIN, 'train', '--json', '--python', PYTHON, '--objective', 'clm', '--steps', '5000', '--eval-every', '1000', '--batch', '2', '--out', out], {
    cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(GENESIS);
  let stdout = '';
  let stderr = '';
  let interrupted = false;
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    if (!interrupted && /"type":"step"/.test(stdout)) {
      interrupted = true;
      child.kill('SIGINT');
    }
  });
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  assert.ok(interrupted, `no step event came: ${stderr}`);
  assert.equal(code, 0, stderr);
  assert.match(stderr, /stopping: saving the last complete step/);
  const list = events(stdout);
  const done = list.at(-1)!;
  assert.ok(done.type === 'done', `the last event is ${done.type}`);
  const [model] = done.result.models;
  assert.equal(model.stoppedEarly, true);
  assert.ok(model.steps >= 1 && model.steps < 5000, `${model.steps} steps`);
  assert.ok(Number.isFinite(model.finalValidationLoss));
  for (const f of ['config.json', 'tokenizer.json', 'model.safetensors']) assert.ok(existsSync(join(model.folder, f)), `${model.folder}/${f}`);
});
