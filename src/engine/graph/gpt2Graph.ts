/**
 * GPT-2 as an ONNX graph, built from Hugging Face weight names (pre-LayerNorm blocks, Conv1D
 * weights stored [in, out], `gelu_new` tanh approximation, causal mask, LM head tied to `wte`).
 * Input/output names follow the layout transformers.js loads: `input_ids`, `attention_mask`
 * [batch_size, past+seq], `position_ids`, `past_key_values.{i}.key|value` → `logits`,
 * `present.{i}.key|value`, and for the *inspect* variant `attentions.{i}` [B, H, T, past+T].
 */
import { GraphBuilder, type FloatStorage } from './onnxBuilder';
import { DEFAULT_QUANTIZATION, quantizedBits, type GraphPrecision, type QuantizationOptions } from './precision';
import { matMulNBits, quantizedInitializers } from './quantizedMatMul';
import { requireWeight, WeightMap } from './weights';

export interface Gpt2Config {
  nLayer: number;
  nHead: number;
  nEmbd: number;
  vocabSize: number;
  nPositions: number;
  layerNormEpsilon: number;
}

export interface Gpt2GraphOptions {
  /** `inspect` adds the attention probabilities of every layer; `decode` leaves them out. */
  variant: 'inspect' | 'decode';
  /** With `false`, positions are past_length … past_length+T-1 (Hugging Face's default). */
  positionIdsInput?: boolean;
  /** Logits of the last position only, `[B, 1, V]` (generation needs no more; saves T-1 LM-head products on a prompt). */
  lastLogitsOnly?: boolean;
  /** Adds `hidden_states.{i}` [B, T, d] as Hugging Face returns them: the embeddings (i = 0), each block's output, the last one after ln_f. */
  hiddenStates?: boolean;
  /**
   * Adds what the inside-the-model views read, per layer i: `attn_input.{i}` [B, T, d] (ln_1 of the
   * block's input), `query.{i}`, `key.{i}`, `value.{i}` and `head_outputs.{i}` (softmax·V) [B, H, T, hd],
   * `attn_output.{i}` [B, T, d] (heads concatenated and projected by c_proj), and `residual_final`
   * [B, T, d] (the last block's output before ln_f, for the logit lens). Implies `hiddenStates`.
   */
  internals?: boolean;
  /**
   * `residual_final` [B, T, d] (the last block's output, before ln_f) as the only output: no
   * logits, no present key/values, no attentions. The surprisal path reads it through the head
   * graph (headGraph.ts) in chunks of rows, so T × V logits never exist.
   */
  finalHiddenOnly?: boolean;
  /**
   * Causal attention in this many blocks of query rows (graphs without a past only, e.g. the
   * surprisal body): block b's queries, rows ⌊b·T/n⌋ … ⌊(b+1)·T/n⌋−1, are multiplied with the keys up
   * to their last row only, so the products and the softmax skip most of the upper triangle, which
   * the mask zeroes anyway (n = 4: 62.5 % of the T × T work at large T). Same numbers: the skipped
   * keys have weight exactly 0.
   */
  queryBlocks?: number;
  /**
   * `float16`: c_attn/c_proj/c_fc weights and wte (embedding and tied LM head) stored and multiplied
   * in float16; the rest float32. `int8`/`int4`: those four projections and the tied LM head as
   * MatMulNBits over block-quantized weights (the embedding lookup keeps the float32 wte).
   */
  precision?: GraphPrecision;
  /** int8/int4: block size and accuracy level (default DEFAULT_QUANTIZATION). */
  quantization?: QuantizationOptions;
}

const PREFIXES = ['', 'transformer.'];
const B = 'batch_size';
const T = 'sequence_length';
const P = 'past_sequence_length';
const TOTAL = 'total_sequence_length';

export function gpt2InputNames(config: Gpt2Config, options: Gpt2GraphOptions): string[] {
  const past = Array.from({ length: config.nLayer }, (_, i) => [`past_key_values.${i}.key`, `past_key_values.${i}.value`]).flat();
  return ['input_ids', 'attention_mask', ...(options.positionIdsInput === false ? [] : ['position_ids']), ...past];
}

export function buildGpt2Graph(config: Gpt2Config, weights: WeightMap, options: Gpt2GraphOptions): Uint8Array {
  return defineGpt2Graph(config, weights, options).toBytes();
}

