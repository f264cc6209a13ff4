/**
 * Tasks bench worker, our engine: the task functions the extension and `trex` call — fillMask,
 * generate (decode graph + KV cache, per-step candidates included), surprisal (windows over the
 * lean body graph, the scored rows through the head graph) — on a model opened with openModel. Sends one TaskBenchResult to the parent.
 */
import { OnnxRuntimeBackend } from '../../src/engine/runtime/onnxRuntime';
import { openDecodeSession } from '../../src/engine/tasks/decodeSession';
import { fillMask } from '../../src/engine/tasks/fillMask';
import { generate } from '../../src/engine/tasks/generate';
import { releaseModelExtras } from '../../src/engine/tasks/modelExtras';
import { openModel } from '../../src/engine/tasks/openModel';
import { surprisal } from '../../src/engine/tasks/surprisal';
import { openSurprisalSessions } from '../../src/engine/tasks/surprisalSessions';
import { cpuMsSince, now, peakRssMiB } from './measure';
import type { TaskBenchJob, TaskBenchResult } from './tasksMeasure';

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as TaskBenchJob;
  const backend = new OnnxRuntimeBackend();
  const t0 = now();
  const loaded = await openModel(job.folder, backend, { device: 'cpu', graphCacheDir: job.graphCacheDir });
  const extras = { device: 'cpu' as const, graphCacheDir: job.graphCacheDir };
  const model = job.kind === 'generate' ? await openDecodeSession(loaded, backend, extras) : job.kind === 'surprisal' ? await openSurprisalSessions(loaded, backend, extras) : loaded;
  const result: TaskBenchResult = {
    engine: 'ours', kind: job.kind, loadMs: now() - t0, samplesMs: [], cpuMs: [], tokens: [], firstTokenMs: [], top5: [], text: '', meanNll: 0, inputTokens: [], peakRssMiB: 0,
  };
  if (job.kind === 'fill-mask') {
    for (const text of job.texts) {
      await fillMask(model, text, { topK: 5 });
      const samples: number[] = [];
      let top5: number[] = [];
      for (let i = 0; i < job.repeats; i++) {
        const s = now();
        const r = await fillMask(model, text, { topK: 5 });
        samples.push(now() - s);
        top5 = r.masks[0].candidates.map((c) => c.id);
        if (i === 0) result.inputTokens.push(r.tokens.length);
      }
      result.samplesMs.push(samples);
      result.top5.push(top5);
    }
  } else if (job.kind === 'generate') {
    const g = model as Awaited<ReturnType<typeof openDecodeSession>>;
    const options = { strategy: 'greedy' as const, maxNewTokens: job.newTokens };
    await generate(g, job.texts[0], { ...options, maxNewTokens: 2 });
    const samples: number[] = [];
    for (let i = 0; i < job.repeats; i++) {
      const s = now();
      let first = 0;
      const r = await generate(g, job.texts[0], options, { onStep: (step) => { if (step.index === 0) first = now() - s; } });
      samples.push(now() - s);
      result.firstTokenMs.push(first);
      result.tokens.push(r.tokenIds.length);
      result.text = r.text;
    }
    result.samplesMs.push(samples);
    result.inputTokens.push(model.tokenizer.encode(job.texts[0]).tokens.length);
  } else {
    const samples: number[] = [];
    for (let i = 0; i < job.repeats; i++) {
      const s = now();
      const cpu = process.cpuUsage();
      const r = await surprisal(model, job.texts[0], { window: job.window, stride: job.stride });
      samples.push(now() - s);
      result.cpuMs.push(cpuMsSince(cpu));
      result.tokens.push(r.tokens.length);
      result.meanNll = r.meanNll;
    }
    result.samplesMs.push(samples);
  }
  await releaseModelExtras(loaded);
  await loaded.session.release();
  result.peakRssMiB = peakRssMiB();
  process.send?.(result, () => process.exit(0));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
