/**
 * `npm run bench` (training part, issue 17): training from scratch as the extension and `trex train`
 * run it — startTraining() (our tokenizer trainer, the ids, python/trex_train.py in a child process,
 * its JSON progress lines, the report) — for the tiny and the small presets, GPT-2 (clm) and BERT
 * (mlm), on Genesis (KJV, `bible -f`, Debian's bible-kjv), on the CPU.
 *
 * Two figures per model, so that our overhead is visible next to PyTorch's own speed:
 * - PyTorch's training speed: the tokens/s of the last step event, which the Python process
 *   measures around its own loop (steps only: the evaluations are set at the start and the end);
 * - the wall time of the whole run seen from Node: tokenizer, ids, process start and `import torch`,
 *   the two evaluations and their samples, saving the checkpoint, the report.
 * Nothing is asserted on time. Skipped, saying why, without PyTorch or without `bible`.
 *
 * TREX_PYTHON (default /usr/bin/python3.11 when present, else python3), TREX_BENCH_TRAIN_STEPS
 * (default 60), TREX_BENCH_TRAIN_BOOK (default "Gen1:1-Gen50:26", a `bible -f` range).
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SIZE_PRESETS, checkPython, defaultTrainingOptions, isProblem, startTraining,
  type ModelObjective, type TrainingCorpus, type TrainingEvent,
} from '../src/engine/training';
import { trainingThreads } from '../src/engine/training/presets';

const STEPS = Number(process.env['TREX_BENCH_TRAIN_STEPS'] ?? 60);
const RANGE = process.env['TREX_BENCH_TRAIN_BOOK'] ?? 'Gen1:1-Gen50:26';
const PYTHON = process.env['TREX_PYTHON'] ?? (existsSync('/usr/bin/python3.11') ? '/usr/bin/python3.11' : 'python3');

interface Row {
  readonly preset: 'tiny' | 'small';
  readonly objective: ModelObjective;
  readonly parameters: number;
  readonly vocabSize: number;
  readonly tokensPerStep: number;
  readonly steps: number;
  /** PyTorch's own figure: tokens/s of the last step event. */
  readonly tokensPerSecond: number;
  /** The Python loop's elapsed seconds at the last step. */
  readonly trainSeconds: number;
  /** startTraining() to `done`, seen from Node. */
  readonly wallSeconds: number;
  readonly tokenizerSeconds: number;
  /** startTraining() to the `start` event: tokenizer, ids, process start, `import torch`, the model built. */
  readonly startSeconds: number;
  readonly firstLoss: number;
  readonly lastLoss: number;
}

function corpus(): TrainingCorpus | undefined {
  try {
    const text = execSync(`bible -f "${RANGE}"`, { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 2 ** 20 }).toString().replace(/^\S+\s/gm, '');
    return text.trim() ? { source: `${RANGE} (KJV)`, text } : undefined;
  } catch {
    return undefined;
  }
}

