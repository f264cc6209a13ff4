/**
 * The held-out figures computed through our engine (openModel → the ONNX graph → runLogits),
 * the way `trex` computes them: used by evaluate.ts (the report) and by
 * test/unit/repo/trainedModels.test.ts (which recomputes them from the shipped weights).
 */
import { runLogits, topK } from '../../src/engine/tasks/logits';
import type { LoadedModel } from '../../src/engine/tasks/openModel';
import { fillMaskItems, perplexityItems } from './evalItems';

export interface PerplexityFigures {
  verses: number;
  tokens: number;
  /** Mean negative log-likelihood per predicted token (nats). */
  loss: number;
  perplexity: number;
}

export interface FillMaskFigures {
  items: number;
  top1: number;
  top5: number;
  /** Mean -log p(hidden word) at the mask (nats). */
  loss: number;
}

function logSoftmaxAt(row: Float32Array, target: number): number {
  let max = -Infinity;
  for (const v of row) if (v > max) max = v;
  let sum = 0;
  for (const v of row) sum += Math.exp(v - max);
  return row[target] - max - Math.log(sum);
}

/** GPT: exp(mean NLL) of every verse token after `<|endoftext|>`, one verse at a time. */
export async function enginePerplexity(model: LoadedModel, verses: readonly string[]): Promise<PerplexityFigures> {
  const { items } = perplexityItems(model.tokenizer, verses, model.contextLength);
  let nll = 0;
  let tokens = 0;
  for (const item of items) {
    const { tokens: read, logits } = await runLogits(model, item.text);
    if (read.length !== item.ids.length || read.some((t, i) => t.id !== item.ids[i])) throw new Error(`tokens differ on ${item.text}`);
    const V = logits.dims[1];
    const data = logits.data as Float32Array;
    for (let p = 0; p + 1 < item.ids.length; p++) nll -= logSoftmaxAt(data.subarray(p * V, (p + 1) * V), item.ids[p + 1]);
    tokens += item.ids.length - 1;
  }
  return { verses: items.length, tokens, loss: nll / tokens, perplexity: Math.exp(nll / tokens) };
}

/** BERT: is the hidden word the first (top-1) or among the first five (top-5) predictions at [MASK]? */
export async function engineFillMask(model: LoadedModel, verses: readonly string[]): Promise<FillMaskFigures> {
  const items = fillMaskItems(model.tokenizer, verses, model.contextLength, model.maskToken);
  let top1 = 0;
  let top5 = 0;
  let nll = 0;
  for (const item of items) {
    const { tokens, logits } = await runLogits(model, item.text, [item.position]);
    if (tokens[item.position].token !== model.maskToken) throw new Error(`no mask at ${item.position} in ${item.text}`);
    const row = logits.data as Float32Array;
    const best = topK(row, 5).map((c) => c.id);
    if (best[0] === item.target) top1++;
    if (best.includes(item.target)) top5++;
    nll -= logSoftmaxAt(row, item.target);
  }
  const n = items.length;
  return { items: n, top1: top1 / n, top5: top5 / n, loss: nll / n };
}
