// The model view (a grid of thumbnails, layers × heads), the summary (per-head statistics) and
// the positional-encodings view of the Attention side view.
import type { LocalizedStrings } from '../src/protocol/wire';
import type { AttentionStringKey, HeadStats, PositionsResult } from '../src/protocol/attention';
import { css, maxOf, rampColor, type Palette } from './attentionColors';
import { MatrixView } from './attentionMatrix';
import { format, h } from './dom';
import { paintProgressively } from './progressivePaint';

type Strings = LocalizedStrings<AttentionStringKey>;

const THUMB_PX = 56;

/** The model view: its element, and `fill` to paint one layer's thumbnails when they arrive. */
export interface GridView {
  element: HTMLElement;
  /** Layer `layer`'s thumbnails (`[H, side, side]`) and its heads' statistics. */
  fill(layer: number, side: number, thumbs: Float32Array, stats: readonly HeadStats[]): void;
}

/**
 * Layers × heads of small heatmaps; each is a button that opens the head large. The buttons at
 * once (empty until their layer comes, so the page never waits for the whole model), the
 * thumbnails' pixels a few per frame (paintProgressively).
 */
export function renderGrid(layers: number, heads: number, s: Strings, p: Palette, open: (layer: number, head: number) => void): GridView {
  const table = h('div', { class: 'grid', role: 'grid', 'aria-label': s.tabModel, 'aria-busy': 'true' });
  table.style.gridTemplateColumns = `auto repeat(${heads}, ${THUMB_PX + 6}px)`;
  table.append(h('span', { class: 'grid-corner' }), ...Array.from({ length: heads }, (_, hd) => h('span', { class: 'grid-head', role: 'columnheader' }, String(hd))));
  const cells: Array<Array<{ button: HTMLElement; canvas: HTMLCanvasElement }>> = [];
  for (let l = 0; l < layers; l++) {
    table.append(h('span', { class: 'grid-layer', role: 'rowheader' }, String(l)));
    const row: Array<{ button: HTMLElement; canvas: HTMLCanvasElement }> = [];
    for (let hd = 0; hd < heads; hd++) {
      const canvas = h('canvas', { width: 1, height: 1, class: 'thumb', 'aria-hidden': 'true' });
      const label = format(s.layerHeadLabel, l, hd, '');
      const button = h('button', { class: 'thumb-button pending', role: 'gridcell', title: label, 'aria-label': label, 'data-layer': l, 'data-head': hd }, canvas);
      button.addEventListener('click', () => open(l, hd));
      table.append(button);
      row.push({ button, canvas });
    }
    cells.push(row);
  }
  let filled = 0;
  const fill = (layer: number, side: number, thumbs: Float32Array, stats: readonly HeadStats[]): void => {
    const jobs: Array<() => void> = [];
    cells[layer]?.forEach(({ button, canvas }, hd) => {
      const st = stats[hd];
      const label = format(s.layerHeadLabel, layer, hd, st ? s[`pattern${st.pattern}` as AttentionStringKey] : '');
      button.title = label;
      button.setAttribute('aria-label', label);
      const data = thumbs.subarray(hd * side * side, (hd + 1) * side * side);
      jobs.push(() => {
        canvas.width = side;
        canvas.height = side;
        paintThumb(canvas, data, side, p);
        button.classList.remove('pending');
      });
    });
    paintProgressively(table, jobs, requestAnimationFrame);
    if (++filled >= layers) table.setAttribute('aria-busy', 'false');
  };
  // Arrow keys move between thumbnails.
  table.addEventListener('keydown', (e) => {
    const target = e.target as HTMLElement;
    const l = Number(target.dataset['layer']);
    const hd = Number(target.dataset['head']);
    if (!Number.isInteger(l)) return;
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const m = moves[e.key];
    if (!m) return;
    e.preventDefault();
    const next = table.querySelector<HTMLElement>(`[data-layer="${l + m[0]}"][data-head="${hd + m[1]}"]`);
    next?.focus();
  });
  return { element: h('div', { class: 'grid-scroll' }, table), fill };
}

function paintThumb(canvas: HTMLCanvasElement, data: Float32Array, side: number, p: Palette): void {
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(side, side);
  const max = maxOf(data);
  for (let k = 0; k < side * side; k++) {
    const c = rampColor(p, data[k], max);
    img.data.set([Math.round(c[0]), Math.round(c[1]), Math.round(c[2]), 255], k * 4);
  }
  ctx.putImageData(img, 0, 0);
}

