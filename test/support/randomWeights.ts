/**
 * Seeded random weights in the Hugging Face layout, for tests, golden files and benchmarks.
 * Matrices are uniform in ±0.3 (large enough that attention is far from uniform), LayerNorm
 * gains 1 ± 0.2, biases ±0.1. Tensors are generated in name order from one mulberry32 stream,
 * so `tools/golden/` can dump exactly the same numbers for the PyTorch reference.
 */
import type { TensorSpec } from '../../src/engine/graph/tensorSpecs';
import { seededRandom, type WeightTensor } from '../../src/engine/graph/weights';

export function randomWeights(specs: readonly TensorSpec[], seed: number): Map<string, WeightTensor> {
  const random = seededRandom(seed);
  const weights = new Map<string, WeightTensor>();
  for (const [name, dims, kind] of specs) {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    const [center, spread] = kind === 'gain' ? [1, 0.2] : kind === 'bias' ? [0, 0.1] : [0, 0.3];
    for (let j = 0; j < data.length; j++) data[j] = center + spread * (2 * random() - 1);
    weights.set(name, { dims: [...dims], data });
  }
  return weights;
}
