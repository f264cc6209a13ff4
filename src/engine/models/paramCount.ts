/**
 * Parameter counts for the model card: the checkpoint's exact count next to the course's
 * estimate `12·L·d² + V·d` (per layer 4·d² for Q, K, V and the output projection plus 8·d² for
 * the 4·d-wide MLP; plus the token embeddings — biases, LayerNorms and positions left out).
 * GPT-2 small: 12·12·768² + 50257·768 = 123,532,032 estimated, 124,439,808 exactly.
 */
import type { ModelConfig } from './config';
import type { SafetensorsDtype } from './safetensors';
import { isStoredBuffer } from './weights';

export interface TensorShapeInfo {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly numel: number;
  readonly byteLength: number;
}

export interface ParamCount {
  /** Learned parameters, each tied matrix once, buffers left out. */
  exact: number;
  /** 12·L·d² + V·d */
  estimate: number;
  /** Bytes of the parameters as stored. */
  bytes: number;
  /** Parameters per stored dtype. */
  byDtype: Partial<Record<SafetensorsDtype, number>>;
  /** Tensors stored but not parameters (causal-mask and position-id buffers). */
  buffers: string[];
  /** Output projections stored although tied to the token embeddings (counted once). */
  tied: string[];
}

/** The course's estimate 12·L·d² + V·d. */
export function courseEstimate(config: Pick<ModelConfig, 'numLayers' | 'hiddenSize' | 'vocabSize'>): number {
  const { numLayers: L, hiddenSize: d, vocabSize: V } = config;
  return 12 * L * d * d + V * d;
}

/** Output projections that transformers ties to the token embeddings, per family. */
const TIED_OUTPUTS = /^(lm_head\.weight|lm_head\.decoder\.weight|cls\.predictions\.decoder\.weight|vocab_projector\.weight)$/;
const TOKEN_EMBEDDINGS = /(^|\.)(wte|word_embeddings)\.weight$/;

/** Exact and estimated parameter counts of a checkpoint's tensors. */
export function countParameters(tensors: readonly TensorShapeInfo[], config: ModelConfig): ParamCount {
  const embedding = tensors.find((t) => TOKEN_EMBEDDINGS.test(t.name));
  const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((n, i) => n === b[i]);
  const result: ParamCount = { exact: 0, estimate: courseEstimate(config), bytes: 0, byDtype: {}, buffers: [], tied: [] };
  for (const t of tensors) {
    if (isStoredBuffer(t)) {
      result.buffers.push(t.name);
      continue;
    }
    if (config.tieWordEmbeddings && embedding && TIED_OUTPUTS.test(t.name) && sameShape(t.shape, embedding.shape)) {
      result.tied.push(t.name);
      continue;
    }
    result.exact += t.numel;
    result.bytes += t.byteLength;
    result.byDtype[t.dtype] = (result.byDtype[t.dtype] ?? 0) + t.numel;
  }
  return result;
}
