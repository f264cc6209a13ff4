/**
 * A model's output head alone, as an ONNX graph, for the logit lens: states [N, d] (rows from any
 * layer) → the head (GPT-2: ln_f then the LM head tied to wte; encoders: the MLM head, dense → GELU
 * → LayerNorm → decoder + bias) → log-softmax over the vocabulary → the top k, and the
 * log-probability and rank of one target token per row. Only [N, k] and [N] values leave the
 * graph, never N × V logits. Inputs `states` float32 [N, d], `targets` int64 [N], `k` int64 [1];
 * outputs `top_logprobs` [N, k], `top_ids` int64 [N, k], `target_logprob` [N, 1], `target_rank` [N, 1]
 * (1 = the best), and `target_nll` float64 [N, 1]: −log P(target) with the log-sum-exp taken in
 * float64 over the float32 logits (as a reader in JavaScript does: a float32 log-softmax drifts by
 * about 1e-6 nats at the NLLs of a long text, and surprisal averages thousands of them).
 */
import type { GraphFamilyConfig } from './modelGraph';
import { CAST_TO, GraphBuilder } from './onnxBuilder';
import { GraphBuildError } from './graphBuildError';
import type { WeightTensor } from './weights';

const N = 'rows';
const K = 'k';

/** The head's tensors, whatever the family calls them (lensHead.ts reads them from the checkpoint). */
export interface HeadWeights {
  /** [V, d]: GPT-2's wte, an encoder's decoder (its word embeddings when tied). */
  decoder: WeightTensor;
  /** [V]: the encoder decoder's bias; GPT-2 has none. */
  decoderBias?: WeightTensor;
  /** GPT-2's ln_f, an encoder's transform LayerNorm: [d] each. */
  norm: { weight: WeightTensor; bias: WeightTensor };
  /** Encoders: the transform's dense layer, weight [d, d] (nn.Linear [out, in]) and bias [d]. */
  dense?: { weight: WeightTensor; bias: WeightTensor };
}

function checked(g: GraphBuilder, name: string, tensor: WeightTensor, dims: number[]): string {
  const ok = tensor.dims.length === dims.length && tensor.dims.every((n, i) => n === dims[i]);
  if (!ok) throw new GraphBuildError(`the output head's ${name} has shape [${tensor.dims.join(', ')}], expected [${dims.join(', ')}]`);
  return g.initializer(name, dims, tensor.data);
}

export function defineHeadGraph(f: GraphFamilyConfig, head: HeadWeights): GraphBuilder {
  const d = f.family === 'gpt2' ? f.gpt2.nEmbd : f.encoder.hiddenSize;
  const V = f.family === 'gpt2' ? f.gpt2.vocabSize : f.encoder.vocabSize;
  const eps = f.family === 'gpt2' ? f.gpt2.layerNormEpsilon : f.encoder.layerNormEpsilon;
  const g = new GraphBuilder('lens_head');
  const states = g.input('states', 'float32', [N, d]);
  const targets = g.input('targets', 'int64', [N]);
  const k = g.input('k', 'int64', [1]);
  const layerNorm = (x: string): string =>
    g.op('LayerNormalization', [x, checked(g, 'norm.weight', head.norm.weight, [d]), checked(g, 'norm.bias', head.norm.bias, [d])], { axis: -1, epsilon: { float: eps } });
  let normalized: string;
  if (head.dense) {
    const dense = g.op('Gemm', [states, checked(g, 'dense.weight', head.dense.weight, [d, d]), checked(g, 'dense.bias', head.dense.bias, [d])], { transB: 1 });
    const gate = g.op('Add', [g.op('Erf', [g.op('Mul', [dense, g.scalar('inv_sqrt2', Math.SQRT1_2)])]), g.scalar('one', 1)]);
    normalized = layerNorm(g.op('Mul', [g.op('Mul', [dense, gate]), g.scalar('half', 0.5)]));
  } else {
    normalized = layerNorm(states);
  }
  const decoder = checked(g, 'decoder.weight', head.decoder, [V, d]);
  const logits = head.decoderBias
    ? g.op('Gemm', [normalized, decoder, checked(g, 'decoder.bias', head.decoderBias, [V])], { transB: 1 })
    : g.op('Gemm', [normalized, decoder], { transB: 1 });
  const logProbs = g.op('LogSoftmax', [logits], { axis: -1 });
  const [topValues, topIds] = g.opMulti('TopK', [logProbs, k], 2, { axis: -1, largest: 1, sorted: 1 });
  const targetIndex = g.op('Unsqueeze', [targets, g.int64('ax1', [1])]);
  const target = g.op('GatherElements', [logProbs, targetIndex], { axis: 1 });
  // The rank counts the logits above the target's: the log-softmax's float32 subtraction would tie close neighbours.
  const targetLogit = g.op('GatherElements', [logits, targetIndex], { axis: 1 });
  const better = g.op('ReduceSum', [g.op('Cast', [g.op('Greater', [logits, targetLogit])], { to: 1 }), g.int64('last_axis', [1])], { keepdims: 1 });
  const rank = g.op('Add', [better, g.scalar('rank_one', 1)]);
  const logSumExp = g.op('ReduceLogSumExp', [g.op('Cast', [logits], { to: CAST_TO.float64 })], { axes: [-1], keepdims: 1 });
  const nll = g.op('Sub', [logSumExp, g.op('Cast', [targetLogit], { to: CAST_TO.float64 })]);
  g.output('top_logprobs', topValues, 'float32', [N, K]);
  g.output('top_ids', topIds, 'int64', [N, K]);
  g.output('target_logprob', target, 'float32', [N, 1]);
  g.output('target_rank', rank, 'float32', [N, 1]);
  g.output('target_nll', nll, 'float64', [N, 1]);
  return g;
}