async function trainOne(text: TrainingCorpus, preset: 'tiny' | 'small', objective: ModelObjective): Promise<Row> {
  const out = mkdtempSync(join(tmpdir(), 'trex-bench-train-'));
  try {
    const options = { ...defaultTrainingOptions(text, out, PYTHON), objective, preset, shape: SIZE_PRESETS[preset], steps: STEPS, evalEvery: STEPS };
    const events: TrainingEvent[] = [];
    const started = performance.now();
    let startSeconds = Number.NaN;
    const result = await startTraining(options, (e) => {
      if (e.type === 'start') startSeconds = (performance.now() - started) / 1000;
      events.push(e);
    }).done;
    const wallSeconds = (performance.now() - started) / 1000;
    const pick = <K extends TrainingEvent['type']>(type: K): Array<Extract<TrainingEvent, { type: K }>> => events.filter((e): e is Extract<TrainingEvent, { type: K }> => e.type === type);
    const last = pick('step').at(-1);
    const start = pick('start')[0];
    const evals = pick('eval');
    if (!last || !start || evals.length < 2) throw new Error(`${preset} ${objective}: the run gave no step, start or evaluations`);
    return {
      preset, objective, parameters: start.parameters, vocabSize: pick('tokenizer')[0]?.vocabSize ?? 0, tokensPerStep: options.batchSize * options.shape.context,
      steps: result.models[0]?.steps ?? last.step, tokensPerSecond: last.tokensPerSecond, trainSeconds: last.elapsedSeconds, wallSeconds,
      tokenizerSeconds: pick('tokenizer')[0]?.seconds ?? 0, startSeconds, firstLoss: evals[0].validationLoss, lastLoss: evals.at(-1)!.validationLoss,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function table(rows: readonly string[][], rightFrom: number): string {
  const w = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: readonly string[]): string => `| ${r.map((cell, c) => (c >= rightFrom ? cell.padStart(w[c]) : cell.padEnd(w[c]))).join(' | ')} |`;
  const rule = `|${w.map((n, c) => (c >= rightFrom ? `${'-'.repeat(n + 1)}:` : '-'.repeat(n + 2))).join('|')}|`;
  return [line(rows[0]), rule, ...rows.slice(1).map(line)].join('\n');
}

const count = (n: number): string => Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const secs = (n: number): string => `${n.toFixed(1)} s`;

async function main(): Promise<void> {
  const found = await checkPython(PYTHON);
  if (isProblem(found)) {
    console.log(`Training bench skipped: ${found.message}${found.fix ? ` (${found.fix})` : ''}`);
    return;
  }
  const text = corpus();
  if (!text) {
    console.log(`Training bench skipped: \`bible -f "${RANGE}"\` gave no text (Debian: apt-get install bible-kjv)`);
    return;
  }
  console.log(`Training bench — ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load ${loadavg()[0].toFixed(2)}, Node ${process.version}, ` +
    `PyTorch ${found.torch} (${PYTHON}), ${trainingThreads()} threads, on the CPU`);
  console.log(`${text.source}: ${count(text.text.length)} characters; ${STEPS} steps of 16 sequences per model, AdamW, evaluation at step 0 and at the end only\n`);
  const rows: Row[] = [];
  for (const preset of ['tiny', 'small'] as const) {
    for (const objective of ['clm', 'mlm'] as const) {
      console.log(`  (training ${preset} ${objective}…)`);
      rows.push(await trainOne(text, preset, objective));
    }
  }
  const shape = (p: 'tiny' | 'small'): string => { const s = SIZE_PRESETS[p]; return `L ${s.layers}, d ${s.hidden}, ${s.heads} heads, n ${s.context}`; };
  console.log('');
  console.log(table([
    ['model', 'parameters', 'tokens/step', 'PyTorch tok/s (last step)', 'training (PyTorch)', 'whole run (wall)', 'overhead', 'to PyTorch\'s start', 'validation loss'],
    ...rows.map((r) => [
      `${r.preset} ${r.objective === 'clm' ? 'GPT-2' : 'BERT'} (${shape(r.preset)}, V ${count(r.vocabSize)})`, count(r.parameters), count(r.tokensPerStep),
      count(r.tokensPerSecond), secs(r.trainSeconds), secs(r.wallSeconds), secs(r.wallSeconds - r.trainSeconds), secs(r.startSeconds),
      `${r.firstLoss.toFixed(2)} → ${r.lastLoss.toFixed(2)}`,
    ]),
  ], 1));
  console.log('\n- training (PyTorch): the Python loop\'s own elapsed time over the steps; tok/s = steps × tokens/step ÷ that time');
  console.log('- whole run: startTraining() to its result, seen from Node; overhead = whole run − training (tokenizer, ids, process start and `import torch`, two evaluations, save, report)');
  console.log(`- to PyTorch's start: startTraining() to the process's "start" line, the model built (tokenizer ${rows.map((r) => secs(r.tokenizerSeconds)).join(', ')})`);
  console.log(`\nload average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
