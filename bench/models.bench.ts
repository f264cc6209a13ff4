/**
 * `npm run bench` (models part): our engine vs @huggingface/transformers (transformers.js) on
 * identical random weights of GPT-2-small shape (12 layers, d=768, 12 heads, 1024 positions, vocab
 * 50257, real GPT-2 tokenizer) and BERT-base shape (12 layers, 768, 12 heads, vocab 30522, real
 * bert-base-uncased tokenizer), on the CPU. Each engine runs in its own child process so that its
 * peak memory is its own. Printed side by side: load time (tokenizer + session), first-token
 * latency, greedy decode tokens/s with the KV cache (our lean decode graph fed past key/values)
 * and without (the whole sequence re-run for each token), peak RSS, BERT fill-mask latency; then
 * the checks that make the comparison honest (same token ids, same greedy tokens, max |Δ logits|).
 * One warm-up, then medians of repeats. Nothing is asserted on time.
 *
 * TREX_BENCH_DIR: where checkpoints and graphs are written (default <tmp>/trex-bench-models, about
 * 2 GB, reused by later runs); TREX_BENCH_REPEATS (default 3) per
 * worker; TREX_BENCH_ROUNDS (default 2): each engine's worker runs that many times, in the order
 * ours, transformers.js, transformers.js, ours… so that a burst of load elsewhere on a shared
 * machine does not land on one engine only; samples of all rounds are pooled; TREX_BENCH_NEW_TOKENS (default 32).
 */
import { fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { loadTokenizer } from '../src/engine/tokenizers/load';
import { median, type DecoderResult, type Engine, type EncoderResult, type WorkerResult, type WorkerTask } from './support/measure';
import { prepareModel, type PreparedModel } from './support/prepare';

const REPEATS = Number(process.env['TREX_BENCH_REPEATS'] ?? 3);
const ROUNDS = Number(process.env['TREX_BENCH_ROUNDS'] ?? 2);
const NEW_TOKENS = Number(process.env['TREX_BENCH_NEW_TOKENS'] ?? 32);
const PROMPT = 'A transformer reads text as tokens: each word is split into pieces that the model has seen many times during training.';
const MASKED = 'The students read the [MASK] about how transformers split long words into small tokens before training.';

function runWorker(engine: Engine, task: Omit<WorkerTask, 'engine'>): Promise<WorkerResult> {
  const script = join(__dirname, 'support', engine === 'ours' ? 'oursWorker.js' : 'tjsWorker.js');
  return new Promise((resolve, reject) => {
    const child = fork(script, [JSON.stringify({ ...task, engine })], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: WorkerResult | undefined;
    child.on('message', (m) => { result = m as WorkerResult; });
    child.on('error', reject);
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`${engine} worker exited with code ${code}`))));
  });
}

