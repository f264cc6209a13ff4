// What the attention canvases read a matrix through, so that the float32 matrices of the host and a
// quantized display form (one byte per weight and a scale) plug in alike.

/** A byte per cell; the value is `bytes[k] * scale`. */
export interface QuantizedCells {
  bytes: Uint8Array;
  scale: number;
}

export type MatrixData = Float32Array | QuantizedCells;

/** A rows × cols matrix, row-major, read cell by cell. */
export interface MatrixValues {
  readonly rows: number;
  readonly cols: number;
  value(i: number, j: number): number;
}

export function matrixValues(rows: number, cols: number, data: MatrixData): MatrixValues {
  if (data instanceof Float32Array) return { rows, cols, value: (i, j) => data[i * cols + j] ?? 0 };
  const { bytes, scale } = data;
  return { rows, cols, value: (i, j) => (bytes[i * cols + j] ?? 0) * scale };
}

/** The largest value (0 when none is positive), or with `abs` the largest magnitude. */
export function maxValue(m: MatrixValues, abs = false): number {
  let max = 0;
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) {
      const v = abs ? Math.abs(m.value(i, j)) : m.value(i, j);
      if (v > max) max = v;
    }
  }
  return max;
}
