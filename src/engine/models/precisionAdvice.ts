import type { WeightPrecision } from '../runtime/types';

/** The sizes a model's config gives, enough to weigh its weights in each precision. */
export interface ModelSize {
  /** Exact parameter count (from the checkpoint). */
  readonly parameters: number;
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly contextLength: number;
}

export interface PrecisionAdvice {
  /** Bytes of weights the loaded graph holds, per precision. */
  readonly weightBytes: Readonly<Record<WeightPrecision, number>>;
  /** Peak bytes while a float32 model loads: its weights read, and the graph built from them. */
  readonly float32LoadBytes: number;
  /** What a quarter of the machine's memory allows: `float32` when it fits comfortably. */
  readonly suggested: WeightPrecision;
}

/** Bytes per weight of MatMulNBits' block quantization: the codes, a float32 scale and a code-sized zero point per block of 32. */
const QUANTIZED_BYTES: Readonly<Record<'int8' | 'int4', number>> = { int8: 1 + 4 / 32 + 1 / 32, int4: 0.5 + 4 / 32 + 0.5 / 32 };

/**
 * How much memory a model takes in float32, int8 and int4 (graph/precision.ts: the projections and
 * the tied output head quantized, the embedding tables kept float32 for the lookup), and which
 * precision to suggest on a machine of `totalMemoryBytes`. Loading float32 holds the weights twice
 * (BENCHMARKS.md, gpt2-xl shape: 6.2 GB of weights, as much again while the graph is built). The
 * model "fits comfortably" when that peak stays within a quarter of the memory, leaving the rest to
 * the editor and everything else; otherwise int8 when its weights do, else int4.
 */
export function advisePrecision(size: ModelSize, totalMemoryBytes: number): PrecisionAdvice {
  const embeddings = (size.vocabSize + size.contextLength) * size.hiddenSize;
  const projections = Math.max(0, size.parameters - embeddings);
  const head = size.vocabSize * size.hiddenSize;
  const quantized = (bits: 'int8' | 'int4') => 4 * embeddings + QUANTIZED_BYTES[bits] * (projections + head);
  const weightBytes = { float32: 4 * size.parameters, int8: quantized('int8'), int4: quantized('int4') };
  const float32LoadBytes = 2 * weightBytes.float32;
  const room = totalMemoryBytes / 4;
  const suggested: WeightPrecision = float32LoadBytes <= room ? 'float32' : 2 * weightBytes.int8 <= room ? 'int8' : 'int4';
  return { weightBytes, float32LoadBytes, suggested };
}
