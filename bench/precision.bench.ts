/**
 * `npm run bench` (precision part, issue 16): GPT-2-small-shaped greedy decode with the KV cache,
 * ours in float32, int8 and int4 (weight-only quantized graphs, MatMulNBits) against
 * transformers.js float32 on the export of the same weights, in one run, each engine in its own
 * child process, rounds in alternating order. Beside each figure, the physical limit: this
 * machine's read bandwidth measured in the same run (onnxruntime ReduceSum over 512 MB, see
 * support/bandwidth.ts), the bytes of weights a decode step reads (from the graph file,
 * support/weightBytes.ts), the bound bandwidth / bytes in tokens/s and the fraction of it
 * reached. Ours opens decode sessions with threads not spinning (openDecodeSession); the last
 * rows are the experiments: one intra-op thread, and onnxruntime's default spinning threads.
 * Fidelity (agreement with float32) is fidelity.bench.ts's job; this prints only whether the
 * greedy tokens equal float32's. Nothing is asserted on time.
 *
 * TREX_BENCH_DIR (shared with the other benches), TREX_BENCH_REPEATS (default 3),
 * TREX_BENCH_ROUNDS (default 2), TREX_BENCH_NEW_TOKENS (default 32).
 */
import { fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { WeightPrecision } from '../src/engine/graph/precision';
import { readModelDir } from '../src/engine/models/modelDir';
import { decodeGraph } from '../src/engine/tasks/decodeSession';
import { measureBandwidth } from './support/bandwidth';
import { median, type DecoderResult, type WorkerTask } from './support/measure';
import { benchDir, prepareModel } from './support/prepare';
import { weightBytesPerToken } from './support/weightBytes';

const REPEATS = Number(process.env['TREX_BENCH_REPEATS'] ?? 3);
const ROUNDS = Number(process.env['TREX_BENCH_ROUNDS'] ?? 2);
const NEW_TOKENS = Number(process.env['TREX_BENCH_NEW_TOKENS'] ?? 32);
const PROMPT = 'A transformer reads text as tokens: each word is split into pieces that the model has seen many times during training.';

interface Variant {
  label: string;
  engine: 'ours' | 'transformers.js';
  path: string;
  /** Ours: the graph's weight bytes per token. */
  bytes?: number;
  ortOptions?: WorkerTask['ortOptions'];
}

function runWorker(task: WorkerTask): Promise<DecoderResult> {
  const script = join(__dirname, 'support', task.engine === 'ours' ? 'oursWorker.js' : 'tjsWorker.js');
  return new Promise((resolve, reject) => {
    const child = fork(script, [JSON.stringify(task)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: DecoderResult | undefined;
    child.on('message', (m) => { result = m as DecoderResult; });
    child.on('error', reject);
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`${task.engine} worker exited with code ${code}`))));
  });
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]): string => `| ${r.map((x, c) => (c === 0 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join(' | ')} |`;
  return [line(rows[0]), `|${widths.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

async function main(): Promise<void> {
  const log = (line: string): void => console.log(`  (${line})`);
  console.log(`Precision bench — ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load ${loadavg()[0].toFixed(2)}, Node ${process.version}, onnxruntime-node on CPU`);
  console.log(`${ROUNDS} rounds (order reversed every other round), each ${REPEATS} timed generations of ${NEW_TOKENS} tokens after a warm-up; median (best) of the pooled samples\n`);
  const bandwidth = await measureBandwidth();
  const gpt2 = await prepareModel('gpt2-small-random', log);
  const model = await readModelDir(gpt2.folder);
  const graphCacheDir = join(benchDir(), 'graphs');
  const graphs = {} as Record<WeightPrecision, string>;
  for (const p of ['float32', 'int8', 'int4'] as const) graphs[p] = await decodeGraph(model, graphCacheDir, () => log(`building the ${p} decode graph of ${gpt2.name}`), p);
  const variants: Variant[] = [
    { label: 'ours float32', engine: 'ours', path: graphs.float32, bytes: weightBytesPerToken(graphs.float32) },
    { label: 'ours int8', engine: 'ours', path: graphs.int8, bytes: weightBytesPerToken(graphs.int8) },
    { label: 'ours int4', engine: 'ours', path: graphs.int4, bytes: weightBytesPerToken(graphs.int4) },
    { label: 'transformers.js float32', engine: 'transformers.js', path: gpt2.tjsRoot, bytes: weightBytesPerToken(graphs.float32) },
    { label: 'ours int4, 1 intra-op thread', engine: 'ours', path: graphs.int4, bytes: weightBytesPerToken(graphs.int4), ortOptions: { intraOpNumThreads: 1 } },
    { label: 'ours int4, threads spinning (onnxruntime default)', engine: 'ours', path: graphs.int4, bytes: weightBytesPerToken(graphs.int4), ortOptions: { allowSpinning: true } },
    { label: 'ours float32, threads spinning (onnxruntime default)', engine: 'ours', path: graphs.float32, bytes: weightBytesPerToken(graphs.float32), ortOptions: { allowSpinning: true } },
  ];
  const results = new Map<Variant, DecoderResult[]>(variants.map((v) => [v, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) {
      const task: WorkerTask = {
        engine: v.engine, model: 'gpt2-small-random', path: v.path, folder: gpt2.folder, text: PROMPT, newTokens: NEW_TOKENS, repeats: REPEATS,
        eosId: 50256, maskId: -1, cachedOnly: true, ...(v.ortOptions ? { ortOptions: v.ortOptions } : {}),
      };
      results.get(v)?.push(await runWorker(task));
    }
  }
  // Again after the rows: a burst of load from elsewhere during either measurement lowers it.
  const after = await measureBandwidth();
  const speeds = (v: Variant): number[] => (results.get(v) ?? []).flatMap((r) => r.cachedTokensPerSec);
  const peer = variants[3];
  const reference = results.get(variants[0])?.[0]?.cachedIds ?? [];
  // The machine reads at least as fast as the best ReduceSum figure (load from elsewhere lowers any of them).
  const gbs = Math.max(bandwidth.ortGBs, bandwidth.ortOneThreadGBs, after.ortGBs, after.ortOneThreadGBs) * 1e9;
  const rows = [['median (best)', 'decode with KV cache', '× transformers.js float32', 'weights read per token', 'bandwidth bound', 'of the bound', 'peak RSS', 'greedy tokens = ours float32']];
  for (const v of variants) {
    const s = speeds(v);
    const bound = v.bytes === undefined ? undefined : gbs / v.bytes;
    const ids = results.get(v)?.[0]?.cachedIds ?? [];
    const same = ids.filter((id, i) => id === reference[i]).length;
    rows.push([
      v.label,
      `${median(s).toFixed(1)} (${Math.max(...s).toFixed(1)}) tok/s`,
      `${(median(s) / median(speeds(peer))).toFixed(2)}× (${(Math.max(...s) / Math.max(...speeds(peer))).toFixed(2)}×)`,
      v.bytes === undefined ? '' : `${(v.bytes / 1e6).toFixed(0)} MB`,
      bound === undefined ? '' : `${bound.toFixed(0)} tok/s`,
      bound === undefined ? '' : `${((100 * median(s)) / bound).toFixed(0)} % (${((100 * Math.max(...s)) / bound).toFixed(0)} %)`,
      `${Math.max(...(results.get(v) ?? []).map((r) => r.peakRssMiB)).toFixed(0)} MiB`,
      `${same}/${reference.length}`,
    ]);
  }
  console.log([
    `Read bandwidth, same run, before / after the rows: onnxruntime ReduceSum over 512 MB ${bandwidth.ortGBs.toFixed(1)} / ${after.ortGBs.toFixed(1)} GB/s (default threads),`,
    `${bandwidth.ortOneThreadGBs.toFixed(1)} / ${after.ortOneThreadGBs.toFixed(1)} GB/s (1 thread); JavaScript loop ${bandwidth.jsGBs.toFixed(1)} / ${after.jsGBs.toFixed(1)} GB/s; bound below: the best, ${(gbs / 1e9).toFixed(1)} GB/s`,
    '',
    `GPT-2-small shape (124 M parameters, random weights), prompt of 23 tokens, ${NEW_TOKENS} new tokens, greedy with the KV cache:`,
    '',
    table(rows),
    '',
    '- bound = the best ReduceSum bandwidth / weights read per token (every initializer read by a product, one embedding row each);',
    '  transformers.js runs the float32 export of the same weights, so its bound is float32\'s',
    '- random weights: their logits are saturated, so a quantized graph\'s greedy tokens part from float32\'s at once; fidelity.bench.ts measures agreement',
  ].join('\n'));
  console.log(`\nload average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
