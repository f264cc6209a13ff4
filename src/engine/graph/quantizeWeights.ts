/**
 * Weight-only block quantization in the layout of onnxruntime's contrib operator
 * `com.microsoft.MatMulNBits` (Y = A · dequant(B)ᵀ): B is [N, K] (one row per output), cut along K
 * into blocks of `blockSize` values; each block has a float32 scale and a zero point, and a value
 * is stored as an unsigned `bits`-bit code q with w ≈ (q − zero_point) · scale.
 *
 * Packing, as the operator reads it:
 * - `packed` uint8 [N, nBlocks, blockSize·bits/8]: codes in K order, low bits first (int4: the
 *   even-K code in the low nibble of a byte, the odd-K code in the high nibble);
 * - `scales` float32 [N·nBlocks], row-major (row n's blocks together);
 * - `zeroPoints` uint8: int8, one byte per block [N·nBlocks]; int4, [N·⌈nBlocks/2⌉], two blocks
 *   per byte, low nibble first, a row's last byte half used when nBlocks is odd.
 * A last block shorter than `blockSize` (K not a multiple of it) is padded with code = zero point,
 * i.e. zeros.
 *
 * Asymmetric min/max quantization: a block's range [min(0, min w), max(0, max w)] maps onto
 * 0 … 2^bits − 1, so every weight of the block is within scale/2 of its dequantized value, and 0
 * is exact (its code is the zero point).
 */

export type QuantBits = 4 | 8;

export interface QuantizedMatrix {
  bits: QuantBits;
  /** Output features (rows of B). */
  n: number;
  /** Input features (the reduction axis). */
  k: number;
  blockSize: number;
  nBlocks: number;
  packed: Uint8Array;
  scales: Float32Array;
  zeroPoints: Uint8Array;
}

/** Dimensions of the three initializers MatMulNBits takes. */
export function quantizedDims(q: Pick<QuantizedMatrix, 'bits' | 'n' | 'nBlocks' | 'blockSize'>): { packed: number[]; scales: number[]; zeroPoints: number[] } {
  const zeroBytesPerRow = q.bits === 8 ? q.nBlocks : Math.ceil(q.nBlocks / 2);
  return { packed: [q.n, q.nBlocks, (q.blockSize * q.bits) / 8], scales: [q.n * q.nBlocks], zeroPoints: [q.n * zeroBytesPerRow] };
}

/**
 * Quantizes a float32 matrix. `layout` says how `data` is stored: `nk` = [N, K] row-major (an
 * nn.Linear weight, an embedding table used as a tied head), `kn` = [K, N] row-major (GPT-2's
 * Conv1D weight [in, out]).
 */
export function quantizeMatrix(data: Float32Array, n: number, k: number, layout: 'nk' | 'kn', bits: QuantBits, blockSize: number): QuantizedMatrix {
  if (data.length !== n * k) throw new Error(`quantizeMatrix: ${data.length} values for [${n}, ${k}]`);
  if (blockSize < 16 || (blockSize & (blockSize - 1)) !== 0) throw new Error(`quantizeMatrix: block size ${blockSize} is not a power of two ≥ 16`);
  const nBlocks = Math.ceil(k / blockSize);
  const dims = quantizedDims({ bits, n, nBlocks, blockSize });
  const blob = dims.packed[2];
  const packed = new Uint8Array(n * nBlocks * blob);
  const scales = new Float32Array(n * nBlocks);
  const zeroPoints = new Uint8Array(dims.zeroPoints[0]);
  const zeroBytesPerRow = dims.zeroPoints[0] / n;
  const maxCode = (1 << bits) - 1;
  const at = layout === 'nk' ? (row: number, col: number): number => data[row * k + col] : (row: number, col: number): number => data[col * n + row];
  const codes = new Uint8Array(blockSize);
  for (let row = 0; row < n; row++) {
    for (let block = 0; block < nBlocks; block++) {
      const start = block * blockSize;
      const end = Math.min(k, start + blockSize);
      let lo = 0;
      let hi = 0;
      for (let c = start; c < end; c++) {
        const w = at(row, c);
        if (w < lo) lo = w;
        if (w > hi) hi = w;
      }
      const scale = hi > lo ? (hi - lo) / maxCode : 1;
      // Rounded in float32 as stored, so the bound holds for the scale the runtime reads.
      const stored = Math.fround(scale);
      const zero = Math.min(maxCode, Math.max(0, Math.round(-lo / stored)));
      codes.fill(zero);
      for (let c = start; c < end; c++) codes[c - start] = Math.min(maxCode, Math.max(0, Math.round(at(row, c) / stored) + zero));
      const index = row * nBlocks + block;
      scales[index] = stored;
      const base = index * blob;
      if (bits === 8) {
        packed.set(codes, base);
        zeroPoints[row * zeroBytesPerRow + block] = zero;
      } else {
        for (let j = 0; j < blob; j++) packed[base + j] = codes[2 * j] | (codes[2 * j + 1] << 4);
        const zi = row * zeroBytesPerRow + (block >> 1);
        zeroPoints[zi] |= block % 2 === 0 ? zero : zero << 4;
      }
    }
  }
  return { bits, n, k, blockSize, nBlocks, packed, scales, zeroPoints };
}

/** The code of row `row`, column `col` (0 ≤ col < nBlocks·blockSize) and its block's zero point. */
function codeAt(q: QuantizedMatrix, row: number, col: number): { code: number; zero: number; scale: number } {
  const block = Math.floor(col / q.blockSize);
  const index = row * q.nBlocks + block;
  const blob = (q.blockSize * q.bits) / 8;
  const inBlock = col - block * q.blockSize;
  if (q.bits === 8) return { code: q.packed[index * blob + inBlock], zero: q.zeroPoints[row * q.nBlocks + block], scale: q.scales[index] };
  const byte = q.packed[index * blob + (inBlock >> 1)];
  const zeroByte = q.zeroPoints[row * Math.ceil(q.nBlocks / 2) + (block >> 1)];
  return { code: inBlock % 2 === 0 ? byte & 15 : byte >> 4, zero: block % 2 === 0 ? zeroByte & 15 : zeroByte >> 4, scale: q.scales[index] };
}

/** (code − zero point) · scale for every weight: [N, K] row-major (what the operator multiplies by). */
export function dequantizeMatrix(q: QuantizedMatrix): Float32Array {
  const out = new Float32Array(q.n * q.k);
  for (let row = 0; row < q.n; row++) {
    for (let col = 0; col < q.k; col++) {
      const { code, zero, scale } = codeAt(q, row, col);
      out[row * q.k + col] = (code - zero) * scale;
    }
  }
  return out;
}

/** Bytes the operator reads for this matrix: codes, scales and zero points. */
export function quantizedBytes(q: QuantizedMatrix): number {
  return q.packed.byteLength + q.scales.byteLength + q.zeroPoints.byteLength;
}
