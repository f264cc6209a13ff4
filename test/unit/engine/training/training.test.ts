/**
 * Training from scratch (issue 17) with the real Python and PyTorch (Debian's python3-torch in CI,
 * installed by .ci/run): the loss goes down, the checkpoints load in our engine with the logits of
 * PyTorch, stop leaves a loadable checkpoint, and the problems a student meets say what to do.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, execSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxRuntimeBackend } from '../../../../src/engine/runtime/onnxRuntime';
import { logitsOfIds } from '../../../../src/engine/tasks/idsLogits';
import { openModel } from '../../../../src/engine/tasks/openModel';
import {
  checkPython, defaultTrainingOptions, isProblem, planTraining, splitCorpus, startTraining, trainingScript, TrainingError,
  type TrainingEvent, type TrainingOptions,
} from '../../../../src/engine/training';
import { maxAbsDiff } from '../../../support/graphGolden';
import { tempDir } from '../../../support/tinyModels';

const PYTHON = process.env.TREX_TEST_PYTHON ?? (existsSync('/usr/bin/python3.11') ? '/usr/bin/python3.11' : 'python3');
/** Genesis 1–11 (KJV, public domain, Debian's bible-kjv): about 35,000 characters, a few pages. */
const GENESIS = execSync('bible -f "Gen1:1-Gen11:32"').toString().replace(/^\S+\s/gm, '');

let torch: string | undefined;
async function needsTorch(t: { skip: (why: string) => void }): Promise<boolean> {
  if (torch === undefined) {
    const found = await checkPython(PYTHON);
    torch = isProblem(found) ? '' : found.torch;
  }
  if (torch) return true;
  // CI installs python3-torch: there a missing torch is a failure, not a skip.
  if (process.env.CI) assert.fail(`PyTorch is not importable by ${PYTHON}: .ci/run installs python3-torch`);
  t.skip(`no PyTorch for ${PYTHON}`);
  return false;
}

function options(out: string, overrides: Partial<TrainingOptions> = {}): TrainingOptions {
  return { ...defaultTrainingOptions({ source: 'Genesis 1–11 (KJV)', text: GENESIS }, out, PYTHON), steps: 60, evalEvery: 20, batchSize: 8, ...overrides };
}

const backend = new OnnxRuntimeBackend();

/** PyTorch's logits for `ids` from the saved folder (the shipped script's --logits). */
function torchLogits(folder: string, ids: number[]): number[] {
  const out = execFileSync(PYTHON, [trainingScript(), '--logits', folder, JSON.stringify(ids)], { maxBuffer: 256 * 2 ** 20 }).toString();
  return (JSON.parse(out) as { logits: number[][] }).logits.flat();
}

test('the split keeps whole paragraphs, seeded; the plan counts parameters and tokens; too little text says so', async () => {
  const a = splitCorpus(GENESIS, 0.1, 7);
  assert.deepEqual(splitCorpus(GENESIS, 0.1, 7), a, 'the same seed, the same split');
  const val = a.validation.join('').length;
  assert.ok(val >= 0.1 * GENESIS.replace(/\s*\n\s*/g, '').length * 0.95 && val < 0.2 * GENESIS.length, `${val} validation characters`);
  for (const p of a.validation) assert.ok(!a.train.includes(p) || GENESIS.split(p).length > 2, 'a validation paragraph is not in training');
  const plan = await planTraining(options(tempDir('trex-plan-')));
  assert.ok(!isProblem(plan), JSON.stringify(plan));
  assert.deepEqual(plan.models.map((m) => m.objective), ['clm', 'mlm']);
  for (const m of plan.models) {
    const { layers: L, hidden: d } = { layers: 2, hidden: 64 };
    assert.equal(m.estimate, 12 * L * d * d + m.vocabSize * d);
    assert.ok(m.parameters > m.estimate && m.parameters < m.estimate * 1.1, `${m.parameters} vs ${m.estimate}`);
    assert.ok(m.trainTokens > 5000 && m.validationTokens > 500, JSON.stringify(m));
  }
  const small = await planTraining(options(tempDir('trex-plan-'), { corpus: { source: 'two lines', text: 'In the beginning God created the heaven and the earth.\nAnd the earth was without form, and void.' } }));
  assert.ok(isProblem(small) && small.kind === 'corpus-too-small', JSON.stringify(small));
  assert.match(small.message, /fewer than one context of 64/);
  const bad = await planTraining(options(tempDir('trex-plan-'), { shape: { layers: 2, hidden: 60, heads: 8, context: 64 } }));
  assert.ok(isProblem(bad) && bad.kind === 'bad-options' && /multiple of the 8 heads/.test(bad.message));
});

