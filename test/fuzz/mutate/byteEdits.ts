/** Dumb byte-level edits of a file, as data (positions are clamped to the bytes at hand). */
import type { Rng } from '../prng';

export type ByteEdit =
  | { op: 'flip'; at: number; mask: number }
  | { op: 'set'; at: number; byte: number }
  | { op: 'insert'; at: number; bytes: number[] }
  | { op: 'delete'; at: number; len: number }
  | { op: 'truncate'; at: number }
  | { op: 'append'; bytes: number[]; times: number }
  /** Copies `len` bytes from `from` over the bytes at `to` (same size) . */
  | { op: 'copy'; from: number; len: number; to: number };

function clamp(n: number, len: number): number {
  return Math.max(0, Math.min(len, Math.floor(n)));
}

export function applyByteEdits(input: Uint8Array, edits: readonly ByteEdit[]): Uint8Array {
  let bytes = Buffer.from(input);
  for (const e of edits) {
    const len = bytes.length;
    switch (e.op) {
      case 'flip':
        if (len > 0) bytes[clamp(e.at, len - 1)] ^= e.mask & 0xff || 1;
        break;
      case 'set':
        if (len > 0) bytes[clamp(e.at, len - 1)] = e.byte & 0xff;
        break;
      case 'insert': {
        const at = clamp(e.at, len);
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(e.bytes), bytes.subarray(at)]);
        break;
      }
      case 'delete': {
        const at = clamp(e.at, len);
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(clamp(at + e.len, len))]);
        break;
      }
      case 'truncate':
        bytes = bytes.subarray(0, clamp(e.at, len));
        break;
      case 'append':
        bytes = Buffer.concat([bytes, ...Array<Buffer>(Math.max(1, Math.min(e.times, 1 << 24))).fill(Buffer.from(e.bytes))]);
        break;
      case 'copy': {
        const from = clamp(e.from, len);
        const to = clamp(e.to, len);
        const n = Math.min(e.len, len - from, len - to);
        if (n > 0) bytes.copy(bytes, to, from, from + n);
        break;
      }
    }
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Bytes worth writing: delimiters, UTF-8 lead bytes, BOM pieces, NUL, 0xff. */
const INTERESTING_BYTES = [0x00, 0x22, 0x2c, 0x3a, 0x5b, 0x5d, 0x7b, 0x7d, 0x5c, 0x0a, 0x80, 0xbf, 0xc0, 0xe2, 0xef, 0xf0, 0xff, 0x30, 0x39, 0x2d];

function someBytes(rng: Rng): number[] {
  return Array.from({ length: rng.range(1, 4) }, () => (rng.chance(0.6) ? rng.pick(INTERESTING_BYTES) : rng.int(256)));
}

/** One random edit of a file of `length` bytes, placed in [lo, hi) when given (a region of interest). */
export function randomByteEdit(rng: Rng, length: number, region?: [number, number]): ByteEdit {
  const [lo, hi] = region ?? [0, length];
  const at = lo + rng.int(Math.max(1, hi - lo));
  switch (rng.weighted([['flip', 4], ['set', 3], ['insert', 2], ['delete', 2], ['truncate', 1], ['append', 1], ['copy', 1]] as const)) {
    case 'flip': return { op: 'flip', at, mask: 1 << rng.int(8) };
    case 'set': return { op: 'set', at, byte: rng.chance(0.6) ? rng.pick(INTERESTING_BYTES) : rng.int(256) };
    case 'insert': return { op: 'insert', at, bytes: someBytes(rng) };
    case 'delete': return { op: 'delete', at, len: rng.range(1, 16) };
    case 'truncate': return { op: 'truncate', at };
    case 'append': return { op: 'append', bytes: someBytes(rng), times: rng.chance(0.1) ? rng.range(100, 10_000) : 1 };
    default: return { op: 'copy', from: lo + rng.int(Math.max(1, hi - lo)), len: rng.range(1, 64), to: at };
  }
}

export function randomByteEdits(rng: Rng, length: number, count: number, region?: [number, number]): ByteEdit[] {
  return Array.from({ length: count }, () => randomByteEdit(rng, length, region));
}
