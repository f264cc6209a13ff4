/**
 * `npm run bench` (inside-the-model part, issue 14): through the real model host process, on a
 * GPT-2-small-shaped and a BERT-base-shaped model (random weights, the real tokenizers; see
 * support/prepare.ts), at 128 tokens on the CPU:
 * - one model run: `model/attention` (the inspect graph's forward pass, every layer's attention
 *   back over IPC) — the yardstick of the target (within 1.2× of it);
 * - attention step by step, first query on a new text (one forward pass that keeps the internals,
 *   then the steps) and another query on the same text (no model run: the host kept the internals);
 * - the logit lens on a new text (GPT-2: 13 rows × 128 positions through the LM head; BERT: 13 rows
 *   at one [MASK]) and on a text already run (the head alone);
 * - contextual embeddings of a word on a text already run.
 * A new text each repeat (one word changes), one warm-up, medians of TREX_BENCH_REPEATS (default 3).
 * Nothing is asserted on time.
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ModelHostClient } from '../src/host/client';
import { loadTokenizer } from '../src/engine/tokenizers/load';
import { median, now } from './support/measure';
import { benchDir, prepareModel, type BenchModelName } from './support/prepare';

const REPEATS = Number(process.env['TREX_BENCH_REPEATS'] ?? 3);
const TOKENS = Number(process.env['TREX_BENCH_INSIDE_TOKENS'] ?? 128);
const WORDS = 'the model reads every word of the sentence and each layer refines what it knows about the bank of the river before the output head names the next word'.split(' ');
const VARIANTS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth'];

/** A text the model reads as exactly `tokens` tokens, starting with `variant` (a new text per repeat); BERT's has one [MASK]. */
async function textOf(name: BenchModelName, tokens: number, variant: string): Promise<string> {
  const bert = name === 'bert-base-random';
  const tokenizer = await loadTokenizer(bert ? 'bert-base-uncased' : 'gpt2');
  const count = (words: string[]): number => tokenizer.encode(words.join(' '), { special: bert }).tokens.length;
  const words = [variant];
  for (let k = 0; count(words) < tokens; k++) words.push(bert && k === 20 ? '[MASK]' : WORDS[k % WORDS.length]);
  while (count(words) > tokens) words.pop();
  return words.join(' ');
}

const ms = (x: number): string => `${x.toFixed(x < 10 ? 1 : 0)} ms`;

async function benchModel(client: ModelHostClient, name: BenchModelName): Promise<string[]> {
  const prepared = await prepareModel(name, (line) => console.log(line));
  const model = await client.request('model/load', { spec: prepared.folder, device: 'cpu' }, { timeoutMs: 30 * 60_000 });
  const modelId = model.modelId;
  const samples: Record<'run' | 'stepsFirst' | 'stepsNext' | 'lensFirst' | 'lensCached' | 'embeddings', number[]> = { run: [], stepsFirst: [], stepsNext: [], lensFirst: [], lensCached: [], embeddings: [] };
  for (let r = 0; r <= REPEATS; r++) {
    const text = await textOf(name, TOKENS, VARIANTS[r % VARIANTS.length]);
    const lensText = await textOf(name, TOKENS, `${VARIANTS[r % VARIANTS.length]} again`);
    const t0 = now();
    await client.request('model/attention', { modelId, text });
    const t1 = now();
    await client.request('model/attentionSteps', { modelId, text, layer: 2, head: 3, query: 10 });
    const t2 = now();
    await client.request('model/attentionSteps', { modelId, text, layer: 5, head: 7, query: 40 });
    const t3 = now();
    await client.request('model/logitLens', { modelId, text: lensText });
    const t4 = now();
    await client.request('model/logitLens', { modelId, text: lensText });
    const t5 = now();
    const at = text.indexOf('bank');
    await client.request('model/embeddings', { modelId, text, spans: [{ start: at, end: at + 4 }] });
    const t6 = now();
    if (r === 0) continue; // warm-up: the head session and the embedding table are opened here
    samples.run.push(t1 - t0);
    samples.stepsFirst.push(t2 - t1);
    samples.stepsNext.push(t3 - t2);
    samples.lensFirst.push(t4 - t3);
    samples.lensCached.push(t5 - t4);
    samples.embeddings.push(t6 - t5);
  }
  await client.request('model/release', { modelId });
  const run = median(samples.run);
  const cell = (k: keyof typeof samples): string => `${ms(median(samples[k]))} (${(median(samples[k]) / run).toFixed(2)}×)`;
  return [name, ms(run), cell('stepsFirst'), cell('stepsNext'), cell('lensFirst'), cell('lensCached'), cell('embeddings')];
}

async function main(): Promise<void> {
  console.log(`\nInside the model, ${TOKENS} tokens, CPU — ${cpus().length} cores, load ${loadavg()[0].toFixed(1)}; median of ${REPEATS}; (×) = ratio to one model run`);
  const env = { ...process.env };
  delete env['TREX_MODEL_BACKEND']; // the real onnxruntime backend, whatever the shell says
  const client = new ModelHostClient({ hostScript: join(__dirname, '..', '..', 'dist', 'modelHost.js'), cacheDir: benchDir(), env });
  try {
    const rows = [['model', 'one model run', 'steps, new text', 'steps, other query', 'lens, new text', 'lens, text run', 'embeddings, text run']];
    for (const name of ['gpt2-small-random', 'bert-base-random'] as const) rows.push(await benchModel(client, name));
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
