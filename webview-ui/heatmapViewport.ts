// The heatmap's viewport maths, pure (unit-tested in Node): the cell size that fits the width, zoom
// about a point, the scroll offsets kept inside the matrix, the range of cells in view, and whether
// the token labels have room. Offsets are CSS pixels from the matrix's top-left corner.

/** Cells this small or larger carry their token labels; smaller, the labels hide. */
export const MIN_LABEL_CELL = 10;
/** The largest cell of the fitted (zoom 1) view: a short sentence is not blown up beyond it. */
export const MAX_FIT_CELL = 28;
/** The largest cell a zoom reaches. */
export const MAX_CELL = 64;

export interface Viewport {
  /** Cell side, CSS pixels. */
  cell: number;
  /** Scroll offsets of the matrix area, CSS pixels. */
  x: number;
  y: number;
  /** The matrix area in view (without the label gutters), CSS pixels. */
  width: number;
  height: number;
}

export interface CellRange {
  i0: number;
  i1: number;
  j0: number;
  j1: number;
}

/** The cell side that fits `cols` columns into `width` pixels, capped at `MAX_FIT_CELL`; a positive number. */
export function fitCell(width: number, cols: number, max = MAX_FIT_CELL): number {
  return Math.max(0.05, Math.min(max, width / Math.max(1, cols)));
}

/** The zoom range of a view whose fitted cell is `fit`: from 1 (all in view) to `MAX_CELL` per cell. */
export function clampZoom(zoom: number, fit: number): number {
  const max = Math.max(1, MAX_CELL / fit);
  return Math.max(1, Math.min(max, Number.isFinite(zoom) ? zoom : 1));
}

/** Scroll offsets kept so the matrix (rows × cols cells) covers the view where it can. */
export function clampScroll(v: Viewport, rows: number, cols: number): Viewport {
  const maxX = Math.max(0, cols * v.cell - v.width);
  const maxY = Math.max(0, rows * v.cell - v.height);
  return { ...v, x: Math.max(0, Math.min(maxX, v.x)), y: Math.max(0, Math.min(maxY, v.y)) };
}

/**
 * The viewport with cell side `cell`, scrolled so that the point (`px`, `py`) of the view (CSS pixels
 * from the matrix area's corner) shows the same spot of the matrix as before; then clamped.
 */
export function zoomAbout(v: Viewport, cell: number, px: number, py: number, rows: number, cols: number): Viewport {
  const k = cell / v.cell;
  return clampScroll({ ...v, cell, x: (v.x + px) * k - px, y: (v.y + py) * k - py }, rows, cols);
}

/** The cells at least partly in view: rows i0 ≤ i < i1, columns j0 ≤ j < j1 (empty when i0 = i1 or j0 = j1). */
export function visibleCells(v: Viewport, rows: number, cols: number): CellRange {
  const i0 = Math.max(0, Math.min(rows, Math.floor(v.y / v.cell)));
  const j0 = Math.max(0, Math.min(cols, Math.floor(v.x / v.cell)));
  const i1 = Math.max(i0, Math.min(rows, Math.ceil((v.y + v.height) / v.cell)));
  const j1 = Math.max(j0, Math.min(cols, Math.ceil((v.x + v.width) / v.cell)));
  return { i0, i1, j0, j1 };
}

/** The cell under the point (`px`, `py`) of the matrix area, or `undefined` outside the matrix. */
export function cellAt(v: Viewport, px: number, py: number, rows: number, cols: number): { i: number; j: number } | undefined {
  if (px < 0 || py < 0 || px >= v.width || py >= v.height) return undefined;
  const i = Math.floor((v.y + py) / v.cell);
  const j = Math.floor((v.x + px) / v.cell);
  return i >= 0 && j >= 0 && i < rows && j < cols ? { i, j } : undefined;
}

/** Whether token labels have room at this cell size. */
export function labelsFit(cell: number): boolean {
  return cell >= MIN_LABEL_CELL;
}

/**
 * The scroll offsets that centre the view on the matrix point under (`fx`, `fy`), fractions (0…1) of
 * the whole matrix — a click or drag on the minimap; clamped.
 */
export function centreOn(v: Viewport, fx: number, fy: number, rows: number, cols: number): Viewport {
  return clampScroll({ ...v, x: fx * cols * v.cell - v.width / 2, y: fy * rows * v.cell - v.height / 2 }, rows, cols);
}

/** The part of the matrix in view, as fractions (0…1) of its width and height: the minimap's rectangle. */
export function visibleFraction(v: Viewport, rows: number, cols: number): { x: number; y: number; w: number; h: number } {
  const W = Math.max(1e-9, cols * v.cell);
  const H = Math.max(1e-9, rows * v.cell);
  return { x: v.x / W, y: v.y / H, w: Math.min(1, v.width / W), h: Math.min(1, v.height / H) };
}
