/**
 * `npm run bench` (tasks part, issue 4): the prediction tasks as the extension and `trex` run them —
 * fillMask, generate (greedy, lean decode graph + KV cache, with the per-step candidates the panel
 * shows), surprisal — against @huggingface/transformers pipelines on the same random weights
 * (BERT-base shape, GPT-2-small shape; see support/prepare.ts), on the CPU, each engine in its own
 * child process. Figures: fill-mask latency on a short and on a 128-token input; greedy tokens/s
 * (end to end, and after the first token); surprisal throughput on a 10 KB document (transformers.js
 * has no perplexity pipeline: its causal-LM forward over the same windows, log-softmax in JS).
 * Then the checks that keep the comparison honest: same top-5, same generated text, same mean NLL.
 * Nothing is asserted on time.
 *
 * TREX_BENCH_DIR (shared with models.bench), TREX_BENCH_REPEATS (default 3), TREX_BENCH_ROUNDS
 * (default 2: each engine's worker runs that many times, ours, transformers.js, transformers.js,
 * ours…, so that a burst of load elsewhere does not land on one engine only; samples are pooled),
 * TREX_BENCH_SURPRISAL_ROUNDS (default 1: one run of the whole document per engine, about a minute
 * each on 2 busy cores), TREX_BENCH_NEW_TOKENS (default 32), TREX_BENCH_TASKS (default all: a comma
 * list of fill-mask, generate, surprisal, to run only those sections).
 */
import { fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { readModelDir } from '../src/engine/models/modelDir';
import { decodeGraph } from '../src/engine/tasks/decodeSession';
import { inspectGraph } from '../src/engine/tasks/openModel';
import { surprisalGraphs } from '../src/engine/tasks/surprisalSessions';
import { loadTokenizer } from '../src/engine/tokenizers/load';
import { median, type Engine } from './support/measure';
import { benchDir, prepareModel, type PreparedModel } from './support/prepare';
import type { TaskBenchJob, TaskBenchResult } from './support/tasksMeasure';

const REPEATS = Number(process.env['TREX_BENCH_REPEATS'] ?? 3);
const ROUNDS = Number(process.env['TREX_BENCH_ROUNDS'] ?? 2);
const SURPRISAL_ROUNDS = Number(process.env['TREX_BENCH_SURPRISAL_ROUNDS'] ?? 1);
const NEW_TOKENS = Number(process.env['TREX_BENCH_NEW_TOKENS'] ?? 32);
const SECTIONS = (process.env['TREX_BENCH_TASKS'] ?? 'fill-mask,generate,surprisal').split(',').map((s) => s.trim());
const SHORT = 'The students read the [MASK] about how transformers split long words into small tokens before training.';
const PROMPT = 'A transformer reads text as tokens: each word is split into pieces that the model has seen many times during training.';
const SENTENCES = [
  'Language models learn from large amounts of text by predicting missing or next words.',
  'A tokenizer cuts every sentence into pieces, and each piece becomes a vector the network can read.',
  'Attention lets every position look at the others and decide which of them matter for its prediction.',
  'During training the weights change a little after each batch, so that the right word becomes more likely.',
  'Sampling with a temperature makes the output more varied, while greedy decoding always takes the best token.',
  'Perplexity measures how surprised a model is by a text: the lower it is, the better the model predicts it.',
];

function runWorker(job: TaskBenchJob): Promise<TaskBenchResult> {
  const script = join(__dirname, 'support', job.engine === 'ours' ? 'tasksOursWorker.js' : 'tasksTjsWorker.js');
  return new Promise((resolve, reject) => {
    const child = fork(script, [JSON.stringify(job)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: TaskBenchResult | undefined;
    child.on('message', (m) => { result = m as TaskBenchResult; });
    child.on('error', reject);
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`${job.engine} ${job.kind} worker exited with code ${code}`))));
  });
}

async function both(job: Omit<TaskBenchJob, 'engine'>, rounds = ROUNDS): Promise<Record<Engine, TaskBenchResult[]>> {
  const out: Record<Engine, TaskBenchResult[]> = { ours: [], 'transformers.js': [] };
  for (let round = 0; round < rounds; round++) {
    const order: Engine[] = round % 2 === 0 ? ['ours', 'transformers.js'] : ['transformers.js', 'ours'];
    for (const engine of order) out[engine].push(await runWorker({ ...job, engine }));
  }
  return out;
}

function table(rows: Array<[string, string, string]>): string {
  const w = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: [string, string, string]): string => `| ${r[0].padEnd(w[0])} | ${r[1].padStart(w[1])} | ${r[2].padStart(w[2])} |`;
  return [line(rows[0]), `|${'-'.repeat(w[0] + 2)}|${'-'.repeat(w[1] + 1)}:|${'-'.repeat(w[2] + 1)}:|`, ...rows.slice(1).map(line)].join('\n');
}

