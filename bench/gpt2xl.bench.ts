/**
 * `node out/bench/gpt2xl.bench.js` (not part of `npm run bench`: minutes, 7 GB of memory while
 * building): does a gpt2-xl-shaped model (1.56 B parameters: 48 layers, d = 1600, 25 heads) decode
 * on this machine in int4, and with what peak memory? Seeded random weights are generated in
 * memory (never written as a checkpoint), the int4 decode graph is built straight from them into
 * `$TREX_BENCH_DIR/gpt2-xl-int4/` (1.24 GiB, removed at the end unless TREX_BENCH_KEEP=1, and then
 * reused by the next run), then
 * a child process (support/oursWorker.ts, so the peak memory is the decoding process's own) opens it
 * and decodes greedily with the KV cache. float32 would need 6.2 GB of weights in the graph and as
 * much again while building; it is not run here.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { defineGpt2Graph, type Gpt2Config } from '../src/engine/graph/gpt2Graph';
import { gpt2TensorSpecs } from '../src/engine/graph/tensorSpecs';
import { hfConfigJson } from '../test/support/tinyModelFolder';
import { randomWeights } from '../test/support/randomWeights';
import { median, now, peakRssMiB, type DecoderResult, type WorkerTask } from './support/measure';
import { benchDir } from './support/prepare';
import { weightBytesPerToken } from './support/weightBytes';

const XL: Gpt2Config = { nLayer: 48, nHead: 25, nEmbd: 1600, vocabSize: 50257, nPositions: 1024, layerNormEpsilon: 1e-5 };
const NEW_TOKENS = Number(process.env['TREX_BENCH_NEW_TOKENS'] ?? 16);

function runWorker(task: WorkerTask): Promise<DecoderResult> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'support', 'oursWorker.js'), [JSON.stringify(task)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: DecoderResult | undefined;
    child.on('message', (m) => { result = m as DecoderResult; });
    child.on('error', reject);
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`worker exited with code ${code}`))));
  });
}

async function main(): Promise<void> {
  console.log(`gpt2-xl shape, int4 — ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load ${loadavg()[0].toFixed(2)}, Node ${process.version}`);
  const dir = join(benchDir(), 'gpt2-xl-int4');
  mkdirSync(dir, { recursive: true });
  const graphPath = join(dir, 'model.onnx');
  const t0 = now();
  if (!existsSync(`${graphPath}.data`)) {
    const weights = randomWeights(gpt2TensorSpecs(XL), 1558);
    const parameters = [...weights.values()].reduce((n, w) => n + w.data.length, 0);
    console.log(`random weights: ${(parameters / 1e9).toFixed(3)} B parameters (${((parameters * 4) / 2 ** 30).toFixed(1)} GiB float32) in ${((now() - t0) / 1000).toFixed(0)} s`);
    defineGpt2Graph(XL, weights, { variant: 'decode', lastLogitsOnly: true, precision: 'int4' }).writeFiles(graphPath);
    console.log(`int4 decode graph built in ${((now() - t0) / 1000).toFixed(0)} s; builder peak RSS ${(peakRssMiB() / 1024).toFixed(1)} GiB`);
  }
  const graphBytes = statSync(graphPath).size + statSync(`${graphPath}.data`).size;
  console.log(`int4 decode graph: ${(graphBytes / 2 ** 30).toFixed(2)} GiB on disk`);
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(hfConfigJson({ family: 'gpt2', config: XL, seed: 1558 }), null, 2)}\n`);
  copyFileSync(join(__dirname, '..', '..', 'dist', 'tokenizers', 'gpt2.json'), join(dir, 'tokenizer.json'));
  try {
    const r = await runWorker({
      engine: 'ours', model: 'gpt2-small-random', path: graphPath, folder: dir, newTokens: NEW_TOKENS, repeats: 1, eosId: 50256, maskId: -1, cachedOnly: true,
      text: 'A transformer reads text as tokens: each word is split into pieces that the model has seen many times during training.',
    });
    const bytes = weightBytesPerToken(graphPath);
    console.log([
      `decoding process: session load ${(median(r.loadMs) / 1000).toFixed(1)} s, first token ${median(r.firstTokenMs).toFixed(0)} ms,`,
      `decode with KV cache ${median(r.cachedTokensPerSec).toFixed(2)} tok/s (best ${Math.max(...r.cachedTokensPerSec).toFixed(2)}), ${NEW_TOKENS} tokens,`,
      `weights read per token ${(bytes / 1e6).toFixed(0)} MB, peak RSS ${(r.peakRssMiB / 1024).toFixed(2)} GiB (session creation included), ${((r.endRssMiB ?? 0) / 1024).toFixed(2)} GiB after decoding with the session open`,
    ].join('\n'));
  } finally {
    if (process.env['TREX_BENCH_KEEP'] !== '1') rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
