/**
 * Fill-mask with encoder (masked-LM) families. `[MASK]` and `<mask>`, in any case, are read as the
 * model's own mask token. Several masks are filled jointly left to right: mask k is predicted with
 * masks < k already replaced by their top-1 (one forward pass per mask). A text longer than the
 * model's context is cut to a window of tokens around the masks, reported in `result.window`.
 * Offsets in the result are in the ORIGINAL text.
 */
import type { TokenSpan } from '../tokenizers/types';
import { TaskError } from './errors';
import { logitsOfIds, logitsRow } from './idsLogits';
import type { TaskModel } from './inputs';
import { argmax, logSumExp, rankOf, topIds } from './softmax';
import { tokenChoice, tokenText } from './tokenText';
import type { FillMaskCandidate, FillMaskOptions, FillMaskResult, FillMaskSlot, FillMaskTarget } from './taskTypes';

const MASK_SPELLINGS = /\[mask\]|<mask>/gi;

interface Normalized {
  text: string;
  /** Mask ranges in the returned text. */
  masks: Array<{ start: number; end: number }>;
  /** The same masks' ranges in the original text. */
  original: Array<{ start: number; end: number }>;
}

function normalize(text: string, maskToken: string): Normalized {
  let out = '';
  let last = 0;
  const masks: Normalized['masks'] = [];
  const original: Normalized['original'] = [];
  for (const m of text.matchAll(MASK_SPELLINGS)) {
    out += text.slice(last, m.index);
    masks.push({ start: out.length, end: out.length + maskToken.length });
    original.push({ start: m.index, end: m.index + m[0].length });
    out += maskToken;
    last = m.index + m[0].length;
  }
  return { text: out + text.slice(last), masks, original };
}

/** Accepts `[MASK]` and `<mask>` (any case) and rewrites them to the model's own mask token; returns the new text and the masks' ranges in it. */
export function normalizeMasks(text: string, maskToken: string): { text: string; masks: Array<{ start: number; end: number }> } {
  const { text: out, masks } = normalize(text, maskToken);
  return { text: out, masks };
}

/** Position in the normalized text → position in the original text. */
function toOriginal(n: Normalized, pos: number): number {
  let shift = 0;
  for (let i = 0; i < n.masks.length; i++) {
    const m = n.masks[i];
    if (pos < m.start) break;
    if (pos < m.end) return n.original[i].start + Math.min(pos - m.start, n.original[i].end - n.original[i].start);
    shift = n.original[i].end - m.end;
  }
  return pos + shift;
}

/** The id of the model's mask token, if it has one. */
export function maskIdOf(model: TaskModel): number | undefined {
  return model.maskToken === undefined ? undefined : model.tokenizer.encode(model.maskToken).tokens[0]?.id;
}

/** The model's mask token and its id; a TaskError for models without one. */
export function requireMaskToken(model: TaskModel): { maskToken: string; maskId: number } {
  const maskToken = model.maskToken;
  const maskId = maskIdOf(model);
  if (maskToken === undefined || maskId === undefined) {
    if (model.family === 'gpt2') throw new TaskError(`${model.label} is a causal model: fill-mask needs a BERT-like (masked language) model such as bert-base-uncased or roberta-base`);
    throw new TaskError(`${model.label} has no mask token ([MASK] or <mask>) in its tokenizer: fill-mask needs one`);
  }
  return { maskToken, maskId };
}

/** The ordinary tokens of `text` that overlap [start, end). */
function tokensOfRange(model: TaskModel, text: string, start: number, end: number): TokenSpan[] {
  return model.tokenizer.encode(text).tokens.filter((t) => !t.special && t.start < end && t.end > start);
}

/** The word [start,end) of `text` replaced by as many mask tokens as the model's tokenizer gives it (a word of 3 tokens → 3 masks). */
export function maskWord(model: TaskModel, text: string, start: number, end: number): { text: string; maskCount: number; originalTokens: string[]; originalIds: number[] } {
  const { maskToken } = requireMaskToken(model);
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end <= text.length && start < end) || !text.slice(start, end).trim()) {
    throw new TaskError('no word to mask there: put the cursor on a word, or write [MASK] (or <mask>) where a word should be predicted');
  }
  const tokens = tokensOfRange(model, text, start, end);
  const count = Math.max(1, tokens.length);
  return { text: text.slice(0, start) + maskToken.repeat(count) + text.slice(end), maskCount: count, originalTokens: tokens.map((t) => t.token), originalIds: tokens.map((t) => t.id) };
}

/** Where the model's input is cut when the text is too long: ordinary tokens [from, to) kept. */
function windowAround(total: number, inner: number, first: number, last: number): number {
  if (total <= inner) return 0;
  const centre = last - first + 1 <= inner ? Math.floor((first + last + 1) / 2) : first + Math.floor(inner / 2);
  return Math.max(0, Math.min(centre - Math.floor(inner / 2), total - inner));
}

