/**
 * A weight product as onnxruntime's contrib `MatMulNBits` (CPU and CUDA kernels): `x` [..., K]
 * times a block-quantized [N, K] weight (quantizeWeights.ts), plus an optional float32 bias
 * → float32 [..., N]. The builders call it for int8/int4 graphs where a float graph has a
 * MatMul/Gemm against a big weight.
 */
import type { GraphBuilder } from './onnxBuilder';
import type { QuantizationOptions } from './precision';
import { quantizedDims, quantizeMatrix, type QuantBits } from './quantizeWeights';

export interface QuantizedWeight {
  /** Initializer name prefix (the checkpoint's tensor name). */
  name: string;
  data: Float32Array;
  n: number;
  k: number;
  /** `nk`: stored [N, K] (nn.Linear, embeddings); `kn`: [K, N] (GPT-2 Conv1D). */
  layout: 'nk' | 'kn';
}

/** The initializers of a quantized weight, to be shared by several products (a tied head). */
export interface QuantizedInitializers {
  packed: string;
  scales: string;
  zeroPoints: string;
  n: number;
  k: number;
}

export function quantizedInitializers(g: GraphBuilder, w: QuantizedWeight, bits: QuantBits, options: QuantizationOptions): QuantizedInitializers {
  const q = quantizeMatrix(w.data, w.n, w.k, w.layout, bits, options.blockSize);
  const dims = quantizedDims(q);
  return {
    packed: g.packed(`${w.name}.q${bits}`, dims.packed, q.packed),
    scales: g.packed(`${w.name}.scales`, dims.scales, q.scales),
    zeroPoints: g.packed(`${w.name}.zero_points`, dims.zeroPoints, q.zeroPoints),
    n: w.n,
    k: w.k,
  };
}

/** x · dequant(W)ᵀ (+ bias), float32 in and out. */
export function matMulNBits(g: GraphBuilder, x: string, w: QuantizedInitializers, bits: QuantBits, options: QuantizationOptions, bias?: string): string {
  const inputs = [x, w.packed, w.scales, w.zeroPoints];
  if (bias !== undefined) inputs.push('', bias); // g_idx omitted, then bias
  return g.contribOp('MatMulNBits', inputs, { K: w.k, N: w.n, bits, block_size: options.blockSize, accuracy_level: options.accuracyLevel });
}