test('no Python, and a Python without torch: the problem and the install command', async () => {
  const none = await checkPython('/nonexistent/python3');
  assert.ok(isProblem(none) && none.kind === 'no-python', JSON.stringify(none));
  // A Python that does not see its site packages (-S): torch is not importable there.
  const bare = join(tempDir('trex-python-'), 'python-without-torch');
  writeFileSync(bare, `#!/bin/sh\nexec ${existsSync('/usr/bin/python3.11') ? '/usr/bin/python3.11' : 'python3'} -S "$@"\n`);
  chmodSync(bare, 0o755);
  const noTorch = await checkPython(bare);
  assert.ok(isProblem(noTorch) && noTorch.kind === 'no-torch', JSON.stringify(noTorch));
  assert.equal(noTorch.fix, `${bare} -m pip install torch`);
  const run = startTraining(options(tempDir('trex-train-'), { python: bare, objective: 'clm' }), () => undefined);
  await assert.rejects(run.done, (e: unknown) => e instanceof TrainingError && e.problem.kind === 'no-torch' && e.problem.fix === `${bare} -m pip install torch`);
});

test('GPT-2 and BERT trained from scratch: the loss goes down, the folders load in our engine with PyTorch’s logits, the report', async (t) => {
  if (!(await needsTorch(t))) return;
  const out = tempDir('trex-train-');
  const events: TrainingEvent[] = [];
  const result = await startTraining(options(out), (e) => events.push(e)).done;
  const plan = events.find((e) => e.type === 'plan');
  assert.ok(plan && plan.type === 'plan');
  assert.deepEqual(result.models.map((m) => m.objective), ['clm', 'mlm']);
  for (const m of result.models) {
    const of = <K extends TrainingEvent['type']>(type: K) => events.filter((e): e is Extract<TrainingEvent, { type: K }> => e.type === type && 'objective' in e && e.objective === m.objective);
    const start = of('start')[0];
    assert.equal(start.parameters, plan.plan.models.find((p) => p.objective === m.objective)?.parameters, 'the plan’s exact count is PyTorch’s');
    const evals = of('eval');
    assert.ok(evals.length >= 3 && evals[0].step === 0, JSON.stringify(evals));
    assert.ok(evals.at(-1)!.validationLoss < evals[0].validationLoss - 0.5, `${m.objective}: validation loss ${evals[0].validationLoss} → ${evals.at(-1)!.validationLoss}`);
    const steps = of('step');
    assert.ok(steps.at(-1)!.loss < steps[0].loss, `${m.objective}: training loss ${steps[0].loss} → ${steps.at(-1)!.loss}`);
    assert.ok(of('sample').length >= 3 && of('sample').every((s) => s.output.length > 0));
    assert.equal(m.stoppedEarly, false);
    assert.equal(m.steps, 60);
    assert.ok(Math.abs(m.perplexity - Math.exp(m.finalValidationLoss)) < 1e-6 * m.perplexity);
    for (const f of ['config.json', 'tokenizer.json', 'model.safetensors']) assert.ok(existsSync(join(m.folder, f)), `${m.folder}/${f}`);

    // Our engine reads the folder like any Hugging Face checkpoint; its logits are PyTorch's.
    const model = await openModel(m.folder, backend, { device: 'cpu', graphCacheDir: tempDir('trex-graphs-') });
    const ids = model.tokenizer.encode('And God said, Let the waters bring forth abundantly', { special: m.objective === 'mlm' }).tokens.map((x) => x.id);
    const ours = await logitsOfIds(model, [ids]);
    const error = maxAbsDiff(ours.data, torchLogits(m.folder, ids));
    assert.ok(error < 1e-4, `${m.objective}: logits max |Δ| ${error}`);
    await model.session.release();
  }
  const report = readFileSync(result.report, 'utf8');
  assert.match(report, /not directly comparable/);
  assert.match(report, /pseudo-perplexity/);
  for (const svg of report.matchAll(/\]\(([^)]+\.svg)\)/g)) assert.match(readFileSync(join(out, svg[1]), 'utf8'), /<polyline/);
});

test('stop halfway: the process saves the last complete step and the folder loads', async (t) => {
  if (!(await needsTorch(t))) return;
  const out = tempDir('trex-train-');
  let stopped = false;
  const run = startTraining(options(out, { objective: 'clm', steps: 5000, evalEvery: 1000 }), (e) => {
    if (e.type === 'step' && e.step >= 25 && !stopped) {
      stopped = true;
      run.stop();
    }
  });
  const result = await run.done;
  const [m] = result.models;
  assert.equal(m.stoppedEarly, true);
  assert.ok(m.steps >= 25 && m.steps < 5000, `${m.steps} steps`);
  const model = await openModel(m.folder, backend, { device: 'cpu', graphCacheDir: tempDir('trex-graphs-') });
  assert.equal(model.numLayers, 2);
  await model.session.release();
  // One run per output folder at a time.
  const first = startTraining(options(out, { objective: 'clm', steps: 5000 }), () => undefined);
  const second = startTraining(options(out, { objective: 'clm' }), () => undefined);
  await assert.rejects(second.done, (e: unknown) => e instanceof TrainingError && e.problem.kind === 'busy');
  first.stop();
  await first.done;
});
