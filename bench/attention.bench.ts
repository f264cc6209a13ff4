/**
 * `npm run bench` (attention part, issues 5 and 15): the Attention view's path from a selection to
 * the first heatmap on the BERT-base shape (12 layers × 12 heads, d = 768, 32 to 512 tokens) and
 * the GPT-2-small shape (the same sizes and 1,024 tokens, its context), random weights with the
 * real tokenizers (support/prepare.ts), on the CPU, through the real model host process:
 * - model time: `attention/analyse` (tokenize, the inspect graph's forward pass; the attention
 *   stays in the host, only the tokens come back);
 * - first heatmap: model time + `attention/view` of the view's default (the mean over the heads of
 *   layer 0, float32 `[T, T]`) + the webview's per-cell colouring of it (the same loop, on a plain
 *   array; the canvas scaling that follows is the browser's);
 * - layer switch: another layer's mean and one head (`attention/view`, coloured), the mean of both;
 * - rollout: `attention/view` of the rollout of the last layer on a fresh analysis (its products in
 *   onnxruntime in the host);
 * - model view: `attention/grid` (144 thumbnails of 48 × 48 as bytes, the per-head statistics);
 * - memory: peak resident memory of the bench process (the extension host's side, cumulative over
 *   the rows) and of the model host (`host/configure`'s `maxRssBytes`, a fresh host per row); the
 *   webview receives one `[T, T]` float32 matrix per view (the bytes column).
 * Each repeat starts 300 ms after the last (the view's debounce). One warm-up, then medians of
 * TREX_BENCH_REPEATS (default 3). Nothing is asserted on time.
 * TREX_BENCH_ATTENTION_SIZES (e.g. `128,512`) and TREX_BENCH_ATTENTION_MODELS (`bert,gpt2`) narrow it.
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { dequantizeBlocks } from '../src/engine/attention/quantize';
import { ModelHostClient } from '../src/host/client';
import { loadTokenizer } from '../src/engine/tokenizers/load';
import { median } from './support/measure';
import { benchDir, prepareModel, type BenchModelName } from './support/prepare';

const REPEATS = Number(process.env['TREX_BENCH_REPEATS'] ?? 3);
const SIZES = process.env['TREX_BENCH_ATTENTION_SIZES']?.split(',').map(Number);
const MODELS = (process.env['TREX_BENCH_ATTENTION_MODELS'] ?? 'bert,gpt2').split(',');
const WORDS = 'attention lets every position look at the others and decide which of them matter for its prediction while the heads learn different patterns'.split(' ');

interface BenchShape {
  name: BenchModelName;
  short: string;
  tokenizer: string;
  special: boolean;
  sizes: number[];
}

const SHAPES: BenchShape[] = [
  { name: 'bert-base-random', short: 'bert', tokenizer: 'bert-base-uncased', special: true, sizes: [32, 128, 512] },
  { name: 'gpt2-small-random', short: 'gpt2', tokenizer: 'gpt2', special: false, sizes: [32, 128, 512, 1024] },
];

/** A text that the model reads as exactly `tokens` tokens (special tokens included). */
async function textOf(shape: BenchShape, tokens: number): Promise<string> {
  const tokenizer = await loadTokenizer(shape.tokenizer);
  const count = (words: string[]): number => tokenizer.encode(words.join(' '), { special: shape.special }).tokens.length;
  const words: string[] = [];
  for (let k = 0; count(words) < tokens; k++) words.push(WORDS[k % WORDS.length]);
  while (count(words) > tokens) words.pop();
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
const mib = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MiB`;

async function benchShape(shape: BenchShape, rows: string[][]): Promise<void> {
  const prepared = await prepareModel(shape.name, (line) => console.log(line));
  const env = { ...process.env };
  delete env['TREX_MODEL_BACKEND']; // the real onnxruntime backend, whatever the shell says
  for (const size of SIZES ?? shape.sizes) {
    // A fresh host per row, so that its peak memory is this row's.
    const client = new ModelHostClient({ hostScript: join(__dirname, '..', '..', 'dist', 'modelHost.js'), cacheDir: benchDir(), env });
    try {
      const model = await client.request('model/load', { spec: prepared.folder, device: 'cpu' }, { timeoutMs: 30 * 60_000 });
      const text = await textOf(shape, size);
      const options = { hideSpecial: false, mergeSubwords: false };
      const samples = { model: [] as number[], first: [] as number[], layer: [] as number[], rollout: [] as number[], grid: [] as number[] };
      let bytes = 0;
      for (let r = 0; r <= REPEATS; r++) {
        // A selection change reaches the host after the view's 300 ms debounce: the previous
        // repeat's rollout session (onnxruntime threads spin a little after a run) is quiet by then.
        await new Promise((resolve) => setTimeout(resolve, 300));
        const a = performance.now();
        const analysed = await client.request('attention/analyse', { modelId: model.modelId, text });
        const b = performance.now();
        const ref = { modelId: model.modelId, analysisId: analysed.analysisId, ...options };
        const first = await client.request('attention/view', { ...ref, layer: 0, heads: ['mean'] });
        colour(first.matrices[0]);
        const c = performance.now();
        colour((await client.request('attention/view', { ...ref, layer: 5, heads: ['mean'] })).matrices[0]);
        colour((await client.request('attention/view', { ...ref, layer: 5, heads: [3] })).matrices[0]);
        const d = performance.now();
        colour((await client.request('attention/view', { ...ref, layer: model.numLayers - 1, heads: ['rollout'] })).matrices[0]);
        const e = performance.now();
        const grid = await client.request('attention/grid', { ...ref, max: 48 });
        dequantizeBlocks(grid.thumbs, grid.scales);
        const f = performance.now();
        bytes = first.matrices[0].byteLength;
        if (r === 0) continue; // warm-up
        samples.model.push(b - a);
        samples.first.push(c - a);
        samples.layer.push((d - c) / 2);
        samples.rollout.push(e - d);
        samples.grid.push(f - e);
      }
      const host = await client.request('host/configure', {});
      const m = (k: keyof typeof samples): number => median(samples[k]);
      rows.push([shape.short, String(size), ms(m('model')), ms(m('first')), ms(m('first') - m('model')), ms(m('layer')), ms(m('rollout')), ms(m('grid')), mib(process.resourceUsage().maxRSS * 1024), mib(host.maxRssBytes), `${Math.round(bytes / 1024)} KiB`]);
    } finally {
      client.dispose();
    }
  }
}

async function main(): Promise<void> {
  console.log(`\nAttention view, BERT-base and GPT-2-small shapes (12 × 12 heads), CPU — ${cpus().length} cores, load ${loadavg()[0].toFixed(1)}; median of ${REPEATS}`);
  const rows: string[][] = [['model', 'tokens', 'model time', 'first heatmap', '(beyond model)', 'layer/head switch', 'rollout', 'model view', 'bench peak', 'host peak', 'to webview']];
  for (const shape of SHAPES.filter((s) => MODELS.includes(s.short))) await benchShape(shape, rows);
  const widths = rows[0].map((_, k) => Math.max(...rows.map((row) => row[k].length)));
  for (const row of rows) console.log(row.map((cell, k) => cell.padStart(widths[k])).join('  '));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
