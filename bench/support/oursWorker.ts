/**
 * Bench worker (a child process, so its peak memory is its own): our engine — the lean decode graph
 * on onnxruntime-node through OnnxRuntimeBackend, driven here step by step with past key/values
 * (or the whole sequence each step, without the cache). Sends one WorkerResult to the parent.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxRuntimeBackend } from '../../src/engine/runtime/onnxRuntime';
import type { InferenceSession, TensorData } from '../../src/engine/runtime/types';
import { loadTokenizer } from '../../src/engine/tokenizers/load';
import type { TextTokenizer } from '../../src/engine/tokenizers/textTokenizer';
import { sessionWithOptions } from './ortOptionsSession';
import { argmax, DecoderResult, EncoderResult, now, peakRssMiB, topK, softmaxAt, WorkerTask } from './measure';

const int64 = (values: number[]): TensorData => ({ type: 'int64', dims: [1, values.length], data: BigInt64Array.from(values.map(BigInt)) });

/**
 * Load = tokenizer + session. loadTokenizer caches per path, so its cold time (first call) is
 * added to each session creation rather than letting later repeats read the cache.
 */
async function timedLoads(task: WorkerTask): Promise<{ loadMs: number[]; tokenizer: TextTokenizer; session: InferenceSession }> {
  const t0 = now();
  const tokenizer = await loadTokenizer(join(task.folder, 'tokenizer.json'));
  const tokenizerMs = now() - t0;
  const times: number[] = [];
  for (let i = 0; i < task.repeats; i++) {
    const t1 = now();
    // A decode graph opens as openDecodeSession opens it (threads not spinning).
    const session = task.ortOptions
      ? await sessionWithOptions(task.path, task.ortOptions)
      : await new OnnxRuntimeBackend().createSession(task.path, { device: 'cpu', ...(task.model === 'gpt2-small-random' ? { spinning: false } : {}) });
    times.push(now() - t1);
    if (i === task.repeats - 1) return { loadMs: times.map((t) => tokenizerMs + t), tokenizer, session };
    await session.release();
  }
  throw new Error('repeats must be ≥ 1');
}

interface Gpt2Shape {
  layers: number;
  heads: number;
  headDim: number;
}

function gpt2Shape(folder: string): Gpt2Shape {
  const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as { n_layer: number; n_head: number; n_embd: number };
  return { layers: config.n_layer, heads: config.n_head, headDim: config.n_embd / config.n_head };
}

/** Greedy generation; `times[k]` = when token k was known (ms since `start`). */
async function generate(session: InferenceSession, shape: Gpt2Shape, prompt: number[], steps: number, eos: number, useCache: boolean, start: number):
Promise<{ ids: number[]; times: number[]; promptLogits: Float32Array }> {
  const empty: TensorData = { type: 'float32', dims: [1, shape.heads, 0, shape.headDim], data: new Float32Array(0) };
  let past: Record<string, TensorData> = {};
  for (let i = 0; i < shape.layers; i++) past[`past_key_values.${i}.key`] = past[`past_key_values.${i}.value`] = empty;
  const presentNames = Array.from({ length: shape.layers }, (_, i) => [`present.${i}.key`, `present.${i}.value`]).flat();
  const ids: number[] = [];
  const times: number[] = [];
  let promptLogits = new Float32Array(0);
  const sequence = [...prompt];
  for (let step = 0; step < steps; step++) {
    const fresh = useCache && step > 0 ? [sequence[sequence.length - 1]] : sequence;
    const offset = sequence.length - fresh.length;
    const out = await session.run({
      input_ids: int64(fresh), attention_mask: int64(sequence.map(() => 1)), position_ids: int64(fresh.map((_, i) => offset + i)), ...past,
    }, useCache ? ['logits', ...presentNames] : ['logits']);
    const logits = out['logits'].data as Float32Array;
    const V = out['logits'].dims[2];
    if (step === 0) promptLogits = logits.slice(logits.length - V);
    const next = argmax(logits, logits.length - V, V, eos);
    ids.push(next);
    times.push(now() - start);
    sequence.push(next);
    if (useCache) {
      past = {};
      for (let i = 0; i < shape.layers; i++) {
        past[`past_key_values.${i}.key`] = out[`present.${i}.key`];
        past[`past_key_values.${i}.value`] = out[`present.${i}.value`];
      }
    }
  }
  return { ids, times, promptLogits };
}