/** The graph before encoding: `.toBytes()` or `.writeFiles(path)` (external data for big models). */
export function defineGpt2Graph(config: Gpt2Config, weights: WeightMap, options: Gpt2GraphOptions): GraphBuilder {
  const { nLayer, nHead, nEmbd: d, vocabSize: V, nPositions } = config;
  if (d % nHead !== 0) throw new Error(`n_embd ${d} is not divisible by n_head ${nHead}`);
  const headDim = d / nHead;
  const g = new GraphBuilder('gpt2');
  const half = options.precision === 'float16';
  const w = (name: string, dims: number[], storage: FloatStorage = 'float32'): string => {
    const tensor = requireWeight(weights, name, dims, PREFIXES);
    return g.initializer(name, dims, tensor.data, storage);
  };
  /** The float32 value `x` as the matmul operand of a `storage` weight, and a product's result back to float32. */
  const operand = (x: string): string => (half ? g.cast(x, 'float16') : x);
  const result = (x: string): string => (half ? g.cast(x, 'float32') : x);
  const matrix: FloatStorage = half ? 'float16' : 'float32';
  const bits = quantizedBits(options.precision);
  const quant = options.quantization ?? (options.precision === 'int8' || options.precision === 'int4' ? DEFAULT_QUANTIZATION[options.precision] : undefined);
  const quantized = (name: string, nIn: number, nOut: number, layout: 'kn' | 'nk') => {
    if (bits === undefined || quant === undefined) throw new Error('quantized weight in a float graph');
    const dims = layout === 'kn' ? [nIn, nOut] : [nOut, nIn];
    return quantizedInitializers(g, { name, data: requireWeight(weights, name, dims, PREFIXES).data, n: nOut, k: nIn, layout }, bits, quant);
  };

  const inputIds = g.input('input_ids', 'int64', [B, T]);
  const mask = g.input('attention_mask', 'int64', [B, TOTAL]);
  const positionIds = options.positionIdsInput === false ? undefined : g.input('position_ids', 'int64', [B, T]);
  const pastKeys: string[] = [];
  const pastValues: string[] = [];
  for (let i = 0; i < nLayer; i++) {
    pastKeys.push(g.input(`past_key_values.${i}.key`, 'float32', [B, nHead, P, headDim]));
    pastValues.push(g.input(`past_key_values.${i}.value`, 'float32', [B, nHead, P, headDim]));
  }

  // Lengths: T from input_ids, past from the first past key (axis 2).
  const zero = g.int64('zero', [0], []);
  const one = g.int64('one', [1], []);
  const seqLen = g.op('Squeeze', [g.op('Slice', [g.op('Shape', [inputIds]), g.int64('s1', [1]), g.int64('e2', [2])]), g.int64('ax0', [0])]);
  const pastLen = g.op('Squeeze', [g.op('Slice', [g.op('Shape', [pastKeys[0]]), g.int64('s2', [2]), g.int64('e3', [3])]), g.int64('ax0', [0])]);
  const totalLen = g.op('Add', [pastLen, seqLen]);

  // Embeddings.
  const wte = w('wte.weight', [V, d], matrix);
  const wpe = w('wpe.weight', [nPositions, d]);
  const positions = positionIds ?? g.op('Unsqueeze', [g.op('Range', [pastLen, totalLen, one]), g.int64('ax0', [0])]);
  let hidden = g.op('Add', [result(g.op('Gather', [wte, inputIds])), g.op('Gather', [wpe, positions])]);

  // Allowed (query, key) pairs: causal (key j ≤ past + query i) and not padding → [B, 1, T, past+T].
  const queryPos = g.op('Unsqueeze', [g.op('Range', [pastLen, totalLen, one]), g.int64('ax1', [1])]);
  const keyPos = g.op('Unsqueeze', [g.op('Range', [zero, totalLen, one]), g.int64('ax0', [0])]);
  const causal = g.op('LessOrEqual', [keyPos, queryPos]);
  const notPadding = g.op('Unsqueeze', [g.op('Cast', [mask], { to: 9 }), g.int64('ax12', [1, 2])]);
  const allowed = g.op('And', [causal, notPadding]);
  const masked = g.scalar('masked', -3.4028234663852886e38);
  const scale = g.scalar('scale', 1 / Math.sqrt(headDim));
  const headsShape = g.int64('heads_shape', [0, 0, nHead, headDim]);
  const mergedShape = g.int64('merged_shape', [0, 0, d]);
  const splitSizes = g.int64('qkv_split', [d, d, d]);

  const layerNorm = (x: string, name: string): string =>
    g.op('LayerNormalization', [x, w(`${name}.weight`, [d]), w(`${name}.bias`, [d])], { axis: -1, epsilon: { float: config.layerNormEpsilon } });
  const conv1d = (x: string, name: string, nIn: number, nOut: number): string =>
    bits !== undefined && quant !== undefined
      ? matMulNBits(g, x, quantized(`${name}.weight`, nIn, nOut, 'kn'), bits, quant, w(`${name}.bias`, [nOut]))
      : g.op('Add', [result(g.op('MatMul', [operand(x), w(`${name}.weight`, [nIn, nOut], matrix)])), w(`${name}.bias`, [nOut])]);
  const geluTanh = (x: string): string => {
    const cube = g.op('Mul', [g.op('Mul', [x, x]), x]);
    const inner = g.op('Mul', [g.op('Add', [x, g.op('Mul', [cube, g.scalar('gelu_c', 0.044715)])]), g.scalar('gelu_k', Math.sqrt(2 / Math.PI))]);
    const gate = g.op('Add', [g.op('Tanh', [inner]), g.scalar('gelu_one', 1)]);
    return g.op('Mul', [g.op('Mul', [x, gate]), g.scalar('gelu_half', 0.5)]);
  };

  // Query blocks: the bounds ⌊b·T/n⌋ as [1] tensors, and each block's rows of the allowed pairs (shared by every layer).
  const nBlocks = Math.max(1, Math.floor(options.queryBlocks ?? 1));
  // The bounds count rows of this call's tokens: a past would shift the keys (only the surprisal body, fed no past, uses blocks).
  if (nBlocks > 1 && options.finalHiddenOnly !== true) throw new Error('queryBlocks: only for the finalHiddenOnly body, run without a past');
  // Made only for a blocked graph: an initializer no node reads is one onnxruntime warns about.
  const blocked = nBlocks > 1 ? blockBounds() : undefined;
  function blockBounds(): { bounds: string[]; rowsOf: string[]; axes2: string; axes3: string } {
    const seqLen1 = g.op('Unsqueeze', [seqLen, g.int64('ax0', [0])]);
    const bounds = Array.from({ length: nBlocks + 1 }, (_, b) =>
      b === 0 ? g.int64('qb_zero', [0]) : b === nBlocks ? seqLen1 : g.op('Div', [g.op('Mul', [seqLen1, g.int64(`qb_${b}`, [b])]), g.int64('qb_n', [nBlocks])]),
    );
    const rowsOf = bounds.slice(1).map((end, b) => g.op('Slice', [allowed, g.op('Concat', [bounds[b], bounds[0]], { axis: 0 }), g.op('Concat', [end, end], { axis: 0 }), g.int64('ax_23', [2, 3])]));
    return { bounds, rowsOf, axes2: g.int64('ax_2', [2]), axes3: g.int64('ax_3', [3]) };
  }
  /** softmax(q·kᵀ/√d, masked)·v, whole or by blocks of query rows. */
  const attend = (query: string, key: string, value: string, probsName: string | undefined, outputName: string | undefined): string => {
    if (!blocked) {
      const scores = g.op('Mul', [g.op('MatMul', [query, g.op('Transpose', [key], { perm: [0, 1, 3, 2] })]), scale]);
      const probs = g.op('Softmax', [g.op('Where', [allowed, scores, masked])], { axis: -1 }, probsName);
      return g.op('MatMul', [probs, value], {}, outputName);
    }
    if (probsName !== undefined) throw new Error('query blocks give no attention probabilities');
    const { bounds, rowsOf, axes2, axes3 } = blocked;
    const keysT = g.op('Transpose', [key], { perm: [0, 1, 3, 2] });
    const parts = bounds.slice(1).map((end, b) => {
      const q = g.op('Slice', [query, bounds[b], end, axes2]);
      const scores = g.op('Mul', [g.op('MatMul', [q, g.op('Slice', [keysT, bounds[0], end, axes3])]), scale]);
      const probs = g.op('Softmax', [g.op('Where', [rowsOf[b], scores, masked])], { axis: -1 });
      return g.op('MatMul', [probs, g.op('Slice', [value, bounds[0], end, axes2])]);
    });
    return g.op('Concat', parts, { axis: 2 }, outputName);
  };

  const internals = options.internals === true;
  const hiddenStates = internals || options.hiddenStates === true;
  /** The name of an internals output (or a fresh one when the graph has no internals). */
  const named = (name: string): string | undefined => (internals ? name : undefined);
  const hiddenOutputs: string[] = hiddenStates ? [hidden] : [];
  for (let i = 0; i < nLayer; i++) {
    const p = `h.${i}`;
    const normalized = internals ? g.op('Identity', [layerNorm(hidden, `${p}.ln_1`)], {}, `attn_input.${i}`) : layerNorm(hidden, `${p}.ln_1`);
    const qkv = conv1d(normalized, `${p}.attn.c_attn`, d, 3 * d);
    const [q, k, v] = g.opMulti('Split', [qkv, splitSizes], 3, { axis: 2 });
    const headsOf = (x: string, name: string): string => g.op('Transpose', [g.op('Reshape', [x, headsShape])], { perm: [0, 2, 1, 3] }, named(name));
    const key = g.op('Concat', [pastKeys[i], headsOf(k, `key.${i}`)], { axis: 2 }, `present.${i}.key`);
    const value = g.op('Concat', [pastValues[i], headsOf(v, `value.${i}`)], { axis: 2 }, `present.${i}.value`);
    const probsName = options.variant === 'inspect' ? `attentions.${i}` : undefined;
    const heads = attend(headsOf(q, `query.${i}`), key, value, probsName, named(`head_outputs.${i}`));
    const context = g.op('Reshape', [g.op('Transpose', [heads], { perm: [0, 2, 1, 3] }), mergedShape]);
    const projected = conv1d(context, `${p}.attn.c_proj`, d, d);
    hidden = g.op('Add', [hidden, internals ? g.op('Identity', [projected], {}, `attn_output.${i}`) : projected]);
    const mlp = conv1d(geluTanh(conv1d(layerNorm(hidden, `${p}.ln_2`), `${p}.mlp.c_fc`, d, 4 * d)), `${p}.mlp.c_proj`, 4 * d, d);
    hidden = g.op('Add', [hidden, mlp]);
    if (hiddenStates) hiddenOutputs.push(hidden);
  }
  if (internals || options.finalHiddenOnly === true) g.output('residual_final', hidden, 'float32', [B, T, d]);
  if (options.finalHiddenOnly === true) return g;

  // Tied LM head: logits = ln_f(h) · wteᵀ, as a Gemm on [B·T, d] so wte is stored once.
  const lastPosition = (x: string): string => g.op('Slice', [x, g.int64('last_start', [-1]), g.int64('last_end', [Number.MAX_SAFE_INTEGER]), g.int64('ax1', [1])]);
  const sliceFirst = options.lastLogitsOnly === true && !hiddenStates; // LayerNorm is per position: slice first when nothing else needs all
  const normalized = layerNorm(sliceFirst ? lastPosition(hidden) : hidden, 'ln_f');
  if (hiddenStates) hiddenOutputs[nLayer] = normalized;
  const final = g.op('Reshape', [options.lastLogitsOnly && !sliceFirst ? lastPosition(normalized) : normalized, g.int64('flat', [-1, d])]);
  const flatLogits = bits !== undefined && quant !== undefined
    ? matMulNBits(g, final, quantized('wte.weight', d, V, 'nk'), bits, quant)
    : result(g.op('Gemm', [operand(final), wte], { transB: 1 }));
  const batch = g.op('Slice', [g.op('Shape', [inputIds]), g.int64('s0', [0]), g.int64('e1', [1])]);
  const rows = options.lastLogitsOnly ? g.int64('one_row', [1]) : g.op('Unsqueeze', [seqLen, g.int64('ax0', [0])]);
  const logitsShape = g.op('Concat', [batch, rows, g.int64('vocab', [V])], { axis: 0 });
  g.output('logits', g.op('Reshape', [flatLogits, logitsShape]), 'float32', [B, options.lastLogitsOnly ? 1 : T, V]);
  hiddenOutputs.forEach((value, i) => g.output(`hidden_states.${i}`, value, 'float32', [B, T, d]));
  for (let i = 0; i < nLayer; i++) {
    g.output(`present.${i}.key`, `present.${i}.key`, 'float32', [B, nHead, TOTAL, headDim]);
    g.output(`present.${i}.value`, `present.${i}.value`, 'float32', [B, nHead, TOTAL, headDim]);
    if (options.variant === 'inspect') g.output(`attentions.${i}`, `attentions.${i}`, 'float32', [B, nHead, T, TOTAL]);
    if (internals) {
      g.output(`attn_input.${i}`, `attn_input.${i}`, 'float32', [B, T, d]);
      for (const name of ['query', 'key', 'value', 'head_outputs']) g.output(`${name}.${i}`, `${name}.${i}`, 'float32', [B, nHead, T, headDim]);
      g.output(`attn_output.${i}`, `attn_output.${i}`, 'float32', [B, T, d]);
    }
  }
  return g;
}
