/**
 * The pure layout of the inside-the-model pages (webview-ui/lensScale.ts, chartScale.ts): the lens
 * cells' shade, keyboard moves in the grid, the cosine chart's range, ticks, scales and paths.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chartGeometry, cosineDomain, formatCosine, linear, pathOf, ticks } from '../../../webview-ui/chartScale';
import { layerBefore, stateLabel } from '../../../webview-ui/layerLabels';
import { legendStops, MAX_SHADE, moveInGrid, probabilityShade, shortText } from '../../../webview-ui/lensScale';

test('lens shade: linear in the probability, clamped to [0, MAX_SHADE], 0 for nonsense', () => {
  assert.equal(probabilityShade(0), 0);
  assert.equal(probabilityShade(1), MAX_SHADE);
  assert.equal(probabilityShade(0.5), Math.round(MAX_SHADE / 2));
  assert.ok(probabilityShade(0.2) < probabilityShade(0.4) && probabilityShade(0.4) < probabilityShade(0.8), 'more probable, darker');
  assert.equal(probabilityShade(1.7), MAX_SHADE);
  for (const bad of [-0.1, NaN, -Infinity]) assert.equal(probabilityShade(bad), 0, String(bad));
  const stops = legendStops();
  assert.deepEqual(stops.map((s) => s.prob), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(stops.map((s) => s.shade), stops.map((s) => probabilityShade(s.prob)));
});

test('lens cells: short text cut by code point with an ellipsis', () => {
  assert.equal(shortText('Lord', 10), 'Lord');
  assert.equal(shortText('commandments', 10), 'commandme…');
  assert.equal([...shortText('🐱🐱🐱🐱', 3)].length, 3, 'a surrogate pair is never split');
});

test('lens grid: arrow keys move one cell, clamped at the edges; Home/End go to the row ends', () => {
  const at = { row: 1, column: 2 };
  assert.deepEqual(moveInGrid(at, 'ArrowUp', 4, 5), { row: 0, column: 2 });
  assert.deepEqual(moveInGrid(at, 'ArrowDown', 4, 5), { row: 2, column: 2 });
  assert.deepEqual(moveInGrid(at, 'ArrowLeft', 4, 5), { row: 1, column: 1 });
  assert.deepEqual(moveInGrid(at, 'ArrowRight', 4, 5), { row: 1, column: 3 });
  assert.deepEqual(moveInGrid({ row: 0, column: 0 }, 'ArrowUp', 4, 5), { row: 0, column: 0 });
  assert.deepEqual(moveInGrid({ row: 3, column: 4 }, 'ArrowRight', 4, 5), { row: 3, column: 4 });
  assert.deepEqual(moveInGrid(at, 'Home', 4, 5), { row: 1, column: 0 });
  assert.deepEqual(moveInGrid(at, 'End', 4, 5), { row: 1, column: 4 });
  assert.equal(moveInGrid(at, 'a', 4, 5), undefined);
});

test('cosine chart: the y range reaches 1, starts at 0 or below the lowest value in steps of 0.2, never under −1', () => {
  assert.deepEqual(cosineDomain([0.3, 0.9, 1]), [0, 1]);
  assert.deepEqual(cosineDomain([-0.05, 0.5]), [-0.2, 1]);
  assert.deepEqual(cosineDomain([-0.61]), [-0.8, 1]);
  assert.deepEqual(cosineDomain([-1]), [-1, 1]);
  assert.deepEqual(cosineDomain([NaN]), [0, 1]);
  assert.deepEqual(cosineDomain([]), [0, 1]);
  assert.deepEqual(ticks(0, 1, 0.2), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(ticks(-1, 1, 0.5), [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(ticks(-0.2, 1, 0.5), [0, 0.5, 1], 'round multiples of the step, never −0.2, 0.3, 0.8');
  assert.deepEqual(ticks(-0.2, 1, 0.2), [-0.2, 0, 0.2, 0.4, 0.6, 0.8, 1]);
});

test('cosine chart: scales map the domain onto the box (y downwards), paths go through every finite point', () => {
  const y = linear([0, 1], [200, 10]);
  assert.equal(y(0), 200);
  assert.equal(y(1), 10);
  assert.equal(y(0.5), 105);
  assert.equal(linear([2, 2], [0, 10])(2), 5, 'an empty domain maps to the middle');
  const box = { width: 400, height: 220, left: 40, right: 10, top: 10, bottom: 30 };
  const g = chartGeometry([[1, 0.8, 0.5, 0.2], [0.1, 0.1, 0.1, 0.1]], box);
  assert.deepEqual(g.domain, [0, 1]);
  assert.equal(g.x(0), 40);
  assert.equal(g.x(3), 390);
  assert.equal(g.y(1), 10);
  assert.equal(g.y(0), 190);
  assert.equal(g.paths.length, 2);
  assert.equal(g.paths[0], 'M40 10 L156.7 46 L273.3 100 L390 154');
  assert.equal(pathOf([0.5, NaN, 0.5], (i) => i * 10, () => 7), 'M0 7 M20 7', 'a missing value breaks the line');
  assert.equal(g.yTicks[0], 0);
  assert.equal(g.yTicks.at(-1), 1);
  assert.deepEqual(chartGeometry([[-0.15, 1]], box).yTicks, [-0.2, 0, 0.2, 0.4, 0.6, 0.8, 1]);
  const wide = chartGeometry([[-0.9, 1]], box);
  assert.deepEqual(wide.domain, [-1, 1]);
  assert.deepEqual(wide.yTicks, [-1, -0.5, 0, 0.5, 1]);
});

test('cosines are written with three decimals in the page’s language', () => {
  assert.equal(formatCosine(0.83245, 'en'), '0.832');
  assert.equal(formatCosine(0.83245, 'fr'), '0,832');
  assert.equal(formatCosine(-1, 'en'), '-1.000');
});

test('hidden states are labelled by the layer they come after, numbered from 0; the last is the output', () => {
  assert.equal(layerBefore(0), undefined, 'state 0 is the embeddings');
  assert.equal(layerBefore(1), 0);
  assert.equal(layerBefore(3), 2);
  const labels = { embeddings: 'embeddings', after: (l: number) => `after layer ${l}`, output: (l: number) => `after layer ${l} (output)` };
  assert.deepEqual(
    [0, 1, 2, 3].map((i) => stateLabel(i, 4, labels)),
    ['embeddings', 'after layer 0', 'after layer 1', 'after layer 2 (output)'],
  );
});
