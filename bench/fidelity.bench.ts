/**
 * `npm run bench` (fidelity part, issue 16): how far the int8 and int4 graphs are from float32, on
 * text the model was not trained on. Per precision:
 * - top-1 agreement over 1,000 greedy tokens: float32 generates; at every step each quantized
 *   graph, fed the same prefix (its own KV cache of float32's tokens), says whether its argmax is
 *   float32's token; max |Δp| is the largest difference of a next-token probability over those
 *   steps and the whole vocabulary;
 * - perplexity of a held-out text (teacher-forced, through the inspect graph) and its difference
 *   from float32's;
 * - max |Δ attention weight| over every layer, head and position of that text.
 * Models: the shipped trex-gpt2-kjv (trained on the KJV; held-out verses it never saw, 25-token
 * continuations of verse beginnings — its context is 128 positions) and GPT-2-small-shaped random
 * weights (the bench's, support/prepare.ts; the repository's sample-workspace texts; one 1,000-token
 * continuation). Greedy runs never stop at EOS.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { WeightPrecision } from '../src/engine/graph/precision';
import { readModelDir, type ModelDir } from '../src/engine/models/modelDir';
import { OnnxRuntimeBackend } from '../src/engine/runtime/onnxRuntime';
import type { InferenceSession, TensorData } from '../src/engine/runtime/types';
import { decodeGraph } from '../src/engine/tasks/decodeSession';
import { inspectGraph } from '../src/engine/tasks/openModel';
import { loadTokenizer } from '../src/engine/tokenizers/load';
import { versesFromTsv } from '../tools/training/corpus';
import { GPT_DIR, HELDOUT_FILE } from '../tools/training/paths';
import { benchDir, prepareModel } from './support/prepare';

const QUANTIZED = ['int8', 'int4'] as const;
const GREEDY_TOKENS = Number(process.env['TREX_BENCH_FIDELITY_TOKENS'] ?? 1000);
const backend = new OnnxRuntimeBackend();

interface Shape { layers: number; heads: number; headDim: number; vocab: number }

const int64 = (values: readonly number[]): TensorData => ({ type: 'int64', dims: [1, values.length], data: BigInt64Array.from(values.map(BigInt)) });

function shapeOf(model: ModelDir): Shape {
  const c = model.config;
  return { layers: c.numLayers, heads: c.numHeads, headDim: c.hiddenSize / c.numHeads, vocab: c.vocabSize };
}

function emptyPast(s: Shape): Record<string, TensorData> {
  const past: Record<string, TensorData> = {};
  for (let i = 0; i < s.layers; i++) {
    for (const kv of ['key', 'value']) past[`past_key_values.${i}.${kv}`] = { type: 'float32', dims: [1, s.heads, 0, s.headDim], data: new Float32Array(0) };
  }
  return past;
}

function softmax(logits: Float32Array, offset: number, V: number): Float64Array {
  let max = -Infinity;
  for (let v = 0; v < V; v++) max = Math.max(max, logits[offset + v]);
  const p = new Float64Array(V);
  let sum = 0;
  for (let v = 0; v < V; v++) sum += p[v] = Math.exp(logits[offset + v] - max);
  for (let v = 0; v < V; v++) p[v] /= sum;
  return p;
}

const argmax = (p: Float64Array): number => p.reduce((best, x, i) => (x > p[best] ? i : best), 0);

/** One decode session per precision, fed float32's greedy tokens in lockstep. */
class Lockstep {
  private past: Record<string, TensorData>[];
  private length = 0;
  constructor(private readonly sessions: InferenceSession[], private readonly shape: Shape) {
    this.past = sessions.map(() => emptyPast(shape));
  }

  /** Next-token probabilities of every session after `fresh` tokens. */
  async step(fresh: readonly number[]): Promise<Float64Array[]> {
    const P = this.length;
    const names = Object.keys(this.past[0]);
    const out = await Promise.all(this.sessions.map(async (s, i) => {
      const r = await s.run({ input_ids: int64(fresh), attention_mask: int64(new Array(P + fresh.length).fill(1)), position_ids: int64(fresh.map((_, t) => P + t)), ...this.past[i] },
        ['logits', ...names.map((n) => n.replace('past_key_values.', 'present.'))]);
      this.past[i] = Object.fromEntries(names.map((n) => [n, r[n.replace('past_key_values.', 'present.')]]));
      const logits = r['logits'].data as Float32Array;
      return softmax(logits, logits.length - this.shape.vocab, this.shape.vocab);
    }));
    this.length += fresh.length;
    return out;
  }
}

interface Fidelity { steps: number; agree: number[]; maxDp: number[]; ppl: number[]; maxAttention: number[]; scored: number }

async function greedy(graphs: string[], shape: Shape, prompts: number[][], perPrompt: number, total: number, f: Fidelity): Promise<void> {
  const sessions = await Promise.all(graphs.map((g) => backend.createSession(g, { device: 'cpu' })));
  try {
    for (const prompt of prompts) {
      if (f.steps >= total) break;
      const run = new Lockstep(sessions, shape);
      let probs = await run.step(prompt);
      for (let k = 0; k < perPrompt && f.steps < total; k++) {
        const next = argmax(probs[0]);
        for (let q = 1; q < probs.length; q++) {
          if (argmax(probs[q]) === next) f.agree[q]++;
          for (let v = 0; v < shape.vocab; v++) f.maxDp[q] = Math.max(f.maxDp[q], Math.abs(probs[q][v] - probs[0][v]));
        }
        f.steps++;
        if (k + 1 < perPrompt && f.steps < total) probs = await run.step([next]);
      }
    }
  } finally {
    for (const s of sessions) await s.release();
  }
}

