/**
 * Bench worker (a child process, so its peak memory is its own): @huggingface/transformers
 * (transformers.js) on the export of the same weights, offline (`allowRemoteModels = false`,
 * `localModelPath`), fp32 on the CPU — generate() with its KV cache, its model forward on the whole
 * sequence for the uncached figure, and the fill-mask pipeline (its typed calls: transformersJs.ts).
 */
import { argmax, DecoderResult, EncoderResult, now, peakRssMiB, WorkerTask } from './measure';
import { idsOf, loadTjs, MODEL_OPTIONS, type Tjs, type TjsModel, type TjsPipeline, type TjsTokenizer } from './transformersJs';

async function decoder(tjs: Tjs, task: WorkerTask): Promise<DecoderResult> {
  const loads: number[] = [];
  let tokenizer!: TjsTokenizer;
  let model!: TjsModel;
  for (let i = 0; i < task.repeats; i++) {
    if (model) await model.dispose();
    const t0 = now();
    [tokenizer, model] = await Promise.all([tjs.AutoTokenizer.from_pretrained(task.model), tjs.AutoModelForCausalLM.from_pretrained(task.model, MODEL_OPTIONS)]);
    loads.push(now() - t0);
  }
  /** generate() greedy with the cache; min_new_tokens = max_new_tokens keeps EOS out, as our loop does. */
  const generate = async (steps: number): Promise<{ ids: number[]; times: number[] }> => {
    const times: number[] = [];
    const t0 = now();
    const inputs = tokenizer(task.text);
    let puts = 0;
    const streamer = { put: (): void => { if (puts++ > 0) times.push(now() - t0); }, end: (): void => undefined };
    const out = await model.generate({ ...inputs, max_new_tokens: steps, min_new_tokens: steps, do_sample: false, streamer });
    return { ids: idsOf(out).slice(idsOf(inputs['input_ids']).length), times };
  };
  const first: number[] = [];
  for (let i = 0; i <= task.repeats; i++) {
    const g = await generate(1);
    if (i > 0) first.push(g.times[0]);
  }
  const speeds: number[] = [];
  let cachedIds: number[] = [];
  for (let i = 0; i <= task.repeats; i++) {
    const g = await generate(task.newTokens);
    if (i > 0) speeds.push((g.times.length - 1) / ((g.times[g.times.length - 1] - g.times[0]) / 1000));
    cachedIds = g.ids;
  }
  /** The model's forward on the whole sequence every step (transformers.js builds the empty past itself). */
  const promptIds = idsOf(tokenizer(task.text)['input_ids']);
  let promptLogits: number[] = [];
  const uncached = async (): Promise<{ ids: number[]; ms: number }> => {
    const t0 = now();
    const sequence = idsOf(tokenizer(task.text)['input_ids']);
    const out: number[] = [];
    for (let step = 0; step < task.newTokens; step++) {
      const n = sequence.length;
      const feeds = {
        input_ids: new tjs.Tensor('int64', BigInt64Array.from(sequence.map(BigInt)), [1, n]),
        attention_mask: new tjs.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
      };
      const { logits } = await model(feeds);
      const V = logits.dims[2];
      const data = logits.data as Float32Array;
      if (step === 0) promptLogits = Array.from(data.subarray(data.length - V));
      const next = argmax(data, data.length - V, V, task.eosId);
      out.push(next);
      sequence.push(next);
    }
    return { ids: out, ms: now() - t0 };
  };
  const uncachedSpeeds: number[] = [];
  let uncachedIds: number[] = [];
  for (let i = 0; i <= (task.cachedOnly ? -1 : task.repeats); i++) {
    const u = await uncached();
    if (i > 0) uncachedSpeeds.push(u.ids.length / (u.ms / 1000));
    uncachedIds = u.ids;
  }
  await model.dispose();
  return {
    kind: 'decoder', engine: 'transformers.js', loadMs: loads, firstTokenMs: first, cachedTokensPerSec: speeds,
    uncachedTokensPerSec: uncachedSpeeds, promptIds, cachedIds, uncachedIds, promptLogits, peakRssMiB: peakRssMiB(),
  };
}

async function encoder(tjs: Tjs, task: WorkerTask): Promise<EncoderResult> {
  const loads: number[] = [];
  let pipe!: TjsPipeline;
  for (let i = 0; i < task.repeats; i++) {
    if (pipe) await pipe.dispose();
    const t0 = now();
    pipe = await tjs.pipeline('fill-mask', task.model, MODEL_OPTIONS);
    loads.push(now() - t0);
  }
  const times: number[] = [];
  let top5: number[] = [];
  await pipe(task.text, { top_k: 5 });
  for (let i = 0; i < task.repeats * 4; i++) {
    const t0 = now();
    const found = (await pipe(task.text, { top_k: 5 })) as Array<{ token: number; score: number }>;
    times.push(now() - t0);
    top5 = found.map((f) => f.token);
  }
  const inputs = pipe.tokenizer(task.text);
  const inputIds = idsOf(inputs['input_ids']);
  const { logits } = await pipe.model(inputs);
  const V = logits.dims[2];
  const at = inputIds.indexOf(task.maskId);
  const maskLogits = Array.from((logits.data as Float32Array).subarray(at * V, (at + 1) * V));
  await pipe.dispose();
  return { kind: 'encoder', engine: 'transformers.js', loadMs: loads, fillMaskMs: times, inputIds, top5, maskLogits, peakRssMiB: peakRssMiB() };
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2]) as WorkerTask;
  const tjs = await loadTjs(task.path);
  const result = task.model === 'gpt2-small-random' ? await decoder(tjs, task) : await encoder(tjs, task);
  process.send?.(result, () => process.exit(0));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