async function decoder(task: WorkerTask): Promise<DecoderResult> {
  const { loadMs, tokenizer, session } = await timedLoads(task);
  const shape = gpt2Shape(task.folder);
  const promptIds = (): number[] => tokenizer.encode(task.text).tokens.map((t) => t.id);
  const first: number[] = [];
  for (let i = 0; i <= task.repeats; i++) {
    const t0 = now();
    await generate(session, shape, promptIds(), 1, task.eosId, true, t0);
    if (i > 0) first.push(now() - t0);
  }
  const run = async (useCache: boolean): Promise<{ speeds: number[]; ids: number[]; promptLogits: ArrayLike<number> }> => {
    const speeds: number[] = [];
    let last: { ids: number[]; promptLogits: ArrayLike<number> } = { ids: [], promptLogits: [] };
    for (let i = 0; i <= task.repeats; i++) {
      const t0 = now();
      const g = await generate(session, shape, promptIds(), task.newTokens, task.eosId, useCache, t0);
      // With the cache: tokens after the first over the time after it; without: all tokens over the whole time.
      const speed = useCache ? (g.times.length - 1) / ((g.times[g.times.length - 1] - g.times[0]) / 1000) : g.times.length / (g.times[g.times.length - 1] / 1000);
      if (i > 0) speeds.push(speed);
      last = g;
    }
    return { speeds, ids: last.ids, promptLogits: last.promptLogits };
  };
  const cached = await run(true);
  const uncached = task.cachedOnly ? { speeds: [], ids: [], promptLogits: [] } : await run(false);
  const endRssMiB = process.memoryUsage().rss / 2 ** 20;
  await session.release();
  return {
    kind: 'decoder', engine: 'ours', loadMs, firstTokenMs: first, cachedTokensPerSec: cached.speeds, uncachedTokensPerSec: uncached.speeds,
    promptIds: promptIds(), cachedIds: cached.ids, uncachedIds: uncached.ids, promptLogits: Array.from(cached.promptLogits), peakRssMiB: peakRssMiB(), endRssMiB,
  };
}

async function encoder(task: WorkerTask): Promise<EncoderResult> {
  const { loadMs, tokenizer, session } = await timedLoads(task);
  const fillMask = async (): Promise<{ ids: number[]; top5: number[]; maskLogits: Float32Array }> => {
    const ids = tokenizer.encode(task.text, { special: true }).tokens.map((t) => t.id);
    const mask = ids.indexOf(tokenizer.encode('[MASK]').tokens[0].id);
    const out = await session.run({ input_ids: int64(ids), attention_mask: int64(ids.map(() => 1)), token_type_ids: int64(ids.map(() => 0)) }, ['logits']);
    const logits = out['logits'].data as Float32Array;
    const V = out['logits'].dims[2];
    const top5 = topK(logits, 5, mask * V, V);
    softmaxAt(logits, top5, mask * V, V); // the scores a fill-mask reports, computed as transformers.js does
    return { ids, top5, maskLogits: logits.slice(mask * V, (mask + 1) * V) };
  };
  const times: number[] = [];
  let last = await fillMask();
  for (let i = 0; i < task.repeats * 4; i++) {
    const t0 = now();
    last = await fillMask();
    times.push(now() - t0);
  }
  await session.release();
  return { kind: 'encoder', engine: 'ours', loadMs, fillMaskMs: times, inputIds: last.ids, top5: last.top5, maskLogits: [...last.maskLogits], peakRssMiB: peakRssMiB() };
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2]) as WorkerTask;
  const result = task.model === 'gpt2-small-random' ? await decoder(task) : await encoder(task);
  process.send?.(result, () => process.exit(0));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