/** Perplexity of `windows` (each scored on its own) and the largest attention difference from graphs[0]. */
async function teacherForced(graphs: string[], shape: Shape, windows: number[][], f: Fidelity): Promise<void> {
  const nll = graphs.map(() => 0);
  f.scored = 0;
  const attentionNames = Array.from({ length: shape.layers }, (_, i) => `attentions.${i}`);
  const sessions = await Promise.all(graphs.map((g) => backend.createSession(g, { device: 'cpu' })));
  try {
    for (const ids of windows) {
      const feeds = { input_ids: int64(ids), attention_mask: int64(ids.map(() => 1)), position_ids: int64(ids.map((_, t) => t)), ...emptyPast(shape) };
      const outs: Record<string, TensorData>[] = [];
      for (const s of sessions) outs.push(await s.run(feeds, ['logits', ...attentionNames]));
      outs.forEach((out, q) => {
        const logits = out['logits'].data as Float32Array;
        for (let t = 0; t + 1 < ids.length; t++) nll[q] -= Math.log(softmax(logits, t * shape.vocab, shape.vocab)[ids[t + 1]]);
        if (q === 0) return;
        for (const name of attentionNames) {
          const a = out[name].data as Float32Array;
          const b = outs[0][name].data as Float32Array;
          for (let i = 0; i < a.length; i++) f.maxAttention[q] = Math.max(f.maxAttention[q], Math.abs(a[i] - b[i]));
        }
      });
      f.scored += ids.length - 1;
    }
  } finally {
    for (const s of sessions) await s.release();
  }
  f.ppl = nll.map((x) => Math.exp(x / f.scored));
}

async function measure(model: ModelDir, graphCacheDir: string, prompts: number[][], perPrompt: number, windows: number[][]): Promise<Fidelity> {
  const precisions: WeightPrecision[] = ['float32', ...QUANTIZED];
  const decode: string[] = [];
  const inspect: string[] = [];
  for (const p of precisions) {
    decode.push(await decodeGraph(model, graphCacheDir, undefined, p));
    inspect.push(await inspectGraph(model, graphCacheDir, undefined, p));
  }
  const shape = shapeOf(model);
  const f: Fidelity = { steps: 0, agree: precisions.map(() => 0), maxDp: precisions.map(() => 0), ppl: [], maxAttention: precisions.map(() => 0), scored: 0 };
  await greedy(decode, shape, prompts, perPrompt, GREEDY_TOKENS, f);
  await teacherForced(inspect, shape, windows, f);
  return f;
}

function rows(name: string, f: Fidelity): string[] {
  return QUANTIZED.map((p, i) => {
    const q = i + 1;
    const dppl = f.ppl[q] - f.ppl[0];
    return `| ${name} | ${p} | ${((100 * f.agree[q]) / f.steps).toFixed(1)} % (${f.agree[q]}/${f.steps}) | ${f.maxDp[q].toFixed(4)} | ${f.ppl[0].toFixed(2)} → ${f.ppl[q].toFixed(2)} (${dppl >= 0 ? '+' : ''}${dppl.toFixed(2)}, ${((100 * dppl) / f.ppl[0]).toFixed(2)} %) | ${f.maxAttention[q].toFixed(4)} |`;
  });
}

async function main(): Promise<void> {
  const log = (line: string): void => console.log(`  (${line})`);
  console.log(`Fidelity bench — ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load ${loadavg()[0].toFixed(2)}, Node ${process.version}\n`);
  const graphCacheDir = join(benchDir(), 'graphs');
  const lines = ['| model | precision | top-1 agreement with float32, greedy | max abs Δp | perplexity (float32 → this) | max abs Δ attention |', '|---|---|---:|---:|---:|---:|'];

  // The shipped model: held-out verses (never seen in training).
  const kjv = await readModelDir(GPT_DIR);
  const kjvTokenizer = await loadTokenizer(GPT_DIR);
  const verses = versesFromTsv(readFileSync(HELDOUT_FILE, 'utf8'));
  const verseIds = verses.map((v) => kjvTokenizer.encode(v.text).tokens.map((t) => t.id));
  const prompts = verseIds.filter((ids) => ids.length >= 12).map((ids) => ids.slice(0, 12));
  const stream = verseIds.flat();
  const window = kjv.config.maxPositions;
  const kjvWindows = Array.from({ length: Math.min(40, Math.floor(stream.length / window)) }, (_, i) => stream.slice(i * window, (i + 1) * window));
  const kjvF = await measure(kjv, graphCacheDir, prompts, 25, kjvWindows);
  lines.push(...rows(`trex-gpt2-kjv (held-out verses; ${kjvF.scored} tokens scored)`, kjvF));

  // GPT-2-small shape, random weights: the repository's sample texts (not what any weights saw).
  const gpt2 = await prepareModel('gpt2-small-random', log);
  const sampleDir = join(__dirname, '..', '..', 'sample-workspace');
  const text = readdirSync(sampleDir).filter((n) => /\.(md|txt)$/.test(n) && !n.startsWith('masque')).sort().map((n) => readFileSync(join(sampleDir, n), 'utf8')).join('\n');
  const gptTokenizer = await loadTokenizer(join(gpt2.folder, 'tokenizer.json'));
  const ids = gptTokenizer.encode(text).tokens.map((t) => t.id);
  const smallF = await measure(await readModelDir(gpt2.folder), graphCacheDir, [ids.slice(0, 20)], GREEDY_TOKENS, [ids.slice(0, 512)]);
  lines.push(...rows(`GPT-2-small shape, random weights (sample-workspace; ${smallF.scored} tokens scored)`, smallF));
  console.log(lines.join('\n'));
  console.log(`\nload average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
