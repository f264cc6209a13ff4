/**
 * The heatmap's viewport maths (fit, zoom about a point, clamping, the cells in view, labels) and
 * the matrix accessors (float32 and quantized), at up to 1,024 tokens.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cellAt,
  centreOn,
  clampScroll,
  clampZoom,
  fitCell,
  labelsFit,
  MAX_CELL,
  MAX_FIT_CELL,
  visibleCells,
  visibleFraction,
  zoomAbout,
  type Viewport,
} from '../../../webview-ui/heatmapViewport';
import { matrixValues, maxValue } from '../../../webview-ui/matrixValues';

const view = (cell: number, x = 0, y = 0, width = 600, height = 400): Viewport => ({ cell, x, y, width, height });

test('fitCell: fits the width, capped for short texts, never zero', () => {
  assert.equal(fitCell(600, 30), 20);
  assert.ok(fitCell(600, 30) >= 14, 'a 30-token sentence gets cells of at least 14 px in a 600 px view');
  assert.equal(fitCell(1200, 10), MAX_FIT_CELL);
  assert.equal(fitCell(1024, 1024), 1);
  assert.ok(fitCell(0, 1024) > 0);
  assert.equal(fitCell(300, 0), MAX_FIT_CELL);
});

test('clampZoom: between 1 (all in view) and MAX_CELL per cell', () => {
  assert.equal(clampZoom(0.5, 1), 1);
  assert.equal(clampZoom(1000, 1), MAX_CELL);
  assert.equal(clampZoom(3, 1), 3);
  assert.equal(clampZoom(5, MAX_CELL), 1, 'cells already at the maximum: no zoom');
  assert.equal(clampZoom(NaN, 2), 1);
});

test('clampScroll: inside the matrix; a matrix smaller than the view stays at 0', () => {
  assert.deepEqual(clampScroll(view(10, -50, -1), 1024, 1024), view(10, 0, 0));
  assert.deepEqual(clampScroll(view(10, 99999, 99999), 1024, 1024), view(10, 10240 - 600, 10240 - 400));
  assert.deepEqual(clampScroll(view(10, 30, 30), 20, 20), view(10, 0, 0));
});

test('zoomAbout: the matrix point under the pointer stays under it', () => {
  const before = view(2, 100, 40);
  const px = 250;
  const py = 130;
  const spot = [(before.x + px) / before.cell, (before.y + py) / before.cell];
  const after = zoomAbout(before, 8, px, py, 1024, 1024);
  assert.equal(after.cell, 8);
  assert.deepEqual([(after.x + px) / after.cell, (after.y + py) / after.cell], spot);
  // Zooming back out at the corner of the matrix clamps to 0.
  const out = zoomAbout(view(8, 10, 10), 1, 0, 0, 1024, 1024);
  assert.deepEqual([out.x, out.y], [1.25, 1.25]);
  const fitted = zoomAbout(view(8, 5000, 5000), 0.5, 300, 200, 1024, 1024);
  assert.deepEqual([fitted.x, fitted.y], [0, 512 - 400], '1,024 cells of 0.5 px: the width fits, the height scrolls to its end');
});

test('visibleCells: only the cells in view, at 1,024 × 1,024', () => {
  assert.deepEqual(visibleCells(view(20, 0, 0), 1024, 1024), { i0: 0, i1: 20, j0: 0, j1: 30 });
  assert.deepEqual(visibleCells(view(20, 15, 5), 1024, 1024), { i0: 0, i1: 21, j0: 0, j1: 31 });
  const end = visibleCells(view(16, 1024 * 16 - 600, 1024 * 16 - 400), 1024, 1024);
  assert.deepEqual(end, { i0: 999, i1: 1024, j0: 986, j1: 1024 });
  const all = visibleCells(view(0.5), 1024, 1024);
  assert.deepEqual(all, { i0: 0, i1: 800, j0: 0, j1: 1024 });
  const small = visibleCells(view(20), 5, 5);
  assert.deepEqual(small, { i0: 0, i1: 5, j0: 0, j1: 5 });
  const drawn = (r: { i0: number; i1: number; j0: number; j1: number }): number => (r.i1 - r.i0) * (r.j1 - r.j0);
  assert.ok(drawn(visibleCells(view(24, 4000, 4000), 1024, 1024)) < 600, 'a zoomed 1,024 matrix draws a few hundred cells, not a million');
  assert.deepEqual(visibleCells(view(10), 0, 0), { i0: 0, i1: 0, j0: 0, j1: 0 });
});

test('cellAt: the cell under the pointer, none outside', () => {
  assert.deepEqual(cellAt(view(10, 35, 0), 4, 27, 100, 100), { i: 2, j: 3 });
  assert.equal(cellAt(view(10), -1, 5, 100, 100), undefined);
  assert.equal(cellAt(view(10), 5, 400, 100, 100), undefined);
  assert.equal(cellAt(view(10), 95, 5, 100, 5), undefined, 'beyond the last column');
});

test('labelsFit: labels from 10 px cells, hidden below', () => {
  assert.equal(labelsFit(10), true);
  assert.equal(labelsFit(14), true);
  assert.equal(labelsFit(9.9), false);
  assert.equal(labelsFit(0.6), false);
});

test('minimap: the visible rectangle as fractions, and centring on a click', () => {
  const v = view(16, 0, 0, 512, 256);
  assert.deepEqual(visibleFraction(v, 1024, 1024), { x: 0, y: 0, w: 512 / 16384, h: 256 / 16384 });
  assert.deepEqual(visibleFraction(view(0.5), 1024, 1024).w, 1);
  const c = centreOn(v, 0.5, 0.5, 1024, 1024);
  assert.deepEqual([c.x, c.y], [8192 - 256, 8192 - 128]);
  const corner = centreOn(v, 1, 1, 1024, 1024);
  assert.deepEqual([corner.x, corner.y], [16384 - 512, 16384 - 256]);
});

test('matrixValues: float32 and quantized read alike; maxValue', () => {
  const f = new Float32Array([0, 0.5, 0.25, 1]);
  const q = { bytes: new Uint8Array([0, 128, 64, 255]), scale: 1 / 255 };
  const a = matrixValues(2, 2, f);
  const b = matrixValues(2, 2, q);
  assert.equal(a.value(0, 1), 0.5);
  assert.equal(a.value(1, 1), 1);
  assert.ok(Math.abs(b.value(0, 1) - 0.5) < 0.01);
  assert.equal(b.value(1, 1), 1);
  assert.equal(maxValue(a), 1);
  assert.equal(maxValue(matrixValues(1, 3, new Float32Array([-3, 1, 2])), true), 3);
  assert.equal(maxValue(matrixValues(1, 2, new Float32Array([-3, -1]))), 0);
});
