/** Checks that tensors received over IPC are well-formed typed arrays before a backend sees them. */
import type { TensorData, TensorType } from '../../src/engine/runtime/types';
import { HostRequestError, isObject } from '../../src/host/protocol';

const ARRAY_OF_TYPE: Record<TensorType, new (length: number) => TensorData['data']> = {
  float32: Float32Array,
  float16: Uint16Array,
  float64: Float64Array,
  int64: BigInt64Array,
  int32: Int32Array,
  bool: Uint8Array,
};

export function isTensorType(value: unknown): value is TensorType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ARRAY_OF_TYPE, value);
}

/** The number of elements a tensor of these dims holds (1 for a scalar). */
export function elementCount(dims: readonly number[]): number {
  return dims.reduce((n, d) => n * d, 1);
}

/** Returns `value` as a TensorData, or throws an `invalidParams` error saying what is wrong. */
export function checkTensor(name: string, value: unknown): TensorData {
  const bad = (why: string): never => {
    throw new HostRequestError('invalidParams', `tensor "${name}": ${why}`);
  };
  if (!isObject(value)) return bad('not an object');
  const { type, dims, data } = value;
  if (!isTensorType(type)) return bad(`unknown type ${String(type)}`);
  if (!Array.isArray(dims) || !dims.every((d): d is number => Number.isInteger(d) && d >= 0)) {
    return bad('dims must be non-negative integers');
  }
  const expected = ARRAY_OF_TYPE[type];
  if (!(data instanceof expected)) {
    return bad(`data must be a ${expected.name} for type ${type}, got ${Array.isArray(data) ? 'a plain array' : typeof data}`);
  }
  if (data.length !== elementCount(dims)) return bad(`${data.length} values for dims [${dims.join(', ')}]`);
  return { type, dims, data };
}

/** Checks a feeds object (name → tensor). */
export function checkFeeds(value: unknown): Record<string, TensorData> {
  if (!isObject(value)) throw new HostRequestError('invalidParams', 'feeds must be an object of tensors');
  const feeds: Record<string, TensorData> = {};
  for (const [name, tensor] of Object.entries(value)) feeds[name] = checkTensor(name, tensor);
  return feeds;
}
