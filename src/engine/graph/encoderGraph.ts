/**
 * BERT-like encoders with their masked-LM head as an ONNX graph: BERT, RoBERTa (CamemBERT and
 * XLM-R share its layout) and DistilBERT. Post-LayerNorm blocks, erf GELU, token types where the
 * family has them, RoBERTa's positions counted from pad_token_id + 1, decoder tied to the word
 * embeddings. Inputs `input_ids`, `attention_mask` [, `token_type_ids`] → `logits` [B, T, V] and,
 * for the inspect variant, `attentions.{i}` [B, H, T, T].
 */
import { encoderNames, EncoderConfig } from './encoderNames';
import { GraphBuilder, type FloatStorage } from './onnxBuilder';
import { DEFAULT_QUANTIZATION, quantizedBits, type GraphPrecision, type QuantizationOptions } from './precision';
import { matMulNBits, quantizedInitializers } from './quantizedMatMul';
import { requireWeight, WeightMap } from './weights';

export interface EncoderGraphOptions {
  variant: 'inspect' | 'decode';
  /** Adds `hidden_states.{i}` [B, T, d] as Hugging Face returns them: the embeddings (after their LayerNorm), then each layer's output. */
  hiddenStates?: boolean;
  /**
   * Adds what the inside-the-model views read, per layer i: `attn_input.{i}` [B, T, d] (the layer's
   * input: post-LN blocks attend over it directly), `query.{i}`, `key.{i}`, `value.{i}` and
   * `head_outputs.{i}` (softmax·V) [B, H, T, hd], and `attn_output.{i}` [B, T, d] (heads concatenated
   * and projected). Implies `hiddenStates`.
   */
  internals?: boolean;
  /**
   * `float16`: projection weights, word embeddings (tied decoder) and an untied decoder stored and
   * multiplied in float16; the rest float32. `int8`/`int4`: the same products as MatMulNBits over
   * block-quantized weights (the embedding lookup keeps the float32 table).
   */
  precision?: GraphPrecision;
  /** int8/int4: block size and accuracy level (default DEFAULT_QUANTIZATION). */
  quantization?: QuantizationOptions;
}

const B = 'batch_size';
const T = 'sequence_length';

/** Whether the graph takes `token_type_ids` (BERT does; RoBERTa uses type 0; DistilBERT has none). */
export function encoderHasTokenTypes(config: EncoderConfig): boolean {
  return config.modelType === 'bert' && config.typeVocabSize > 0;
}

export function buildEncoderGraph(config: EncoderConfig, weights: WeightMap, options: EncoderGraphOptions): Uint8Array {
  return defineEncoderGraph(config, weights, options).toBytes();
}