export async function fillMask(model: TaskModel, text: string, options: FillMaskOptions = {}): Promise<FillMaskResult> {
  const { maskToken, maskId } = requireMaskToken(model);
  const topK = options.topK ?? 10;
  if (!Number.isInteger(topK) || topK < 1) throw new TaskError(`top-k must be a whole number ≥ 1, got ${topK}`);
  const norm = normalize(text, maskToken);
  if (norm.masks.length === 0) throw new TaskError('no mask in the text: write [MASK] (or <mask>) where a word should be predicted, or put the cursor on a word');

  // Tokens, cut to a window around the masks when the text is longer than the context.
  const all = model.tokenizer.encode(norm.text, { special: true }).tokens;
  const firstOrdinary = all.findIndex((t) => !t.special || t.id === maskId);
  const lead = all.slice(0, Math.max(0, firstOrdinary));
  let lastOrdinary = all.length - 1;
  while (lastOrdinary >= lead.length && all[lastOrdinary].special && all[lastOrdinary].id !== maskId) lastOrdinary--;
  const body = all.slice(lead.length, lastOrdinary + 1);
  const trail = all.slice(lastOrdinary + 1);
  const inner = model.contextLength - lead.length - trail.length;
  const maskAt = body.flatMap((t, i) => (t.id === maskId ? [i] : []));
  let window: FillMaskResult['window'];
  let kept = body;
  if (body.length > inner) {
    const from = windowAround(body.length, inner, maskAt[0], maskAt[maskAt.length - 1]);
    kept = body.slice(from, from + inner);
    window = { start: toOriginal(norm, kept[0].start), end: toOriginal(norm, kept[kept.length - 1].end) };
  }
  const spans = [...lead, ...kept, ...trail];
  const tokens: TokenSpan[] = spans.map((t) => ({ ...t, start: toOriginal(norm, t.start), end: toOriginal(norm, t.end) }));
  // Masks of the window: position in `spans` and index among the text's masks (left to right).
  const maskOrder = new Map(body.filter((t) => t.id === maskId).map((t, k) => [t, k]));
  const slots = spans.flatMap((t, position) => (t.id === maskId && maskOrder.has(t) ? [{ position, index: maskOrder.get(t) as number }] : []));
  if (slots.length === 0) throw new TaskError('no mask in the part of the text the model can read: put the mask nearer');

  const ids = spans.map((t) => t.id);
  const before: number[][] = [];
  const rows: Float32Array[] = [];
  const masks: FillMaskSlot[] = [];
  for (const slot of slots) {
    before.push([...ids]);
    const row = logitsRow(await logitsOfIds(model, [ids]), 0, slot.position).slice();
    rows.push(row);
    const lse = logSumExp(row);
    const candidates: FillMaskCandidate[] = topIds(row, topK).map((id, r) => ({ ...tokenChoice(model.tokenizer, id, Math.exp(row[id] - lse)), rank: r + 1 }));
    const range = norm.original[slot.index];
    masks.push({ index: slot.index, position: slot.position, start: range.start, end: range.end, candidates });
    ids[slot.position] = argmax(row);
  }

  const targets: FillMaskTarget[] = [];
  for (const target of options.targets ?? []) targets.push(await scoreTarget(model, target, { slots, before, rows, maskId, norm }));

  // The text with every mask of the window replaced by its top-1, left to right.
  let filledText = '';
  let last = 0;
  slots.forEach((slot) => {
    const range = norm.original[slot.index];
    const prev = text.slice(0, range.start);
    const fill = tokenText(model.tokenizer, model.tokenizer.idToToken(ids[slot.position]) ?? '');
    filledText += text.slice(last, range.start) + (prev === '' || /\s$/.test(prev) ? fill.trimStart() : fill);
    last = range.end;
  });
  filledText += text.slice(last);
  return { tokens, masks, targets, filledText, ...(window ? { window } : {}) };
}

interface SlotRuns {
  slots: Array<{ position: number; index: number }>;
  /** The model's input ids when slot k was predicted (masks < k filled). */
  before: number[][];
  /** The logits row of slot k. */
  rows: Float32Array[];
  maskId: number;
  norm: Normalized;
}

/** A user's word at the first mask run long enough for its tokens (else at the first mask, with masks added). */
async function scoreTarget(model: TaskModel, target: string, s: SlotRuns): Promise<FillMaskTarget> {
  const word = target.trim();
  if (!word) throw new TaskError('an empty candidate word was given');
  const pieces = (k: number): TokenSpan[] => {
    const at = s.norm.masks[s.slots[k].index].start;
    const spaced = at === 0 || /\s/.test(s.norm.text[at - 1]);
    return model.tokenizer.encode(`${spaced ? ' ' : ''}${word}`).tokens.filter((t) => !t.special);
  };
  const run = (k: number): number => {
    let n = 1;
    while (k + n < s.slots.length && s.slots[k + n].position === s.slots[k].position + n) n++;
    return n;
  };
  let k = s.slots.findIndex((_, i) => run(i) >= pieces(i).length);
  const widen = k < 0;
  if (widen) k = 0;
  const toks = pieces(k);
  if (toks.length === 0) throw new TaskError(`the candidate "${word}" gives no token`);
  const ids = [...s.before[k]];
  const pos = s.slots[k].position;
  if (widen) ids.splice(pos + run(k), 0, ...Array<number>(toks.length - run(k)).fill(s.maskId));
  if (ids.length > model.contextLength) throw new TaskError(`the candidate "${word}" is ${toks.length} tokens long: with its masks the text no longer fits the model's context`);
  let prob = 1;
  let rank = 0;
  for (let j = 0; j < toks.length; j++) {
    const row = j === 0 && !widen ? s.rows[k] : logitsRow(await logitsOfIds(model, [ids]), 0, pos + j);
    const id = toks[j].id;
    prob *= Math.exp(row[id] - logSumExp(row));
    if (j === 0) rank = rankOf(row, id);
    ids[pos + j] = id;
  }
  return { text: word, maskIndex: s.slots[k].index, ids: toks.map((t) => t.id), tokens: toks.map((t) => t.token), prob, rank };
}
