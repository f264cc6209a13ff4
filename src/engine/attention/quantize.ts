/**
 * Display quantization of attention matrices: values in [0, max] as bytes 0–255 with one scale
 * (the matrix's max), a quarter of the float32 bytes for what is only drawn (the model view's
 * thumbnails). `q = round(v / max × 255)`, `v ≈ q × max / 255`: the error is at most max / 510.
 * Never NaN: an all-zero (or empty) matrix has scale 0 and dequantizes to zeros; NaN, negative and
 * infinite inputs count as 0 (attention weights are finite and ≥ 0; nothing else is drawn).
 * Plain TypeScript (no Node, no DOM).
 */

export interface QuantizedMatrix {
  /** One byte per value, 0–255. */
  data: Uint8Array;
  /** The value of 255 (the largest input value; 0 when there is none above 0). */
  scale: number;
}

function drawable(v: number): number {
  return v > 0 && v < Infinity ? v : 0; // NaN, negatives and ±Infinity fail the test
}

/** `data` as bytes with one scale (its max). */
export function quantize(data: Float32Array): QuantizedMatrix {
  let max = 0;
  for (let k = 0; k < data.length; k++) max = Math.max(max, drawable(data[k]));
  const out = new Uint8Array(data.length);
  if (max > 0) {
    const f = 255 / max;
    for (let k = 0; k < data.length; k++) out[k] = Math.min(255, Math.round(drawable(data[k]) * f));
  }
  return { data: out, scale: max };
}

/** Consecutive blocks of `size` values of `data`, each quantized with its own scale (one per thumbnail). */
export function quantizeBlocks(data: Float32Array, size: number): { data: Uint8Array; scales: Float32Array } {
  if (!(size > 0) || data.length % size !== 0) throw new RangeError(`${data.length} values do not make blocks of ${size}`);
  const blocks = data.length / size;
  const out = new Uint8Array(data.length);
  const scales = new Float32Array(blocks);
  for (let b = 0; b < blocks; b++) {
    const q = quantize(data.subarray(b * size, (b + 1) * size));
    out.set(q.data, b * size);
    scales[b] = q.scale;
  }
  return { data: out, scales };
}

/** Bytes back to values: `q × scale / 255`. */
export function dequantize(q: QuantizedMatrix): Float32Array {
  const out = new Float32Array(q.data.length);
  const f = q.scale > 0 && q.scale < Infinity ? q.scale / 255 : 0;
  for (let k = 0; k < out.length; k++) out[k] = q.data[k] * f;
  return out;
}

/** quantizeBlocks undone. */
export function dequantizeBlocks(data: Uint8Array, scales: Float32Array): Float32Array {
  if (scales.length === 0 || data.length % scales.length !== 0) throw new RangeError(`${data.length} bytes for ${scales.length} scales`);
  const size = data.length / scales.length;
  const out = new Float32Array(data.length);
  for (let b = 0; b < scales.length; b++) out.set(dequantize({ data: data.subarray(b * size, (b + 1) * size), scale: scales[b] }), b * size);
  return out;
}
