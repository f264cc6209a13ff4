/**
 * Surprisal of each token of a text, −log2 P(x_t | x_<t), and the text's perplexity
 * PPL = exp(mean NLL) and bits per character.
 *
 * Causal (GPT-2 family): the text is preceded by the tokenizer's `<|endoftext|>` (when it has one),
 * so that the first token is scored too, as GLTR does; without it the first token is not scored
 * (and not listed). Long texts are read in windows of `window` tokens (default: the context length)
 * starting every `stride` tokens (default window/2): each token is scored once, in the first window
 * that holds it after the previous window's end, so with at least window − stride tokens of left
 * context (all of it while the text fits in one window).
 *
 * Encoder families: pseudo-perplexity — each ordinary token is masked in turn and scored from both
 * sides; that costs one forward pass per token (run in batches), and texts longer than the context
 * give each token a window centred on it.
 *
 * Cancellation (hooks.signal, checked between passes) throws a TaskError whose message is 'cancelled'.
 */
import type { TokenSpan } from '../tokenizers/types';
import { TaskError } from './errors';
import { maskIdOf } from './fillMask';
import { logitsOfIds, logitsRow } from './idsLogits';
import { logSumExp, rankOf, topIds } from './softmax';
import { endOfTextId, tokenChoice } from './tokenText';
import type { TaskModel } from './inputs';
import type { SurprisalHooks, SurprisalOptions, SurprisalResult, SurprisalToken, TokenChoice } from './taskTypes';

const PSEUDO_BATCH = 8;

interface Scored {
  nll: number;
  rank: number;
  top: TokenChoice[];
}

/** Scores token `target` from one row of logits. */
function scoreRow(model: TaskModel, row: Float32Array, target: number, topK: number): Scored {
  const lse = logSumExp(row);
  return {
    nll: lse - row[target],
    rank: rankOf(row, target),
    top: topIds(row, topK).map((id) => tokenChoice(model.tokenizer, id, Math.exp(row[id] - lse))),
  };
}

function check(hooks: SurprisalHooks): void {
  if (hooks.signal?.aborted) throw new TaskError('cancelled');
}

function result(spans: TokenSpan[], scores: Scored[], kind: SurprisalResult['kind'], passes: number): SurprisalResult {
  const tokens: SurprisalToken[] = spans.map((t, i) => ({ ...t, surprisal: scores[i].nll / Math.LN2, prob: Math.exp(-scores[i].nll), rank: scores[i].rank, top: scores[i].top }));
  const total = scores.reduce((s, x) => s + x.nll, 0);
  const meanNll = tokens.length ? total / tokens.length : 0;
  // Reduced, not spread: Math.max(...) of a long document's tokens overflows the stack.
  const characters = tokens.length ? tokens.reduce((m, t) => Math.max(m, t.end), 0) - tokens.reduce((m, t) => Math.min(m, t.start), Infinity) : 0;
  return { tokens, meanNll, perplexity: Math.exp(meanNll), bitsPerChar: characters ? total / Math.LN2 / characters : 0, characters, kind, passes };
}

/** The windows [start, end) over n ids that score every position ≥ 1 once. */
export function slidingWindows(n: number, window: number, stride: number): Array<{ start: number; end: number; scoreFrom: number }> {
  const out: Array<{ start: number; end: number; scoreFrom: number }> = [];
  let scored = 1; // position 0 has no left context
  for (let start = 0; scored < n; start += stride) {
    const end = Math.min(n, start + window);
    if (end > scored) {
      out.push({ start, end, scoreFrom: Math.max(scored, start + 1) });
      scored = end;
    }
  }
  return out;
}