/** The graph before encoding: `.toBytes()` or `.writeFiles(path)` (external data for big models). */
export function defineEncoderGraph(config: EncoderConfig, weights: WeightMap, options: EncoderGraphOptions): GraphBuilder {
  const { hiddenSize: d, nHead, intermediateSize: ff, vocabSize: V } = config;
  if (d % nHead !== 0) throw new Error(`hidden_size ${d} is not divisible by num_attention_heads ${nHead}`);
  const headDim = d / nHead;
  const names = encoderNames(config.modelType);
  const g = new GraphBuilder(config.modelType);
  const half = options.precision === 'float16';
  const matrix: FloatStorage = half ? 'float16' : 'float32';
  const bits = quantizedBits(options.precision);
  const quant = options.quantization ?? (options.precision === 'int8' || options.precision === 'int4' ? DEFAULT_QUANTIZATION[options.precision] : undefined);
  const body = (name: string, dims: number[], storage: FloatStorage = 'float32'): string =>
    g.initializer(name, dims, requireWeight(weights, name, dims, [names.prefix, '']).data, storage);
  const head = (name: string, dims: number[], storage: FloatStorage = 'float32'): string => g.initializer(name, dims, requireWeight(weights, name, dims).data, storage);
  /** The float32 value `x` as the operand of a `matrix` weight, and a product's result back to float32. */
  const operand = (x: string): string => (half ? g.cast(x, 'float16') : x);
  const result = (x: string): string => (half ? g.cast(x, 'float32') : x);

  const inputIds = g.input('input_ids', 'int64', [B, T]);
  const mask = g.input('attention_mask', 'int64', [B, T]);
  const tokenTypes = encoderHasTokenTypes(config) ? g.input('token_type_ids', 'int64', [B, T]) : undefined;

  const ax0 = g.int64('ax0', [0]);
  const inputShape = g.op('Shape', [inputIds]);
  const seqLen = g.op('Squeeze', [g.op('Slice', [inputShape, g.int64('s1', [1]), g.int64('e2', [2])]), ax0]);
  let positions: string;
  if (config.modelType === 'roberta') {
    const notPad = g.op('Cast', [g.op('Not', [g.op('Equal', [inputIds, g.int64('pad', [config.padTokenId], [])])])], { to: 7 });
    const counted = g.op('Mul', [g.op('CumSum', [notPad, g.int64('axis1', [1], [])]), notPad]);
    positions = g.op('Add', [counted, g.int64('pad_offset', [config.padTokenId], [])]);
  } else {
    positions = g.op('Unsqueeze', [g.op('Range', [g.int64('zero', [0], []), seqLen, g.int64('one', [1], [])]), ax0]);
  }

  const layerNorm = (x: string, name: string, weight: (n: string, dims: number[]) => string): string =>
    g.op('LayerNormalization', [x, weight(`${name}.weight`, [d]), weight(`${name}.bias`, [d])], { axis: -1, epsilon: { float: config.layerNormEpsilon } });
  // float16: the bias is added in float32 after the product (Gemm's C would be float16 too).
  const linear = (x: string, name: string, nIn: number, nOut: number, weight = body): string => {
    if (bits === undefined || quant === undefined) return floatLinear(x, name, nIn, nOut, weight);
    const data = requireWeight(weights, `${name}.weight`, [nOut, nIn], weight === body ? [names.prefix, ''] : ['']).data;
    return matMulNBits(g, x, quantizedInitializers(g, { name: `${name}.weight`, data, n: nOut, k: nIn, layout: 'nk' }, bits, quant), bits, quant, weight(`${name}.bias`, [nOut]));
  };
  function floatLinear(x: string, name: string, nIn: number, nOut: number, weight: typeof body): string {
    return half
      ? g.op('Add', [result(g.op('Gemm', [operand(x), weight(`${name}.weight`, [nOut, nIn], matrix)], { transB: 1 })), weight(`${name}.bias`, [nOut])])
      : g.op('Gemm', [x, weight(`${name}.weight`, [nOut, nIn]), weight(`${name}.bias`, [nOut])], { transB: 1 });
  }
  const geluErf = (x: string): string => {
    const gate = g.op('Add', [g.op('Erf', [g.op('Mul', [x, g.scalar('inv_sqrt2', Math.SQRT1_2)])]), g.scalar('gelu_one', 1)]);
    return g.op('Mul', [g.op('Mul', [x, gate]), g.scalar('gelu_half', 0.5)]);
  };

  // Embeddings, flattened to [B·T, d] so every projection is one Gemm.
  const wordEmbeddings = body(`${names.wordEmbeddings}.weight`, [V, d], matrix);
  let embedded = g.op('Add', [result(g.op('Gather', [wordEmbeddings, inputIds])), g.op('Gather', [body(`${names.positionEmbeddings}.weight`, [config.maxPositions, d]), positions])]);
  if (names.tokenTypeEmbeddings && config.typeVocabSize > 0) {
    const table = body(`${names.tokenTypeEmbeddings}.weight`, [config.typeVocabSize, d]);
    embedded = g.op('Add', [embedded, g.op('Gather', [table, tokenTypes ?? g.int64('type0', [0], [])])]);
  }
  let hidden = layerNorm(g.op('Reshape', [embedded, g.int64('flat', [-1, d])]), names.embeddingNorm, body);

  const notPadding = g.op('Unsqueeze', [g.op('Cast', [mask], { to: 9 }), g.int64('ax12', [1, 2])]);
  const masked = g.scalar('masked', -3.4028234663852886e38);
  const scale = g.scalar('scale', 1 / Math.sqrt(headDim));
  const headsShape = g.op('Concat', [inputShape, g.int64('heads', [nHead, headDim])], { axis: 0 });
  const flatShape = g.int64('flat_d', [-1, d]);

  const internals = options.internals === true;
  const hiddenStates = internals || options.hiddenStates === true;
  const hiddenShape = hiddenStates ? g.op('Concat', [inputShape, g.int64('hidden', [d])], { axis: 0 }) : '';
  /** `x` [B·T, d] as the named [B, T, d] output. */
  const unflat = (x: string, name: string): string => g.op('Reshape', [x, hiddenShape], {}, name);
  const hiddenOutputs: string[] = hiddenStates ? [hidden] : [];
  for (let i = 0; i < config.nLayer; i++) {
    const n = names.layer(i);
    if (internals) unflat(hidden, `attn_input.${i}`);
    const q = g.op('Transpose', [g.op('Reshape', [linear(hidden, n.query, d, d), headsShape])], { perm: [0, 2, 1, 3] }, internals ? `query.${i}` : undefined);
    const kT = internals
      ? g.op('Transpose', [g.op('Transpose', [g.op('Reshape', [linear(hidden, n.key, d, d), headsShape])], { perm: [0, 2, 1, 3] }, `key.${i}`)], { perm: [0, 1, 3, 2] })
      : g.op('Transpose', [g.op('Reshape', [linear(hidden, n.key, d, d), headsShape])], { perm: [0, 2, 3, 1] });
    const v = g.op('Transpose', [g.op('Reshape', [linear(hidden, n.value, d, d), headsShape])], { perm: [0, 2, 1, 3] }, internals ? `value.${i}` : undefined);
    const scores = g.op('Mul', [g.op('MatMul', [q, kT]), scale]);
    const probs = g.op('Softmax', [g.op('Where', [notPadding, scores, masked])], { axis: -1 }, options.variant === 'inspect' ? `attentions.${i}` : undefined);
    const context = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [probs, v], {}, internals ? `head_outputs.${i}` : undefined)], { perm: [0, 2, 1, 3] }), flatShape]);
    const projected = linear(context, n.attentionOutput, d, d);
    if (internals) unflat(projected, `attn_output.${i}`);
    hidden = layerNorm(g.op('Add', [hidden, projected]), n.attentionNorm, body);
    const ffn = linear(geluErf(linear(hidden, n.intermediate, d, ff)), n.output, ff, d);
    hidden = layerNorm(g.op('Add', [hidden, ffn]), n.outputNorm, body);
    if (hiddenStates) hiddenOutputs.push(hidden);
  }

  // MLM head: dense → GELU → LayerNorm → decoder (tied to the word embeddings unless the checkpoint has its own).
  const transformed = layerNorm(geluErf(linear(hidden, names.headDense, d, d, head)), names.headNorm, head);
  const untied = weights.has(`${names.headDecoder}.weight`);
  const biasName = weights.has(names.headBias) ? names.headBias : `${names.headDecoder}.bias`;
  const decoderName = untied ? `${names.headDecoder}.weight` : `${names.wordEmbeddings}.weight`;
  let flatLogits: string;
  if (bits !== undefined && quant !== undefined) {
    const table = requireWeight(weights, decoderName, [V, d], untied ? [''] : [names.prefix, '']).data;
    const q = quantizedInitializers(g, { name: decoderName, data: table, n: V, k: d, layout: 'nk' }, bits, quant);
    flatLogits = matMulNBits(g, transformed, q, bits, quant, head(biasName, [V]));
  } else {
    const decoder = untied ? head(decoderName, [V, d], matrix) : wordEmbeddings;
    flatLogits = half
      ? g.op('Add', [result(g.op('Gemm', [operand(transformed), decoder], { transB: 1 })), head(biasName, [V])])
      : g.op('Gemm', [transformed, decoder, head(biasName, [V])], { transB: 1 });
  }
  const logitsShape = g.op('Concat', [inputShape, g.int64('vocab', [V])], { axis: 0 });
  g.output('logits', g.op('Reshape', [flatLogits, logitsShape]), 'float32', [B, T, V]);
  hiddenOutputs.forEach((value, i) => g.output(`hidden_states.${i}`, g.op('Reshape', [value, hiddenShape]), 'float32', [B, T, d]));
  if (options.variant === 'inspect') {
    for (let i = 0; i < config.nLayer; i++) g.output(`attentions.${i}`, `attentions.${i}`, 'float32', [B, nHead, T, T]);
  }
  if (internals) {
    for (let i = 0; i < config.nLayer; i++) {
      g.output(`attn_input.${i}`, `attn_input.${i}`, 'float32', [B, T, d]);
      for (const name of ['query', 'key', 'value', 'head_outputs']) g.output(`${name}.${i}`, `${name}.${i}`, 'float32', [B, nHead, T, headDim]);
      g.output(`attn_output.${i}`, `attn_output.${i}`, 'float32', [B, T, d]);
    }
  }
  return g;
}
