/** Shared by the graph tests: fixture files, feeds, and element-wise comparison with golden arrays. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxRuntimeBackend } from '../../src/engine/runtime/onnxRuntime';
import type { TensorData } from '../../src/engine/runtime/types';

export const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'tiny-models');

export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
}

export function int64(values: readonly number[], dims: number[]): TensorData {
  return { type: 'int64', dims, data: BigInt64Array.from(values.map((v) => BigInt(v))) };
}

export function float32(data: Float32Array, dims: number[]): TensorData {
  return { type: 'float32', dims, data };
}

type Nested = number | Nested[];
export function flatten(x: Nested): number[] {
  return Array.isArray(x) ? x.flatMap(flatten) : [x];
}

/** Largest |a - b|, asserting equal lengths. */
export function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length, 'length');
  let max = 0;
  for (let i = 0; i < actual.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    if (!(diff <= max)) max = Number.isNaN(diff) ? Infinity : diff;
  }
  return max;
}

export function floats(t: TensorData): Float32Array {
  assert.equal(t.type, 'float32');
  return t.data as Float32Array;
}

/** Rows [start, end) of the last axis of a [..., rows, cols] float tensor flattened. */
export function rowsOf(t: TensorData): Float32Array[] {
  const cols = t.dims[t.dims.length - 1];
  const data = floats(t);
  return Array.from({ length: data.length / cols }, (_, r) => data.subarray(r * cols, (r + 1) * cols));
}

/** The logits of a GPT-2 decode graph (a path or bytes) for `ids`, from an empty KV cache, on the CPU. */
export async function gpt2DecodeLogits(model: string | Uint8Array, config: { nLayer: number; nHead: number; nEmbd: number }, ids: readonly number[]): Promise<Float32Array> {
  const s = await new OnnxRuntimeBackend().createSession(model, { device: 'cpu' });
  const T = ids.length;
  const feeds: Record<string, TensorData> = { input_ids: int64(ids, [1, T]), attention_mask: int64(ids.map(() => 1), [1, T]), position_ids: int64([...ids.keys()], [1, T]) };
  for (let i = 0; i < config.nLayer; i++) for (const k of ['key', 'value']) feeds[`past_key_values.${i}.${k}`] = { type: 'float32', dims: [1, config.nHead, 0, config.nEmbd / config.nHead], data: new Float32Array(0) };
  const out = await s.run(feeds, ['logits']);
  await s.release();
  return floats(out.logits);
}