function windowOptions(model: TaskModel, options: SurprisalOptions): { window: number; stride: number; topK: number } {
  const window = options.window ?? model.contextLength;
  const stride = options.stride ?? Math.max(1, Math.floor(window / 2));
  const topK = options.topK ?? 5;
  if (!Number.isInteger(window) || window < 2 || window > model.contextLength) throw new TaskError(`the window must be a whole number from 2 to ${model.contextLength} tokens, got ${window}`);
  if (!Number.isInteger(stride) || stride < 1 || stride > window - 1) throw new TaskError(`the stride must be a whole number from 1 to ${window - 1} tokens, got ${stride}`);
  if (!Number.isInteger(topK) || topK < 0) throw new TaskError(`top-k must be a whole number ≥ 0, got ${topK}`);
  return { window, stride, topK };
}

export async function surprisal(model: TaskModel, text: string, options: SurprisalOptions = {}, hooks: SurprisalHooks = {}): Promise<SurprisalResult> {
  const settings = windowOptions(model, options);
  return model.family === 'gpt2' ? causalSurprisal(model, text, settings, hooks) : pseudoSurprisal(model, text, settings, hooks);
}

async function causalSurprisal(model: TaskModel, text: string, o: { window: number; stride: number; topK: number }, hooks: SurprisalHooks): Promise<SurprisalResult> {
  const spans = model.tokenizer.encode(text).tokens;
  const bos = endOfTextId(model.tokenizer);
  const ids = [...(bos === undefined ? [] : [bos]), ...spans.map((t) => t.id)];
  const offset = bos === undefined ? 0 : 1; // ids[i] is spans[i - offset]
  if (ids.length < 2) throw new TaskError('the text gives no token to score: give some text');
  const windows = slidingWindows(ids.length, o.window, o.stride);
  const scores: Scored[] = [];
  for (const [w, { start, end, scoreFrom }] of windows.entries()) {
    check(hooks);
    const logits = await logitsOfIds(model, [ids.slice(start, end)]);
    for (let p = scoreFrom; p < end; p++) scores.push(scoreRow(model, logitsRow(logits, 0, p - 1 - start), ids[p], o.topK));
    hooks.onProgress?.(w + 1, windows.length);
  }
  return result(spans.slice(1 - offset), scores, 'causal', windows.length);
}

async function pseudoSurprisal(model: TaskModel, text: string, o: { window: number; topK: number }, hooks: SurprisalHooks): Promise<SurprisalResult> {
  const maskId = maskIdOf(model);
  if (maskId === undefined) throw new TaskError(`${model.label} has no mask token: pseudo-perplexity needs a masked (BERT-like) model`);
  const all = model.tokenizer.encode(text, { special: true }).tokens;
  const lead = all.slice(0, all.findIndex((t) => !t.special));
  const spans = all.filter((t) => !t.special);
  if (spans.length === 0) throw new TaskError('the text gives no token to score: give some text');
  const trail = all.slice(lead.length + spans.length).filter((t) => t.special);
  const inner = o.window - lead.length - trail.length;
  if (inner < 1) throw new TaskError(`the window of ${o.window} tokens leaves no room for text`);
  // One masked sequence per token: the window of ordinary tokens centred on it.
  const sequences = spans.map((_, i) => {
    const start = Math.max(0, Math.min(i - Math.floor(inner / 2), spans.length - inner));
    const slice = spans.slice(start, start + inner).map((t) => t.id);
    slice[i - start] = maskId;
    return { ids: [...lead.map((t) => t.id), ...slice, ...trail.map((t) => t.id)], at: lead.length + i - start };
  });
  const scores: Scored[] = [];
  for (let b = 0; b < sequences.length; b += PSEUDO_BATCH) {
    check(hooks);
    const batch = sequences.slice(b, b + PSEUDO_BATCH);
    // Every sequence has the same length: lead + min(inner, tokens) + trail.
    const logits = await logitsOfIds(model, batch.map((s) => s.ids));
    batch.forEach((s, k) => scores.push(scoreRow(model, logitsRow(logits, k, s.at), spans[b + k].id, o.topK)));
    hooks.onProgress?.(Math.min(sequences.length, b + PSEUDO_BATCH), sequences.length);
  }
  return result(spans, scores, 'pseudo', sequences.length);
}