/** Runs both engines ROUNDS times (ours, tjs, tjs, ours, …) and pools their samples. */
async function runRounds<R extends WorkerResult>(task: Omit<WorkerTask, 'engine' | 'path'>, paths: Record<Engine, string>): Promise<Record<Engine, R[]>> {
  const results: Record<Engine, R[]> = { ours: [], 'transformers.js': [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order: Engine[] = round % 2 === 0 ? ['ours', 'transformers.js'] : ['transformers.js', 'ours'];
    for (const engine of order) results[engine].push(await runWorker(engine, { ...task, path: paths[engine] }) as R);
  }
  return results;
}

const pooled = <R>(rs: readonly R[], pick: (r: R) => number[]): number[] => rs.flatMap(pick);
/** "median (best)"; best = the lowest time or the highest speed. */
function stat(samples: number[], format: (x: number) => string, higherIsBetter = false): string {
  const best = higherIsBetter ? Math.max(...samples) : Math.min(...samples);
  return `${format(median(samples))} (${format(best)})`;
}

function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return Number.NaN;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

const sameIds = (a: readonly number[], b: readonly number[]): string => {
  if (a.length === b.length && a.every((x, i) => x === b[i])) return `identical (${a.length})`;
  const at = a.findIndex((x, i) => x !== b[i]);
  return `DIFFER at ${at} of ${Math.max(a.length, b.length)}`;
};

function table(rows: Array<[string, string, string]>): string {
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const w2 = Math.max(...rows.map((r) => r[2].length));
  const line = (r: [string, string, string]): string => `| ${r[0].padEnd(w0)} | ${r[1].padStart(w1)} | ${r[2].padStart(w2)} |`;
  return [line(rows[0]), `|${'-'.repeat(w0 + 2)}|${'-'.repeat(w1 + 1)}:|${'-'.repeat(w2 + 1)}:|`, ...rows.slice(1).map(line)].join('\n');
}

const ms = (x: number): string => `${x < 100 ? x.toFixed(1) : x.toFixed(0)} ms`;
const perSec = (x: number): string => `${x.toFixed(1)} tok/s`;
const mib = (x: number): string => `${x.toFixed(0)} MiB`;

async function benchGpt2(model: PreparedModel): Promise<string[]> {
  const base = { model: model.name, folder: model.folder, text: PROMPT, newTokens: NEW_TOKENS, repeats: REPEATS, eosId: 50256, maskId: -1 };
  const runs = await runRounds<DecoderResult>(base, { ours: model.oursGraph, 'transformers.js': model.tjsRoot });
  const [ours, tjs] = [runs.ours[0], runs['transformers.js'][0]];
  const row = (label: string, pick: (r: DecoderResult) => number[], format: (x: number) => string, higher = false): [string, string, string] =>
    [label, stat(pooled(runs.ours, pick), format, higher), stat(pooled(runs['transformers.js'], pick), format, higher)];
  const sameAcrossRounds = [...runs.ours, ...runs['transformers.js']].every((r) => sameIds(r.cachedIds, ours.cachedIds).startsWith('identical'));
  return [
    `GPT-2-small shape (124 M parameters), prompt of ${ours.promptIds.length} tokens, ${NEW_TOKENS} new tokens, greedy:`,
    '',
    table([
      ['median (best)', 'ours', 'transformers.js'],
      row('load (tokenizer + session)', (r) => r.loadMs, ms),
      row('first token (prompt → id)', (r) => r.firstTokenMs, ms),
      row('decode with KV cache', (r) => r.cachedTokensPerSec, perSec, true),
      row('decode without cache (full re-run)', (r) => r.uncachedTokensPerSec, perSec, true),
      ['peak RSS of the process (max)', mib(Math.max(...runs.ours.map((r) => r.peakRssMiB))), mib(Math.max(...runs['transformers.js'].map((r) => r.peakRssMiB)))],
    ]),
    '',
    `- prompt token ids: ${sameIds(ours.promptIds, tjs.promptIds)}`,
    `- greedy tokens with cache: ${sameIds(ours.cachedIds, tjs.cachedIds)}; without: ${sameIds(ours.uncachedIds, tjs.uncachedIds)}; ours cached vs uncached: ${sameIds(ours.cachedIds, ours.uncachedIds)}; same in every round: ${sameAcrossRounds ? 'yes' : 'NO'}`,
    `- prompt logits (last position, ${ours.promptLogits.length} values): max |ours − transformers.js| = ${maxAbsDiff(ours.promptLogits, tjs.promptLogits).toExponential(2)}`,
    '- both run the same ops on onnxruntime-node: ours computes the LM head for the last position only; the export gives transformers.js',
    '  logits for every position (its generate() reads the last row), so these checks cover tokenizer, positions, mask and cache feeding',
  ];
}

async function benchBert(model: PreparedModel): Promise<string[]> {
  const tokenizer = await loadTokenizer(join(model.folder, 'tokenizer.json'));
  const maskId = tokenizer.encode('[MASK]').tokens[0].id;
  const base = { model: model.name, folder: model.folder, text: MASKED, newTokens: 0, repeats: REPEATS, eosId: -1, maskId };
  const runs = await runRounds<EncoderResult>(base, { ours: model.oursGraph, 'transformers.js': model.tjsRoot });
  const [ours, tjs] = [runs.ours[0], runs['transformers.js'][0]];
  const row = (label: string, pick: (r: EncoderResult) => number[]): [string, string, string] =>
    [label, stat(pooled(runs.ours, pick), ms), stat(pooled(runs['transformers.js'], pick), ms)];
  return [
    `BERT-base shape (110 M parameters), fill-mask on a ${ours.inputIds.length}-token sentence (with [CLS]/[SEP]), top 5:`,
    '',
    table([
      ['median (best)', 'ours', 'transformers.js'],
      row('load (tokenizer + session)', (r) => r.loadMs),
      row('fill-mask latency', (r) => r.fillMaskMs),
      ['peak RSS of the process (max)', mib(Math.max(...runs.ours.map((r) => r.peakRssMiB))), mib(Math.max(...runs['transformers.js'].map((r) => r.peakRssMiB)))],
    ]),
    '',
    `- token ids: ${sameIds(ours.inputIds, tjs.inputIds)}; top 5 at the mask: ${sameIds(ours.top5, tjs.top5)}`,
    `- logits at the mask (${ours.maskLogits.length} values): max |ours − transformers.js| = ${maxAbsDiff(ours.maskLogits, tjs.maskLogits).toExponential(2)}`,
  ];
}

async function main(): Promise<void> {
  const log = (line: string): void => console.log(`  (${line})`);
  console.log(`Models bench — ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load ${loadavg()[0].toFixed(2)}, Node ${process.version}, onnxruntime-node on CPU for both`);
  console.log(`${ROUNDS} rounds per engine (ours, transformers.js, transformers.js, ours…), each ${REPEATS} timed runs after a warm-up`);
  console.log(`(${REPEATS} loads; fill-mask ${REPEATS * 4} runs); median and best of the pooled samples\n`);
  const gpt2 = await prepareModel('gpt2-small-random', log);
  const bert = await prepareModel('bert-base-random', log);
  console.log([...await benchGpt2(gpt2), '', ...await benchBert(bert)].join('\n'));
  console.log(`\nload average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