const STAT_KEYS: Array<[keyof HeadStats, AttentionStringKey]> = [
  ['toPrevious', 'statPrevious'],
  ['toSelf', 'statSelf'],
  ['toFirst', 'statFirst'],
  ['toCls', 'statCls'],
  ['toSep', 'statSep'],
  ['normalizedEntropy', 'statNormEntropy'],
  ['entropy', 'statEntropy'],
];

/** A table per statistic: layers × heads, the value written and shaded; the pattern of each head in its title. */
export function renderSummary(
  stats: HeadStats[][],
  s: Strings,
  p: Palette,
  chosen: keyof HeadStats,
  choose: (k: keyof HeadStats) => void,
  open: (layer: number, head: number) => void,
): HTMLElement {
  const select = h('select', { id: 'stat-select', 'aria-label': s.statPattern });
  for (const [key, label] of STAT_KEYS) select.append(h('option', { value: key, selected: key === chosen }, s[label]));
  select.addEventListener('change', () => choose(select.value as keyof HeadStats));
  const values = stats.flat().map((st) => Number(st[chosen]));
  const max = Math.max(1e-9, ...values);
  const heads = stats[0]?.length ?? 0;
  const table = h('table', { class: 'stats-table' });
  table.append(h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, `${s.layer} \\ ${s.head}`), ...Array.from({ length: heads }, (_, hd) => h('th', { scope: 'col' }, String(hd))))));
  const body = h('tbody');
  stats.forEach((row, l) => {
    const tr = h('tr', {}, h('th', { scope: 'row' }, String(l)));
    row.forEach((st, hd) => {
      const v = Number(st[chosen]);
      const pattern = s[`pattern${st.pattern}` as AttentionStringKey];
      const button = h('button', { class: 'stat-cell', title: format(s.layerHeadLabel, l, hd, pattern), 'aria-label': `${format(s.layerHeadLabel, l, hd, pattern)}: ${v.toFixed(2)}` }, v.toFixed(2));
      button.style.background = css(rampColor(p, v, max));
      button.style.color = v / max > 0.55 ? css(p.background) : css(p.foreground);
      button.addEventListener('click', () => open(l, hd));
      tr.append(h('td', {}, button));
    });
    body.append(tr);
  });
  table.append(body);
  // Heads with a clear pattern, listed by pattern.
  const byPattern = new Map<string, string[]>();
  stats.forEach((row, l) => row.forEach((st, hd) => st.pattern !== 'mixed' && byPattern.set(st.pattern, [...(byPattern.get(st.pattern) ?? []), format(s.layerHead, l, hd)])));
  const list = h(
    'ul',
    { class: 'pattern-list' },
    [...byPattern].map(([pattern, where]) => h('li', {}, h('strong', {}, s[`pattern${pattern}` as AttentionStringKey]), ': ', where.join(', '))),
  );
  return h(
    'div',
    { class: 'summary' },
    h('p', { class: 'hint' }, s.summaryHelp),
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, s.statPattern), select),
    h('div', { class: 'stats-scroll' }, table),
    list,
    h('p', { class: 'hint' }, s.meanHelp),
    h('p', { class: 'hint' }, s.rolloutHelp),
  );
}

/** Sinusoidal table and its cosine similarity, next to the model's learned table and its similarity. */
export function renderPositions(r: PositionsResult, s: Strings, palette: () => Palette, views: MatrixView[]): HTMLElement {
  const make = (title: string, rows: number, cols: number, data: Float32Array, square: boolean): HTMLElement => {
    const v = new MatrixView(palette, '', (z) => format(s.zoom, z), 0.45);
    views.push(v);
    v.set({
      rows,
      cols,
      data,
      kind: 'diverging',
      ariaLabel: title,
      describe: (i, j, value) => (square ? `${s.position} ${i} · ${s.position} ${j}: ${value.toFixed(3)}` : `${s.position} ${i}, ${s.dimension} ${j}: ${value.toFixed(3)}`),
    });
    return h('section', { class: 'positions-block' }, h('h3', { class: 'section-title' }, title), v.element);
  };
  return h(
    'div',
    { class: 'positions' },
    h('p', { class: 'hint' }, s.positionsHelp),
    make(s.sinusoidal, r.count, r.dim, r.sinusoidal, false),
    make(s.cosineSinusoidal, r.count, r.count, r.sinusoidalCosine, true),
    r.learned
      ? [
          make(format(s.learned, r.learned.model), r.learned.table.length / r.learned.dim, r.learned.dim, r.learned.table, false),
          make(s.cosineLearned, r.learned.table.length / r.learned.dim, r.learned.table.length / r.learned.dim, r.learned.cosine, true),
        ]
      : h('p', { class: 'note' }, format(s.noLearned, r.learnedError ?? '')),
  );
}
