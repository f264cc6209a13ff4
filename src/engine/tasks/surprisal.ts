/**
 * Surprisal of each token of a text, −log2 P(x_t | x_<t), and the text's perplexity
 * PPL = exp(mean NLL) and bits per character.
 *
 * Causal (GPT-2 family): the text is preceded by the tokenizer's `<|endoftext|>` (when it has one),
 * so that the first token is scored too, as GLTR does; without it the first token is not scored
 * (and not listed). Long texts are read in windows of `window` tokens (default: the context length)
 * starting every `stride` tokens (default window/2): each token is scored once, in the first window
 * that holds it after the previous window's end, so with at least window − stride tokens of left
 * context (all of it while the text fits in one window). The lean path (surprisalSessions.ts): each
 * window runs the body graph to the last block's states, and only its scored rows go through the
 * head graph, which computes the log-softmax, the target's log-probability and rank and the top k
 * in the graph, a chunk of rows at a time: no T × V logits leave the graph.
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
import { readThroughHead } from '../inside/lensHead';
import { logitsOfIds, logitsRow } from './idsLogits';
import { logSumExp, rankOf, topIds } from './softmax';
import { endOfTextId, tokenChoice } from './tokenText';
import { feedsForIds, type TaskModel } from './inputs';
import type { SurprisalModel, SurprisalSessions } from './surprisalSessions';
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

/** A causal model needs its surprisal sessions (openSurprisalSessions); an encoder reads its logits. */
export async function surprisal(model: SurprisalModel, text: string, options: SurprisalOptions = {}, hooks: SurprisalHooks = {}): Promise<SurprisalResult> {
  const settings = windowOptions(model, options);
  if (model.family !== 'gpt2') return pseudoSurprisal(model, text, settings, hooks);
  if (!model.scoring) throw new Error(`surprisal of ${model.label} needs its lean sessions: call openSurprisalSessions first`);
  return causalSurprisal(model, model.scoring, text, settings, hooks);
}

/** The last block's states [T, d] of one window of ids, from the body graph. */
async function finalStates(model: TaskModel, body: SurprisalSessions['body'], ids: readonly number[]): Promise<Float32Array> {
  const out = (await body.run(feedsForIds({ session: body, hiddenSize: model.hiddenSize, numHeads: model.numHeads }, [ids]), ['residual_final']))['residual_final'];
  if (!out || out.type !== 'float32' || out.data.length !== ids.length * model.hiddenSize) throw new Error(`residual_final: expected float32 [1, ${ids.length}, ${model.hiddenSize}], got ${out ? `${out.type} [${out.dims.join(', ')}]` : 'nothing'}`);
  return out.data as Float32Array;
}

async function causalSurprisal(model: TaskModel, sessions: SurprisalSessions, text: string, o: { window: number; stride: number; topK: number }, hooks: SurprisalHooks): Promise<SurprisalResult> {
  const spans = model.tokenizer.encode(text).tokens;
  const bos = endOfTextId(model.tokenizer);
  const ids = [...(bos === undefined ? [] : [bos]), ...spans.map((t) => t.id)];
  const offset = bos === undefined ? 0 : 1; // ids[i] is spans[i - offset]
  if (ids.length < 2) throw new TaskError('the text gives no token to score: give some text');
  const windows = slidingWindows(ids.length, o.window, o.stride);
  const k = Math.max(1, Math.min(o.topK, model.vocabSize)); // the head's TopK reads at least one
  const scores: Scored[] = [];
  for (const [w, { start, end, scoreFrom }] of windows.entries()) {
    check(hooks);
    const states = await finalStates(model, sessions.body, ids.slice(start, end));
    // Row p − 1 − start predicts ids[p]: the rows of scoreFrom … end − 1, the window's last row left out.
    const d = model.hiddenSize;
    const rows = states.subarray((scoreFrom - 1 - start) * d, (end - 1 - start) * d);
    const readings = await readThroughHead(sessions.head, rows, d, ids.slice(scoreFrom, end), k, { signal: hooks.signal });
    for (const r of readings) {
      scores.push({ nll: r.targetNll, rank: r.targetRank, top: r.topIds.slice(0, o.topK).map((id, i) => tokenChoice(model.tokenizer, id, Math.exp(r.topLogProbs[i]))) });
    }
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
