/**
 * The logit lens: every layer's hidden state read through the model's own output head, as if the
 * model stopped there. Causal models: the next-token prediction at every position, rows = the
 * embeddings then each layer (the last row is the model's output). Masked models: what the MLM head
 * would fill at each mask, per layer. Early layers were never trained to be read this way — the
 * views say so.
 */
import type { InferenceSession } from '../runtime/types';
import { TaskError } from '../tasks/errors';
import { maskIdOf, maskWord, normalizeMasks } from '../tasks/fillMask';
import type { TaskModel } from '../tasks/inputs';
import { tokenChoice } from '../tasks/tokenText';
import type { LensCell, LogitLensResult } from './insideTypes';
import { readThroughHead, type HeadRunHooks } from './lensHead';
import type { ModelInternals } from './internals';

export interface LogitLensOptions {
  /** Tokens per cell (default 5). */
  topK?: number;
  /** Masked models: mask the characters [start, end) of the text (one mask per token) and read there. */
  word?: { start: number; end: number };
}

/** What the lens reads: the text the model runs on, the columns, and each column's target token (−1: none). */
export interface LensPlan {
  kind: LogitLensResult['kind'];
  text: string;
  masked?: LogitLensResult['masked'];
  /** Filled once the text is run: the columns' positions and their targets. */
  columns(internals: ModelInternals): { positions: number[]; targets: number[] };
}

/** Decides what to read for `text`: every position (causal), the masks of the text, or the word masked. */
export function planLens(model: TaskModel, text: string, options: LogitLensOptions = {}): LensPlan {
  if (model.family === 'gpt2') {
    if (options.word) throw new TaskError('a causal model reads the next token at every position: no word to mask');
    return {
      kind: 'causal',
      text,
      columns: (internals) => {
        const ids = internals.tokens.map((t) => t.id);
        return { positions: ids.map((_, t) => t), targets: ids.map((_, t) => (t + 1 < ids.length ? ids[t + 1] : -1)) };
      },
    };
  }
  const maskId = maskIdOf(model);
  const word = options.word;
  if (word) {
    const masked = maskWord(model, text, word.start, word.end);
    return {
      kind: 'masked',
      text: masked.text,
      masked: { start: word.start, end: word.end, text: text.slice(word.start, word.end), maskCount: masked.maskCount, readText: masked.text },
      columns: (internals) => {
        const positions = internals.tokens.flatMap((t, i) => (t.id === maskId ? [i] : []));
        // The word's masks fill [start, start + maskCount × mask length) of the read text; a mask
        // the text already had elsewhere is read too, with no target.
        const wordEnd = word.start + masked.maskCount * (model.maskToken ?? '').length;
        const inWord = positions.filter((p) => internals.tokens[p].end > word.start && internals.tokens[p].start < wordEnd);
        return { positions, targets: positions.map((p) => (inWord.includes(p) ? masked.originalIds[inWord.indexOf(p)] ?? -1 : -1)) };
      },
    };
  }
  if (model.maskToken === undefined) throw new TaskError(`${model.label} has no mask token: the lens of a masked model reads at [MASK]`);
  const normalized = normalizeMasks(text, model.maskToken);
  if (normalized.masks.length === 0) throw new TaskError('no [MASK] in the text: write [MASK] (or <mask>) where a word should be predicted, or put the cursor on a word to mask it');
  return {
    kind: 'masked',
    text: normalized.text,
    columns: (internals) => {
      const positions = internals.tokens.flatMap((t, i) => (t.id === maskId ? [i] : []));
      return { positions, targets: positions.map(() => -1) };
    },
  };
}

/** Reads the plan's columns at every layer through the head session. */
export async function readLens(model: TaskModel, plan: LensPlan, internals: ModelInternals, head: InferenceSession, topK = 5, hooks: HeadRunHooks = {}): Promise<LogitLensResult> {
  const { positions, targets } = plan.columns(internals);
  if (positions.length === 0) throw new TaskError('nothing to read: the text has no position the lens can read');
  const L = internals.numLayers;
  const d = internals.dModel;
  const k = Math.max(1, Math.min(topK, model.vocabSize));
  const C = positions.length;
  const states = new Float32Array((L + 1) * C * d);
  const rowTargets: number[] = [];
  for (let r = 0; r <= L; r++) {
    positions.forEach((p, c) => {
      states.set(internals.lensInput[r].subarray(p * d, (p + 1) * d), (r * C + c) * d);
      rowTargets.push(targets[c]);
    });
  }
  const readings = await readThroughHead(head, states, d, rowTargets, k, hooks);
  const cells: LensCell[][] = [];
  for (let r = 0; r <= L; r++) {
    cells.push(
      positions.map((_, c): LensCell => {
        const reading = readings[r * C + c];
        const top = reading.topIds.map((id, i) => tokenChoice(model.tokenizer, id, Math.exp(reading.topLogProbs[i])));
        const target = targets[c];
        return target < 0 ? { top } : { top, target: { ...tokenChoice(model.tokenizer, target, Math.exp(reading.targetLogProb)), rank: reading.targetRank } };
      }),
    );
  }
  const firstFinal = positions.map((_, c) => {
    const final = cells[L][c].top[0]?.id;
    return cells.findIndex((row) => row[c].top[0]?.id === final);
  });
  return {
    kind: plan.kind,
    tokens: internals.tokens,
    numLayers: L,
    positions,
    cells,
    firstFinal,
    ...(plan.masked ? { masked: plan.masked } : {}),
  };
}
