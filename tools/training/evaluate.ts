/**
 * Step 3 of the training pipeline: the held-out figures of the shipped models through our ONNX
 * engine, compared with PyTorch's own (tools/training/results/{gpt,bert}.json) — they must agree
 * to 1e-3 (relative). Writes tools/training/results/engine.json.
 * Usage: node tools/training/run.mjs evaluate
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxRuntimeBackend } from '../../src/engine/runtime/onnxRuntime';
import { runLogits, topK } from '../../src/engine/tasks/logits';
import type { LoadedModel } from '../../src/engine/tasks/openModel';
import { byteLevelToBytes } from '../../src/engine/tokenizers/byteLevel';
import { openModel } from '../../src/engine/tasks/openModel';
import { versesFromTsv } from './corpus';
import { engineFillMask, enginePerplexity } from './engineEval';
import { BERT_DIR, GPT_DIR, HELDOUT_FILE, TRAINING_DIR, WORK_DIR } from './paths';

const SUBSET = 120;

/** Examples for the report: the five best words at [MASK]. */
async function fillMaskExamples(model: LoadedModel, texts: readonly string[]): Promise<Array<{ text: string; top5: string[] }>> {
  const out: Array<{ text: string; top5: string[] }> = [];
  for (const text of texts) {
    const position = model.tokenizer.encode(text, { special: true }).tokens.findIndex((t) => t.token === model.maskToken);
    const { logits } = await runLogits(model, text, [position]);
    out.push({ text, top5: topK(logits.data as Float32Array, 5).map((c) => model.tokenizer.idToToken(c.id) ?? '?') });
  }
  return out;
}

/** Examples for the report: greedy continuations (the most likely next token, n times). */
async function greedyExamples(model: LoadedModel, prompts: readonly string[], n: number): Promise<Array<{ prompt: string; continuation: string }>> {
  const decoder = new TextDecoder();
  const out: Array<{ prompt: string; continuation: string }> = [];
  for (const prompt of prompts) {
    let text = prompt;
    for (let i = 0; i < n; i++) {
      const { logits } = await runLogits(model, text, [-1]);
      const token = model.tokenizer.idToToken(topK(logits.data as Float32Array, 1)[0].id) ?? '';
      const bytes = byteLevelToBytes(token);
      text += bytes ? decoder.decode(bytes) : token;
    }
    out.push({ prompt, continuation: text.slice(prompt.length) });
  }
  return out;
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-3 * Math.max(Math.abs(a), Math.abs(b), 1e-12);
}

async function main(): Promise<void> {
  const verses = versesFromTsv(readFileSync(HELDOUT_FILE, 'utf8')).map((v) => v.text);
  const backend = new OnnxRuntimeBackend();
  const graphCacheDir = join(WORK_DIR, 'graphs');
  const gpt = await openModel(GPT_DIR, backend, { device: 'cpu', graphCacheDir });
  const bert = await openModel(BERT_DIR, backend, { device: 'cpu', graphCacheDir });
  const t0 = Date.now();
  const engine = {
    gpt: { heldout: await enginePerplexity(gpt, verses), heldoutSubset: await enginePerplexity(gpt, verses.slice(0, SUBSET)) },
    bert: { heldout: await engineFillMask(bert, verses), heldoutSubset: await engineFillMask(bert, verses.slice(0, SUBSET)) },
  };
  console.log(`evaluate: ${Date.now() - t0} ms`);
  const examples = {
    fillMask: await fillMaskExamples(bert, [
      'In the beginning God created the [MASK] and the earth.',
      'And God said, Let there be [MASK]: and there was light.',
      'The LORD is my [MASK]; I shall not want.',
      'For God so loved the [MASK], that he gave his only begotten Son.',
    ]),
    greedy: await greedyExamples(gpt, ['<|endoftext|>In the beginning', '<|endoftext|>And the LORD said unto Moses', '<|endoftext|>Blessed are the'], 16),
  };
  for (const e of examples.fillMask) console.log(`evaluate: ${e.text} → ${e.top5.join(' ')}`);
  for (const e of examples.greedy) console.log(`evaluate: ${e.prompt} → ${JSON.stringify(e.continuation)}`);
  const torchGpt = JSON.parse(readFileSync(join(TRAINING_DIR, 'results', 'gpt.json'), 'utf8')) as Record<string, Record<string, number>>;
  const torchBert = JSON.parse(readFileSync(join(TRAINING_DIR, 'results', 'bert.json'), 'utf8')) as Record<string, Record<string, number>>;
  const checks: Array<[string, number, number]> = [];
  for (const part of ['heldout', 'heldoutSubset'] as const) {
    checks.push([`gpt ${part} perplexity`, engine.gpt[part].perplexity, torchGpt[part]['perplexity']]);
    checks.push([`gpt ${part} tokens`, engine.gpt[part].tokens, torchGpt[part]['tokens']]);
    checks.push([`bert ${part} top1`, engine.bert[part].top1, torchBert[part]['top1']]);
    checks.push([`bert ${part} top5`, engine.bert[part].top5, torchBert[part]['top5']]);
    checks.push([`bert ${part} loss`, engine.bert[part].loss, torchBert[part]['loss']]);
    checks.push([`bert ${part} items`, engine.bert[part].items, torchBert[part]['items']]);
  }
  let ok = true;
  const comparison = checks.map(([name, ours, torch]) => {
    const agree = close(ours, torch);
    ok &&= agree;
    console.log(`evaluate: ${agree ? 'ok  ' : 'DIFF'} ${name}: engine ${ours} torch ${torch}`);
    return { name, engine: ours, torch, relativeDifference: Math.abs(ours - torch) / Math.max(Math.abs(torch), 1e-12), agree };
  });
  mkdirSync(join(TRAINING_DIR, 'results'), { recursive: true });
  writeFileSync(join(TRAINING_DIR, 'results', 'engine.json'), `${JSON.stringify({ subset: SUBSET, engine, comparison, examples }, null, 2)}\n`);
  await gpt.session.release();
  await bert.session.release();
  if (!ok) process.exit(1);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
