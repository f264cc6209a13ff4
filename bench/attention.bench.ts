/**
 * `npm run bench` (attention part, issue 5): the Attention view's path from a selection to the
 * first heatmap on a BERT-base-shaped model (12 layers × 12 heads, d = 768, random weights with the
 * real bert-base-uncased tokenizer, see support/prepare.ts), on the CPU, for 32, 128 and 512
 * tokens, split into
 * - model time: `model/attention` through the real model host process (tokenize, the inspect
 *   graph's forward pass, all 12 layers' [12, T, T] probabilities copied back over IPC);
 * - view maths: what the host computes for the first heatmap (the view's default, the mean over the
 *   heads of layer 0);
 * - drawing: the webview's per-cell colouring of the T × T image (the same loop, run here on a
 *   plain array; the canvas scaling that follows is one `drawImage`, done by the browser's GPU path).
 * Then what other views compute on demand: the rollout over the 12 layers, and the 144 thumbnails
 * of the model view with the per-head statistics of the summary.
 * One warm-up, then medians of TREX_BENCH_REPEATS (default 3). Nothing is asserted on time.
 * TREX_BENCH_DIR is shared with the other benches (the checkpoint and graphs are reused).
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { AttentionAnalysis } from '../src/engine/attention/analysis';
import { writeTinyModelFolder } from '../test/support/tinyModelFolder';
import { ModelHostClient } from '../src/host/client';
import { loadTokenizer } from '../src/engine/tokenizers/load';
import { median } from './support/measure';
import { BERT_BASE, benchDir } from './support/prepare';

const REPEATS = Number(process.env['TREX_BENCH_REPEATS'] ?? 3);
const SIZES = (process.env['TREX_BENCH_ATTENTION_SIZES'] ?? '32,128,512').split(',').map(Number);
const WORDS = 'attention lets every position look at the others and decide which of them matter for its prediction while the heads learn different patterns'.split(' ');

function folder(): string {
  const dir = join(benchDir(), 'folders', 'bert-base-random');
  if (!existsSync(join(dir, 'model.safetensors')) || !existsSync(join(dir, 'tokenizer.json'))) {
    console.log(`writing bert-base-random weights to ${dir}`);
    mkdirSync(dir, { recursive: true });
    writeTinyModelFolder(dir, BERT_BASE);
    copyFileSync(join(__dirname, '..', '..', 'dist', 'tokenizers', 'bert-base-uncased.json'), join(dir, 'tokenizer.json'));
  }
  return dir;
}

/** A text that BERT reads as exactly `tokens` tokens ([CLS] and [SEP] included). */
async function textOf(tokens: number): Promise<string> {
  const tokenizer = await loadTokenizer('bert-base-uncased');
  const words: string[] = [];
  for (let k = 0; tokenizer.encode(words.join(' '), { special: true }).tokens.length < tokens; k++) words.push(WORDS[k % WORDS.length]);
  while (tokenizer.encode(words.join(' '), { special: true }).tokens.length > tokens) words.pop();
  return words.join(' ');
}

/** The webview's colouring loop (attentionMatrix.ts buildImage) on a plain RGBA array. */
function colour(data: Float32Array): number {
  const pixels = new Uint8ClampedArray(data.length * 4);
  let max = 0;
  for (const v of data) max = Math.max(max, v);
  const bg = [30, 30, 30];
  const accent = [209, 134, 22];
  for (let k = 0; k < data.length; k++) {
    const t = data[k] > 0 ? Math.max(0.06, Math.sqrt(data[k] / max)) : 0;
    for (let c = 0; c < 3; c++) pixels[k * 4 + c] = bg[c] + (accent[c] - bg[c]) * t;
    pixels[k * 4 + 3] = 255;
  }
  return pixels.length;
}

const ms = (x: number): string => `${x.toFixed(x < 10 ? 1 : 0)} ms`;

async function main(): Promise<void> {
  console.log(`\nAttention view, BERT-base shape (12 × 12 heads), CPU — ${cpus().length} cores, load ${loadavg()[0].toFixed(1)}; median of ${REPEATS}`);
  const dir = folder();
  const env = { ...process.env };
  delete env['TREX_MODEL_BACKEND']; // the real onnxruntime backend, whatever the shell says
  const client = new ModelHostClient({ hostScript: join(__dirname, '..', '..', 'dist', 'modelHost.js'), cacheDir: benchDir(), env });
  try {
    const t0 = Date.now();
    const model = await client.request('model/load', { spec: dir, device: 'cpu' }, { timeoutMs: 30 * 60_000 });
    console.log(`model loaded (inspect graph built or read from the cache) in ${ms(Date.now() - t0)}`);
    const rows: string[][] = [['tokens', 'model time', 'view maths', 'drawing', 'to first heatmap', 'rollout (on demand)', 'model view + stats (on demand)']];
    for (const size of SIZES) {
      const text = await textOf(size);
      const samples = { model: [] as number[], maths: [] as number[], drawing: [] as number[], rollout: [] as number[], grid: [] as number[] };
      for (let r = 0; r <= REPEATS; r++) {
        const a = Date.now();
        const result = await client.request('model/attention', { modelId: model.modelId, text });
        const b = Date.now();
        // The first heatmap: the view's default, the mean over the heads of layer 0.
        const analysis = new AttentionAnalysis({ text, tokens: result.tokens, layers: result.attentions.map((t) => t.data as Float32Array), numHeads: model.numHeads, causal: false });
        const options = { hideSpecial: false, mergeSubwords: false };
        const heatmap = analysis.view(0, 'mean', options).matrix.data;
        const c = Date.now();
        colour(heatmap);
        const d = Date.now();
        analysis.view(model.numLayers - 1, 'rollout', options);
        const e = Date.now();
        analysis.thumbnails(options, 48);
        analysis.stats();
        const f = Date.now();
        if (r === 0) continue; // warm-up
        samples.model.push(b - a);
        samples.maths.push(c - b);
        samples.drawing.push(d - c);
        samples.rollout.push(e - d);
        samples.grid.push(f - e);
      }
      const m = (k: keyof typeof samples): number => median(samples[k]);
      rows.push([String(size), ms(m('model')), ms(m('maths')), ms(m('drawing')), ms(m('model') + m('maths') + m('drawing')), ms(m('rollout')), ms(m('grid'))]);
    }
    const widths = rows[0].map((_, k) => Math.max(...rows.map((row) => row[k].length)));
    for (const row of rows) console.log(row.map((cell, k) => cell.padStart(widths[k])).join('  '));
  } finally {
    client.dispose();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
