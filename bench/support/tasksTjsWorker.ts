/**
 * Tasks bench worker, the peer: @huggingface/transformers (transformers.js) pipelines on the export
 * of the same weights, offline, fp32 on the CPU — `fill-mask` and `text-generation` (greedy). It has
 * no perplexity pipeline: surprisal is its causal-LM forward over the same windows, with the
 * log-softmax at each scored position in JS (its typed calls: transformersJs.ts).
 */
import { cpuMsSince, now, peakRssMiB } from './measure';
import type { TaskBenchJob, TaskBenchResult } from './tasksMeasure';
import { idsOf, loadTjs, MODEL_OPTIONS } from './transformersJs';
import { slidingWindows } from '../../src/engine/tasks/surprisal';

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as TaskBenchJob;
  const tjs = await loadTjs(job.tjsRoot);
  const result: TaskBenchResult = {
    engine: 'transformers.js', kind: job.kind, loadMs: 0, samplesMs: [], cpuMs: [], tokens: [], firstTokenMs: [], top5: [], text: '', meanNll: 0, inputTokens: [], peakRssMiB: 0,
  };
  const t0 = now();
  if (job.kind === 'fill-mask') {
    const pipe = await tjs.pipeline('fill-mask', job.tjsModel, MODEL_OPTIONS);
    result.loadMs = now() - t0;
    for (const text of job.texts) {
      await pipe(text, { top_k: 5 });
      const samples: number[] = [];
      let top5: number[] = [];
      for (let i = 0; i < job.repeats; i++) {
        const s = now();
        const found = (await pipe(text, { top_k: 5 })) as Array<{ token: number }>;
        samples.push(now() - s);
        top5 = found.map((f) => f.token);
      }
      result.samplesMs.push(samples);
      result.top5.push(top5);
      result.inputTokens.push(idsOf(pipe.tokenizer(text)['input_ids']).length);
    }
    await pipe.dispose();
  } else if (job.kind === 'generate') {
    const pipe = await tjs.pipeline('text-generation', job.tjsModel, MODEL_OPTIONS);
    result.loadMs = now() - t0;
    const options = { max_new_tokens: job.newTokens, do_sample: false, return_full_text: false };
    await pipe(job.texts[0], { ...options, max_new_tokens: 2 });
    const samples: number[] = [];
    for (let i = 0; i < job.repeats; i++) {
      const s = now();
      let puts = 0;
      let first = 0;
      // put() is called with the prompt first, then with each new token.
      const streamer = { put: (): void => { if (puts++ === 1) first = now() - s; }, end: (): void => undefined };
      const out = (await pipe(job.texts[0], { ...options, streamer })) as Array<{ generated_text: string }>;
      samples.push(now() - s);
      result.firstTokenMs.push(first);
      result.tokens.push(puts - 1);
      result.text = out[0].generated_text;
    }
    result.samplesMs.push(samples);
    result.inputTokens.push(idsOf(pipe.tokenizer(job.texts[0])['input_ids']).length);
    await pipe.dispose();
  } else {
    const [tokenizer, model] = await Promise.all([tjs.AutoTokenizer.from_pretrained(job.tjsModel), tjs.AutoModelForCausalLM.from_pretrained(job.tjsModel, MODEL_OPTIONS)]);
    result.loadMs = now() - t0;
    const samples: number[] = [];
    for (let r = 0; r < job.repeats; r++) {
      const s = now();
      const cpu = process.cpuUsage();
      const ids = [50256, ...idsOf(tokenizer(job.texts[0])['input_ids'])];
      let total = 0;
      let scored = 0;
      for (const w of slidingWindows(ids.length, job.window, job.stride)) {
        const slice = ids.slice(w.start, w.end);
        const n = slice.length;
        const { logits } = await model({
          input_ids: new tjs.Tensor('int64', BigInt64Array.from(slice.map(BigInt)), [1, n]),
          attention_mask: new tjs.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
        });
        const V = logits.dims[2];
        const data = logits.data as Float32Array;
        for (let p = w.scoreFrom; p < w.end; p++) {
          const row = data.subarray((p - 1 - w.start) * V, (p - w.start) * V);
          let max = -Infinity;
          for (let i = 0; i < V; i++) if (row[i] > max) max = row[i];
          let sum = 0;
          for (let i = 0; i < V; i++) sum += Math.exp(row[i] - max);
          total += max + Math.log(sum) - row[ids[p]];
          scored++;
        }
      }
      samples.push(now() - s);
      result.cpuMs.push(cpuMsSince(cpu));
      result.tokens.push(scored);
      result.meanNll = total / scored;
    }
    result.samplesMs.push(samples);
    await model.dispose();
  }
  result.peakRssMiB = peakRssMiB();
  process.send?.(result, () => process.exit(0));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
