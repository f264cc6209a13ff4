/**
 * From a model folder's normalized config (src/engine/models/config.ts) and its checkpoint to an
 * ONNX graph: picks the family's builder, checks what the builders implement (activation, tied
 * head), and reads exactly the tensors the builder needs, as float32 (F16/BF16 widened).
 */
import type { ModelConfig } from '../models/config';
import type { Checkpoint } from '../models/weights';
import type { DeviceKind } from '../runtime/types';
import { defineEncoderGraph } from './encoderGraph';
import { encoderNames, EncoderConfig } from './encoderNames';
import { defineGpt2Graph, Gpt2Config } from './gpt2Graph';
import type { GraphBuilder } from './onnxBuilder';
import { encoderTensorSpecs, gpt2TensorSpecs, TensorSpec } from './tensorSpecs';
import type { WeightTensor } from './weights';
import { GraphBuildError } from './graphBuildError';
import type { GraphPrecision, QuantizationOptions } from './precision';
import { requireStoredName } from './checkpointCheck';
import { quoteValue } from '../errorText';

/** Bumped whenever a builder's output changes, so cached graphs are rebuilt. */
export const GRAPH_BUILDER_VERSION = 1;

/**
 * How the weight products run (precision.ts). `float16` stores the big projection weights
 * (attention, MLP, embeddings / tied LM head) as float16 and runs those products in float16 — half
 * the memory and the tensor cores on a GPU — while LayerNorm, Softmax, residual sums, attention
 * scores, biases and every graph input and output stay float32, with Cast nodes around each
 * product. `int8`/`int4` quantize the same weights by blocks (MatMulNBits), for the CPU.
 */
export type { GraphPrecision } from './precision';

/** The precision of the graph to give a session that runs on `device`: float16 weights on CUDA only. */
export function graphPrecisionFor(device: DeviceKind): GraphPrecision {
  return device === 'cuda' ? 'float16' : 'float32';
}

export type GraphFamilyConfig = { family: 'gpt2'; gpt2: Gpt2Config } | { family: 'encoder'; encoder: EncoderConfig };

export interface ModelGraphOptions {
  variant: 'inspect' | 'decode';
  /** `hidden_states.{i}` outputs (embeddings, then each layer). */
  hiddenStates?: boolean;
  /** The inside-the-model outputs (q, k, v, head outputs, attention input and output per layer; see the builders). */
  internals?: boolean;
  /** GPT-2 only: logits of the last position only. */
  lastLogitsOnly?: boolean;
  /** GPT-2 only: the last block's output (`residual_final`, before ln_f) as the only output (see gpt2Graph.ts). */
  finalHiddenOnly?: boolean;
  /** GPT-2 `finalHiddenOnly` only: causal attention by this many blocks of query rows (see gpt2Graph.ts). */
  queryBlocks?: number;
  /**
   * Default float32. Leave it out (rather than 'float32') when building a cache key: the key of
   * the default graph then stays what it was before precision existed.
   */
  precision?: GraphPrecision;
  /** int8/int4 only: block size and accuracy level (default DEFAULT_QUANTIZATION); part of the cache key when set. */
  quantization?: QuantizationOptions;
}

export { GraphBuildError };

export function graphFamilyConfig(c: ModelConfig): GraphFamilyConfig {
  if (c.family === 'gpt2') {
    if (c.activation !== 'gelu_new') throw new GraphBuildError(`${c.modelType}: activation ${quoteValue(c.activation)} is not supported (GPT-2 graphs use gelu_new)`);
    if (c.intermediateSize !== 4 * c.hiddenSize) throw new GraphBuildError(`${c.modelType}: n_inner ${c.intermediateSize} ≠ 4·n_embd is not supported`);
    // The graph's head is wte; an untied lm_head would give other logits than transformers.
    if (!c.tieWordEmbeddings) throw new GraphBuildError(`${c.modelType}: "tie_word_embeddings": false (a separate lm_head) is not supported`);
    return { family: 'gpt2', gpt2: { nLayer: c.numLayers, nHead: c.numHeads, nEmbd: c.hiddenSize, vocabSize: c.vocabSize, nPositions: c.positionTableSize, layerNormEpsilon: c.layerNormEps } };
  }
  if (c.activation !== 'gelu') throw new GraphBuildError(`${c.modelType}: activation ${quoteValue(c.activation)} is not supported (encoder graphs use the erf GELU)`);
  return {
    family: 'encoder',
    encoder: {
      modelType: c.family, vocabSize: c.vocabSize, hiddenSize: c.hiddenSize, nLayer: c.numLayers, nHead: c.numHeads,
      intermediateSize: c.intermediateSize, maxPositions: c.positionTableSize, typeVocabSize: c.typeVocabSize,
      layerNormEpsilon: c.layerNormEps, padTokenId: c.padTokenId ?? (c.family === 'roberta' ? 1 : 0),
    },
  };
}

function neededTensors(f: GraphFamilyConfig): { specs: TensorSpec[]; prefixes: string[]; optional: string[] } {
  if (f.family === 'gpt2') return { specs: gpt2TensorSpecs(f.gpt2), prefixes: ['', 'transformer.'], optional: [] };
  const names = encoderNames(f.encoder.modelType);
  return { specs: encoderTensorSpecs(f.encoder), prefixes: ['', names.prefix], optional: [`${names.headDecoder}.weight`] };
}

/**
 * Reads the tensors the family's builder uses, under the names it looks them up by. Callers that
 * have the model's config.json check the checkpoint against it first (checkCheckpointAgainstConfig).
 */
export async function readGraphWeights(f: GraphFamilyConfig, checkpoint: Checkpoint): Promise<Map<string, WeightTensor>> {
  const { specs, prefixes, optional } = neededTensors(f);
  const weights = new Map<string, WeightTensor>();
  const read = async (name: string, stored: string): Promise<void> => {
    const { shape, data } = await checkpoint.readFloat32(stored);
    weights.set(name, { dims: [...shape], data });
  };
  for (const [name] of specs) await read(name, requireStoredName(checkpoint, name, prefixes));
  for (const name of optional) {
    if (checkpoint.has(name)) await read(name, name);
  }
  return weights;
}

export function buildModelGraph(f: GraphFamilyConfig, weights: ReadonlyMap<string, WeightTensor>, options: ModelGraphOptions): Uint8Array {
  return defineModelGraph(f, weights, options).toBytes();
}

export function defineModelGraph(f: GraphFamilyConfig, weights: ReadonlyMap<string, WeightTensor>, options: ModelGraphOptions): GraphBuilder {
  return f.family === 'gpt2' ? defineGpt2Graph(f.gpt2, weights, options) : defineEncoderGraph(f.encoder, weights, options);
}
