/**
 * Text → the model's tokens and the feeds of its graph (batch of one): `input_ids`,
 * `attention_mask`, and per family `position_ids` with empty past key/values (GPT-2) or
 * `token_type_ids` (BERT). Encoder families get their special tokens ([CLS] … [SEP], <s> … </s>).
 */
import type { TensorData } from '../runtime/types';
import type { TokenSpan } from '../tokenizers/types';
import { TaskError } from './errors';
import type { LoadedModel } from './openModel';

export type TaskModel = Pick<LoadedModel, 'family' | 'label' | 'tokenizer' | 'contextLength' | 'numLayers' | 'numHeads' | 'hiddenSize' | 'vocabSize' | 'session' | 'maskToken'>;

export interface ModelInput {
  tokens: TokenSpan[];
  feeds: Record<string, TensorData>;
}

/** The tokens the model reads for `text`; throws a TaskError when there are none or too many. */
export function tokensFor(model: TaskModel, text: string): TokenSpan[] {
  const tokens = model.tokenizer.encode(text, { special: model.family !== 'gpt2' }).tokens;
  if (tokens.length === 0) throw new TaskError('the text gives no tokens: give some text');
  if (tokens.length > model.contextLength) {
    throw new TaskError(`the text is ${tokens.length} tokens long but ${model.label} reads at most ${model.contextLength} (its context length): shorten it`);
  }
  return tokens;
}

export function modelInput(model: TaskModel, text: string): ModelInput {
  const tokens = tokensFor(model, text);
  return { tokens, feeds: feedsForIds(model, [tokens.map((t) => t.id)]) };
}

/**
 * The feeds of a batch of token-id rows, all of the same length, with no past (the graph's
 * `past_key_values.*` inputs get empty tensors): every position attended, positions 0…T-1.
 */
export function feedsForIds(model: Pick<TaskModel, 'session' | 'hiddenSize' | 'numHeads'>, rows: readonly (readonly number[])[]): Record<string, TensorData> {
  const B = rows.length;
  const T = B === 0 ? 0 : rows[0].length;
  if (rows.some((r) => r.length !== T)) throw new Error('feedsForIds: rows of different lengths');
  const batch = (f: (row: readonly number[], t: number) => number): TensorData => ({
    type: 'int64', dims: [B, T], data: BigInt64Array.from(rows.flatMap((r) => r.map((v, t) => f(r, t))), (v) => BigInt(v)),
  });
  const feeds: Record<string, TensorData> = { input_ids: batch((r, t) => r[t]), attention_mask: batch(() => 1) };
  const inputs = model.session.inputNames;
  if (inputs.includes('position_ids')) feeds['position_ids'] = batch((_, t) => t);
  if (inputs.includes('token_type_ids')) feeds['token_type_ids'] = batch(() => 0);
  const headDim = model.hiddenSize / model.numHeads;
  for (const name of inputs) {
    if (name.startsWith('past_key_values.')) feeds[name] = { type: 'float32', dims: [B, model.numHeads, 0, headDim], data: new Float32Array(0) };
  }
  return feeds;
}
