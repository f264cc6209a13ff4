/**
 * Tiny random-weight checkpoints in the real Hugging Face layout (`config.json` with the family's own
 * keys + `model.safetensors`), like `from_config()` in the course's from-scratch lab: for tests,
 * demos and benchmarks. Weights come from the seeded generator the golden files are computed from.
 * The caller adds a tokenizer (e.g. the bundled tokenizer.json, with vocabSize matching it).
 */
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SafetensorsDtype } from '../../src/engine/models/safetensors';
import { encodeSafetensors, encodeValues, TensorToWrite } from '../../src/engine/models/safetensorsWriter';
import type { EncoderConfig } from '../../src/engine/graph/encoderNames';
import type { Gpt2Config } from '../../src/engine/graph/gpt2Graph';
import { encoderTensorSpecs, gpt2TensorSpecs } from '../../src/engine/graph/tensorSpecs';
import type { WeightTensor } from '../../src/engine/graph/weights';
import { randomWeights } from './randomWeights';

export type TinyModelSpec = { family: 'gpt2'; config: Gpt2Config; seed: number } | { family: 'encoder'; config: EncoderConfig; seed: number };

export function tinyModelWeights(spec: TinyModelSpec): Map<string, WeightTensor> {
  return randomWeights(spec.family === 'gpt2' ? gpt2TensorSpecs(spec.config) : encoderTensorSpecs(spec.config), spec.seed);
}

/** config.json as Hugging Face writes it for the family. */
export function hfConfigJson(spec: TinyModelSpec): Record<string, unknown> {
  if (spec.family === 'gpt2') {
    const c = spec.config;
    return {
      model_type: 'gpt2', architectures: ['GPT2LMHeadModel'], n_layer: c.nLayer, n_head: c.nHead, n_embd: c.nEmbd,
      vocab_size: c.vocabSize, n_positions: c.nPositions, n_ctx: c.nPositions, layer_norm_epsilon: c.layerNormEpsilon,
      activation_function: 'gelu_new', bos_token_id: c.vocabSize - 1, eos_token_id: c.vocabSize - 1, torch_dtype: 'float32',
    };
  }
  const c = spec.config;
  if (c.modelType === 'distilbert') {
    return {
      model_type: 'distilbert', architectures: ['DistilBertForMaskedLM'], vocab_size: c.vocabSize, dim: c.hiddenSize, n_layers: c.nLayer,
      n_heads: c.nHead, hidden_dim: c.intermediateSize, max_position_embeddings: c.maxPositions, activation: 'gelu', pad_token_id: c.padTokenId,
    };
  }
  return {
    model_type: c.modelType, architectures: [c.modelType === 'bert' ? 'BertForMaskedLM' : 'RobertaForMaskedLM'],
    vocab_size: c.vocabSize, hidden_size: c.hiddenSize, num_hidden_layers: c.nLayer, num_attention_heads: c.nHead,
    intermediate_size: c.intermediateSize, max_position_embeddings: c.maxPositions, type_vocab_size: c.typeVocabSize,
    layer_norm_eps: c.layerNormEpsilon, hidden_act: 'gelu', pad_token_id: c.padTokenId, position_embedding_type: 'absolute',
  };
}

/** Writes `config.json` and `model.safetensors` (tensors under their HF names, stored as `dtype`) into `dir`. */
export function writeTinyModelFolder(dir: string, spec: TinyModelSpec, dtype: SafetensorsDtype = 'F32'): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(hfConfigJson(spec), null, 2)}\n`);
  const tensors: Record<string, TensorToWrite> = {};
  for (const [name, { dims, data }] of tinyModelWeights(spec)) tensors[name] = { dtype, shape: dims, bytes: encodeValues(data, dtype) };
  writeFileSync(join(dir, 'model.safetensors'), encodeSafetensors(tensors, { format: 'pt' }));
}

/**
 * A GPT-2 folder of any size that costs no disk: config.json and a model.safetensors whose header
 * describes every tensor of the shape while its data is a hole (a sparse file of zeros). Enough for
 * what reads headers only (the model card, the precision advice); not for loading.
 */
export function writeShapeOnlyGpt2Folder(dir: string, config: Gpt2Config): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(hfConfigJson({ family: 'gpt2', config, seed: 0 }), null, 2)}\n`);
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const [name, dims] of gpt2TensorSpecs(config)) {
    const bytes = 4 * dims.reduce((a, b) => a * b, 1);
    header[name] = { dtype: 'F32', shape: dims, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const prefix = Buffer.alloc(8 + json.length);
  prefix.writeBigUInt64LE(BigInt(json.length), 0);
  prefix.write(json, 8, 'latin1');
  const file = join(dir, 'model.safetensors');
  writeFileSync(file, prefix);
  truncateSync(file, prefix.length + offset);
}