const ms = (x: number): string => `${x < 100 ? x.toFixed(1) : x.toFixed(0)} ms`;
const perSec = (x: number): string => `${x.toFixed(1)} tok/s`;
const mib = (x: number): string => `${x.toFixed(0)} MiB`;
/** "median (best)". */
function stat(samples: number[], format: (x: number) => string, higherIsBetter = false): string {
  return `${format(median(samples))} (${format(higherIsBetter ? Math.max(...samples) : Math.min(...samples))})`;
}
const pool = (rs: TaskBenchResult[], pick: (r: TaskBenchResult) => number[]): number[] => rs.flatMap(pick);

/** A text of exactly `n` BERT tokens ([CLS]/[SEP] included) with one [MASK] near the middle. */
async function bertText(folder: string, n: number): Promise<string> {
  const tokenizer = await loadTokenizer(join(folder, 'tokenizer.json'));
  const words = SENTENCES.join(' ').split(' ');
  const out: string[] = [];
  const textOf = (): string => [...out.slice(0, Math.floor(out.length / 2)), '[MASK]', ...out.slice(Math.floor(out.length / 2))].join(' ');
  const count = (): number => tokenizer.encode(textOf(), { special: true }).tokens.length;
  for (let i = 0; count() < n; i++) out.push(words[i % words.length]);
  if (count() > n) out.pop();
  while (count() < n) out.push('a'); // a one-token word: lands exactly on n
  return textOf();
}

function document(bytes: number): string {
  let doc = '';
  for (let i = 0; Buffer.byteLength(doc) < bytes; i++) doc += `${SENTENCES[(i * 5) % SENTENCES.length]}${i % 4 === 3 ? '\n\n' : ' '}`;
  return doc.slice(0, bytes);
}

async function benchFillMask(bert: PreparedModel, graphCacheDir: string): Promise<string[]> {
  const long = await bertText(bert.folder, 128);
  const runs = await both({ kind: 'fill-mask', folder: bert.folder, tjsRoot: bert.tjsRoot, tjsModel: bert.name, graphCacheDir, repeats: REPEATS * 2, texts: [SHORT, long], newTokens: 0, window: 0, stride: 0 });
  const [o, t] = [runs.ours, runs['transformers.js']];
  const row = (label: string, pick: (r: TaskBenchResult) => number[], f: (x: number) => string, higher = false): [string, string, string] => [label, stat(pool(o, pick), f, higher), stat(pool(t, pick), f, higher)];
  const same = (i: number): string => (o[0].top5[i].join() === t[0].top5[i].join() ? 'identical' : `DIFFER (${o[0].top5[i].join()} vs ${t[0].top5[i].join()})`);
  return [
    'BERT-base shape, fill-mask, top 5 (ours: fillMask(); transformers.js: pipeline("fill-mask")):',
    '',
    table([
      ['median (best)', 'ours', 'transformers.js'],
      row('load (tokenizer + session)', (r) => [r.loadMs], ms),
      row(`fill-mask, short (${o[0].inputTokens[0]} tokens)`, (r) => r.samplesMs[0], ms),
      row(`fill-mask, ${o[0].inputTokens[1]} tokens`, (r) => r.samplesMs[1], ms),
      ['peak RSS of the process (max)', mib(Math.max(...o.map((r) => r.peakRssMiB))), mib(Math.max(...t.map((r) => r.peakRssMiB)))],
    ]),
    '',
    `- input tokens: ours ${o[0].inputTokens.join(', ')}; transformers.js ${t[0].inputTokens.join(', ')}`,
    `- top 5 at the mask: short ${same(0)}; 128 tokens ${same(1)}`,
  ];
}

async function benchGenerate(gpt2: PreparedModel, graphCacheDir: string): Promise<string[]> {
  const runs = await both({ kind: 'generate', folder: gpt2.folder, tjsRoot: gpt2.tjsRoot, tjsModel: gpt2.name, graphCacheDir, repeats: REPEATS, texts: [PROMPT], newTokens: NEW_TOKENS, window: 0, stride: 0 });
  const [o, t] = [runs.ours, runs['transformers.js']];
  const endToEnd = (r: TaskBenchResult): number[] => r.samplesMs[0].map((m, i) => r.tokens[i] / (m / 1000));
  const afterFirst = (r: TaskBenchResult): number[] => r.samplesMs[0].map((m, i) => (r.tokens[i] - 1) / ((m - r.firstTokenMs[i]) / 1000));
  const row = (label: string, pick: (r: TaskBenchResult) => number[], f: (x: number) => string, higher = false): [string, string, string] => [label, stat(pool(o, pick), f, higher), stat(pool(t, pick), f, higher)];
  return [
    `GPT-2-small shape, greedy, prompt of ${o[0].inputTokens[0]} tokens, ${NEW_TOKENS} new tokens (ours: generate(), 10 candidates per step; transformers.js: pipeline("text-generation")):`,
    '',
    table([
      ['median (best)', 'ours', 'transformers.js'],
      row('load (tokenizer + session)', (r) => [r.loadMs], ms),
      row('first token', (r) => r.firstTokenMs, ms),
      row('greedy, end to end', endToEnd, perSec, true),
      row('greedy, after the first token', afterFirst, perSec, true),
      ['peak RSS of the process (max)', mib(Math.max(...o.map((r) => r.peakRssMiB))), mib(Math.max(...t.map((r) => r.peakRssMiB)))],
    ]),
    '',
    `- tokens generated: ours ${o[0].tokens.join(', ')}; transformers.js ${t[0].tokens.join(', ')}`,
    `- generated text: ${o[0].text === t[0].text ? 'identical' : `DIFFER: ours ${JSON.stringify(o[0].text.slice(0, 60))}… vs ${JSON.stringify(t[0].text.slice(0, 60))}…`}`,
  ];
}

