/**
 * What the graph builders need of a checkpoint: float32 tensors by their Hugging Face names
 * (`h.0.attn.c_attn.weight`, `encoder.layer.0.attention.self.query.weight`…). A safetensors
 * reader (src/engine/models) can fill this map; tests fill it with seeded random values.
 */
import { quoteValue } from '../errorText';
import { GraphBuildError } from './graphBuildError';

export interface WeightTensor {
  dims: number[];
  data: Float32Array;
}
export type WeightMap = ReadonlyMap<string, WeightTensor>;

/** Looks a tensor up, accepting the names with or without a model prefix (`transformer.`, `bert.`…), and checks its shape. */
export function requireWeight(weights: WeightMap, name: string, dims: readonly number[], prefixes: readonly string[] = ['']): WeightTensor {
  for (const prefix of prefixes) {
    const tensor = weights.get(prefix + name);
    if (!tensor) continue;
    const ok = tensor.dims.length === dims.length && tensor.dims.every((d, i) => d === dims[i]) && tensor.data.length === dims.reduce((a, b) => a * b, 1);
    // The name is the builder's own; the shape came from a file.
    if (!ok) throw new GraphBuildError(`weight ${prefix + name} has shape ${quoteValue(tensor.dims)}, expected [${dims.join(', ')}]`);
    return tensor;
  }
  throw new GraphBuildError(`weight ${name} is missing from the checkpoint`);
}

/** Deterministic pseudo-random numbers (mulberry32), so TypeScript tests and the Python golden script share weights. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
