/**
 * Text → the model's tokens and the feeds of its graph (batch of one): `input_ids`,
 * `attention_mask`, and per family `position_ids` with empty past key/values (GPT-2) or
 * `token_type_ids` (BERT). Encoder families get their special tokens ([CLS] … [SEP], <s> … </s>).
 */
import type { TensorData } from '../runtime/types';
import type { TokenSpan } from '../tokenizers/types';
import { TaskError } from './errors';
import type { LoadedModel } from './openModel';

export type TaskModel = Pick<LoadedModel, 'family' | 'label' | 'tokenizer' | 'contextLength' | 'numLayers' | 'numHeads' | 'hiddenSize' | 'vocabSize' | 'session'>;

export interface ModelInput {
  tokens: TokenSpan[];
  feeds: Record<string, TensorData>;
}

function int64(values: readonly number[]): TensorData {
  return { type: 'int64', dims: [1, values.length], data: BigInt64Array.from(values, (v) => BigInt(v)) };
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
  const ids = tokens.map((t) => t.id);
  const feeds: Record<string, TensorData> = { input_ids: int64(ids), attention_mask: int64(ids.map(() => 1)) };
  const inputs = model.session.inputNames;
  if (inputs.includes('position_ids')) feeds['position_ids'] = int64([...ids.keys()]);
  if (inputs.includes('token_type_ids')) feeds['token_type_ids'] = int64(ids.map(() => 0));
  const headDim = model.hiddenSize / model.numHeads;
  for (const name of inputs) {
    if (name.startsWith('past_key_values.')) feeds[name] = { type: 'float32', dims: [1, model.numHeads, 0, headDim], data: new Float32Array(0) };
  }
  return { tokens, feeds };
}