async function benchSurprisal(gpt2: PreparedModel, graphCacheDir: string): Promise<string[]> {
  const doc = document(10 * 1024);
  const window = 1024;
  const stride = 512;
  const runs = await both({ kind: 'surprisal', folder: gpt2.folder, tjsRoot: gpt2.tjsRoot, tjsModel: gpt2.name, graphCacheDir, repeats: 1, texts: [doc], newTokens: 0, window, stride }, SURPRISAL_ROUNDS);
  const [o, t] = [runs.ours, runs['transformers.js']];
  const speed = (r: TaskBenchResult): number[] => r.samplesMs[0].map((m, i) => r.tokens[i] / (m / 1000));
  const peak = (rs: TaskBenchResult[]): number => Math.max(...rs.map((r) => r.peakRssMiB));
  const ratio = (x: number): string => `${x.toFixed(2)}×`;
  return [
    `GPT-2-small shape, surprisal of a ${Buffer.byteLength(doc)}-byte document (${o[0].tokens[0]} tokens, windows of ${window} every ${stride}):`,
    '(ours: surprisal(), with rank and top 5 per token: the body graph on each window, its scored rows through the head graph — log-softmax, rank, top 5 in the graph;',
    ' transformers.js: no pipeline — its model forward on the same windows, log-softmax in JS)',
    '',
    table([
      ['median (best)', 'ours', 'transformers.js'],
      ['load (tokenizer + session)', stat(o.map((r) => r.loadMs), ms), stat(t.map((r) => r.loadMs), ms)],
      ['surprisal throughput', stat(pool(o, speed), perSec, true), stat(pool(t, speed), perSec, true)],
      ['whole document', stat(pool(o, (r) => r.samplesMs[0]), ms), stat(pool(t, (r) => r.samplesMs[0]), ms)],
      ['CPU time, whole document', stat(pool(o, (r) => r.cpuMs), ms), stat(pool(t, (r) => r.cpuMs), ms)],
      ['peak RSS of the process (max)', mib(peak(o)), mib(peak(t))],
    ]),
    '',
    `- ours / transformers.js (medians): throughput ${ratio(median(pool(o, speed)) / median(pool(t, speed)))}, CPU time ${ratio(median(pool(o, (r) => r.cpuMs)) / median(pool(t, (r) => r.cpuMs)))}, peak memory ${ratio(peak(o) / peak(t))}`,
    `- tokens scored: ours ${o[0].tokens[0]}, transformers.js ${t[0].tokens[0]}; mean NLL ours ${o[0].meanNll.toFixed(6)}, transformers.js ${t[0].meanNll.toFixed(6)} (|Δ| ${Math.abs(o[0].meanNll - t[0].meanNll).toExponential(1)})`,
  ];
}

async function main(): Promise<void> {
  const log = (line: string): void => console.log(`  (${line})`);
  console.log(`Tasks bench — ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load ${loadavg()[0].toFixed(2)}, Node ${process.version}, onnxruntime-node on CPU for both`);
  console.log(`${ROUNDS} rounds per engine (ours, transformers.js, transformers.js, ours…), each ${REPEATS * 2} fill-mask and ${REPEATS} generation runs after a warm-up;`);
  console.log(`surprisal: ${SURPRISAL_ROUNDS} run(s) of the whole document per engine; median and best of the pooled samples\n`);
  const gpt2 = await prepareModel('gpt2-small-random', log);
  const bert = await prepareModel('bert-base-random', log);
  const graphCacheDir = join(benchDir(), 'graphs');
  // Build our graphs now, so that no worker's load time includes a build.
  for (const p of [gpt2, bert]) await inspectGraph(await readModelDir(p.folder), graphCacheDir, () => log(`building the inspect graph of ${p.name}`));
  await decodeGraph(await readModelDir(gpt2.folder), graphCacheDir, () => log(`building the decode graph of ${gpt2.name}`));
  await surprisalGraphs(await readModelDir(gpt2.folder), graphCacheDir, () => log(`building the surprisal graphs of ${gpt2.name}`));
  const sections: Array<[string, () => Promise<string[]>]> = [
    ['fill-mask', () => benchFillMask(bert, graphCacheDir)],
    ['generate', () => benchGenerate(gpt2, graphCacheDir)],
    ['surprisal', () => benchSurprisal(gpt2, graphCacheDir)],
  ];
  const lines: string[] = [];
  for (const [name, run] of sections) if (SECTIONS.includes(name)) lines.push(...(lines.length ? [''] : []), ...await run());
  console.log(lines.join('\n'));
  console.log(`\nload average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
