/**
 * One run of a model's inspect graph that keeps what the inside-the-model views read: per layer the
 * attention's input, q, k, v, the head outputs, the projected attention output and the attention
 * probabilities; the hidden states of every layer (Hugging Face's convention); and the states the
 * logit lens reads. The graph computes them in the same pass as the attention weights (its
 * `internals` outputs), so a text costs one model run, and the model host keeps the last few
 * (internalsCache.ts).
 */
import type { TensorData } from '../runtime/types';
import { TaskError } from '../tasks/errors';
import { feedsForIds, tokensFor, type TaskModel } from '../tasks/inputs';
import type { TokenSpan } from '../tokenizers/types';
import type { BlockLayout } from './insideTypes';

export interface ModelInternals {
  tokens: TokenSpan[];
  /** T, the number of tokens. */
  length: number;
  numLayers: number;
  numHeads: number;
  dModel: number;
  dk: number;
  layout: BlockLayout;
  /** hidden_states.{ℓ}, ℓ = 0 … L, each [T·d]: the embeddings, then each layer's output (GPT-2's last one after ln_f). */
  hidden: Float32Array[];
  /** Per layer ℓ < L: the attention's input x [T·d] (ln_1(h) for GPT-2, h for post-LN encoders). */
  attnInput: Float32Array[];
  /** Per layer: q, k, v and softmax·V, each [H·T·d_k] (head-major). */
  query: Float32Array[];
  key: Float32Array[];
  value: Float32Array[];
  headOutputs: Float32Array[];
  /** Per layer: the heads concatenated and projected back to d (bias included) [T·d]. */
  attnOutput: Float32Array[];
  /** Per layer: the attention probabilities [H·T·T]. */
  attentions: Float32Array[];
  /**
   * The L + 1 states the logit lens reads through the model's output head, each [T·d]: the
   * embeddings and every layer's output before the head's own normalization (GPT-2: before ln_f,
   * so the last one gives the model's logits; encoders: the hidden states themselves).
   */
  lensInput: Float32Array[];
}

/** The graph outputs of `runInternals`, in the order they are read. */
export function internalsOutputNames(numLayers: number, family: TaskModel['family']): string[] {
  const names: string[] = [];
  for (let l = 0; l <= numLayers; l++) names.push(`hidden_states.${l}`);
  for (let l = 0; l < numLayers; l++) {
    for (const kind of ['attn_input', 'query', 'key', 'value', 'head_outputs', 'attn_output', 'attentions']) names.push(`${kind}.${l}`);
  }
  if (family === 'gpt2') names.push('residual_final');
  return names;
}

/** The bytes a ModelInternals of T tokens holds (for the host's cache bound). */
export function internalsBytes(model: Pick<TaskModel, 'numLayers' | 'numHeads' | 'hiddenSize' | 'family'>, T: number): number {
  const L = model.numLayers;
  const d = model.hiddenSize;
  const perLayer = 7 * T * d + model.numHeads * T * T; // attn_input, q, k, v, head outputs, attn_output, hidden; attentions
  const extra = model.family === 'gpt2' ? 2 : 1; // the embeddings' hidden state, and GPT-2's residual_final
  return 4 * (L * perLayer + extra * T * d);
}

function floats(outputs: Record<string, TensorData>, name: string, size: number): Float32Array {
  const out = outputs[name];
  if (!out || out.type !== 'float32' || out.data.length !== size) {
    throw new Error(`${name}: expected float32 with ${size} values, got ${out ? `${out.type} [${out.dims.join(', ')}]` : 'nothing'}`);
  }
  return out.data as Float32Array;
}

/** Runs the model on `text` (special tokens as the family adds them) and keeps its internals. */
export async function runInternals(model: TaskModel, text: string): Promise<ModelInternals> {
  return runInternalsForTokens(model, tokensFor(model, text));
}

/** The same for tokens already made (their ids are what the model reads). */
export async function runInternalsForTokens(model: TaskModel, tokens: TokenSpan[]): Promise<ModelInternals> {
  const names = internalsOutputNames(model.numLayers, model.family);
  const missing = names.filter((n) => !model.session.outputNames.includes(n));
  if (missing.length > 0) throw new TaskError(`the model's graph has no output ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''} (an inspect graph built before the inside-the-model views: its cache entry is rebuilt when the model is loaded again)`);
  const outputs = await model.session.run(feedsForIds(model, [tokens.map((t) => t.id)]), names);
  const T = tokens.length;
  const L = model.numLayers;
  const H = model.numHeads;
  const d = model.hiddenSize;
  const dk = d / H;
  const perLayer = (kind: string, size: number): Float32Array[] => Array.from({ length: L }, (_, l) => floats(outputs, `${kind}.${l}`, size));
  const hidden = Array.from({ length: L + 1 }, (_, l) => floats(outputs, `hidden_states.${l}`, T * d));
  const gpt2 = model.family === 'gpt2';
  return {
    tokens,
    length: T,
    numLayers: L,
    numHeads: H,
    dModel: d,
    dk,
    layout: gpt2 ? 'preLN' : 'postLN',
    hidden,
    attnInput: perLayer('attn_input', T * d),
    query: perLayer('query', H * T * dk),
    key: perLayer('key', H * T * dk),
    value: perLayer('value', H * T * dk),
    headOutputs: perLayer('head_outputs', H * T * dk),
    attnOutput: perLayer('attn_output', T * d),
    attentions: perLayer('attentions', H * T * T),
    lensInput: gpt2 ? [...hidden.slice(0, L), floats(outputs, 'residual_final', T * d)] : hidden,
  };
}

/** Row `t` of a [T·n] matrix. */
export function rowOf(matrix: Float32Array, t: number, n: number): Float32Array {
  return matrix.subarray(t * n, (t + 1) * n);
}

/** Row `t` of head `h` of a head-major [H·T·n] tensor. */
export function headRow(tensor: Float32Array, h: number, t: number, T: number, n: number): Float32Array {
  const at = (h * T + t) * n;
  return tensor.subarray(at, at + n);
}
