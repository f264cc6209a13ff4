/** Shared by the graph tests: fixture files, feeds, and element-wise comparison with golden arrays. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
