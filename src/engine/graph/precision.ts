/**
 * How a graph stores and multiplies its big weight matrices (attention and MLP projections, the
 * embedding table used as the tied LM head / MLM decoder).
 * - `float32`: everything float32 (the default, and the reference).
 * - `float16`: those weights float16 and their products in float16 (GPU sessions; see openModel).
 * - `int8`, `int4`: weight-only block quantization (quantizeWeights.ts) run by onnxruntime's
 *   contrib `MatMulNBits`; activations, LayerNorm, Softmax, attention, residuals, biases and every
 *   graph input and output stay float32, and the embedding lookup reads the float32 table.
 */
export type GraphPrecision = 'float32' | 'float16' | 'int8' | 'int4';

// What a user picks: in runtime/types.ts, which the extension's activation path may import.
export { isWeightPrecision, WEIGHT_PRECISIONS, type WeightPrecision } from '../runtime/types';

/**
 * MatMulNBits settings. Block size: values per scale and zero point along the reduction axis.
 * accuracy_level: 0 = the runtime's default (float32 activations), 4 = int8 activations
 * quantized per block at run time (MLAS's integer kernels). Level 4 for both, by measurement
 * (BENCHMARKS.md, GPT-2-small decode): 8-bit codes have no fast float kernel in onnxruntime 1.30's
 * CPU provider (level 0 ran at a tenth of float32's speed), and 4-bit codes ran faster at level 4.
 */
export interface QuantizationOptions {
  blockSize: number;
  accuracyLevel: 0 | 1 | 2 | 3 | 4;
}

export const DEFAULT_QUANTIZATION: Readonly<Record<'int8' | 'int4', QuantizationOptions>> = {
  int8: { blockSize: 32, accuracyLevel: 4 },
  int4: { blockSize: 32, accuracyLevel: 4 },
};

/** The bits of a quantized precision, undefined for float ones. */
export function quantizedBits(precision: GraphPrecision | undefined): 4 | 8 | undefined {
  return precision === 'int8' ? 8 : precision === 'int4' ? 4 : undefined;
}
