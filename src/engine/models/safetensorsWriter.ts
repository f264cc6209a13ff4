/**
 * Writing safetensors files (tiny test checkpoints, converted weights) and encoding float32
 * values as float16 / bfloat16 with round-to-nearest-even, the way PyTorch's `.half()` and
 * `.bfloat16()` do.
 */
import { DTYPE_BYTES, type SafetensorsDtype } from './safetensors';

export interface TensorToWrite {
  dtype: SafetensorsDtype;
  shape: readonly number[];
  /** Little-endian element bytes, numel × dtype size long. */
  bytes: Uint8Array;
}

/**
 * The bytes of a safetensors file holding `tensors` in the given order, tiling the data section.
 * The header is padded with spaces to a multiple of 8 bytes, as the reference writer does.
 */
export function encodeSafetensors(tensors: Record<string, TensorToWrite>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const numel = t.shape.reduce((a, b) => a * b, 1);
    if (t.bytes.length !== numel * DTYPE_BYTES[t.dtype]) {
      throw new Error(`encodeSafetensors: "${name}" has ${t.bytes.length} bytes, shape ${JSON.stringify(t.shape)} of ${t.dtype} needs ${numel * DTYPE_BYTES[t.dtype]}`);
    }
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded > json.length) json = Buffer.concat([json, Buffer.alloc(padded - json.length, 0x20)]);
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of Object.values(tensors)) {
    out.set(t.bytes, at);
    at += t.bytes.length;
  }
  return out;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 → IEEE half bits, round to nearest even; overflow → ±inf, NaN stays NaN. */
export function float32ToFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = mant | 0x800000; // implicit 1
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let r = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    if (rest > half || (rest === half && (r & 1))) r++;
    return sign | r;
  }
  let r = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (r & 1))) r++; // may carry into the exponent (→ inf): correct
  return sign | r;
}

/** float32 → bfloat16 bits (the top 16 bits), round to nearest even; NaN stays NaN. */
export function float32ToBfloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff)) return ((x >>> 16) | 0x40) & 0xffff;
  const rounded = x + 0x7fff + ((x >>> 16) & 1);
  return (rounded >>> 16) & 0xffff;
}

/** Little-endian bytes of `values` stored as `dtype` (floats rounded, integers truncated). */
export function encodeValues(values: ArrayLike<number>, dtype: SafetensorsDtype): Uint8Array {
  const n = values.length;
  const out = new Uint8Array(n * DTYPE_BYTES[dtype]);
  const view = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    switch (dtype) {
      case 'F64': view.setFloat64(i * 8, v, true); break;
      case 'F32': view.setFloat32(i * 4, v, true); break;
      case 'F16': view.setUint16(i * 2, float32ToFloat16Bits(v), true); break;
      case 'BF16': view.setUint16(i * 2, float32ToBfloat16Bits(v), true); break;
      case 'I64': view.setBigInt64(i * 8, BigInt(Math.trunc(v)), true); break;
      case 'I32': view.setInt32(i * 4, v, true); break;
      case 'I16': view.setInt16(i * 2, v, true); break;
      case 'I8': view.setInt8(i, v); break;
      case 'U8': view.setUint8(i, v); break;
      case 'BOOL': view.setUint8(i, v ? 1 : 0); break;
      default: {
        const never: never = dtype;
        throw new Error(`encodeValues: unknown dtype ${String(never)}`);
      }
    }
  }
  return out;
}
