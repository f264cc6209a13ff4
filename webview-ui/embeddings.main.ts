// The Contextual Embeddings panel: the cosine of a word's hidden state at each layer with the same
// word elsewhere (or a second selection) and with its own static embedding, as a line chart drawn
// here in SVG and as a table; the nearest vocabulary tokens to each of its tokens' static
// embedding; and, with two selections, their semantic similarity as one number.
import type { LocalizedStrings } from '../src/protocol/wire';
import type { EmbeddingsChannel, EmbeddingsPanelState, EmbeddingsPayload, EmbeddingsStringKey, NearestTokens } from '../src/protocol/embeddings';
import { chartGeometry, formatCosine, type ChartBox } from './chartScale';
import { byId, format, h, replaceChildren } from './dom';
import { layerBefore, stateLabel } from './layerLabels';
import { visible } from './probBars';
import { HostClient } from './rpc';

type Strings = LocalizedStrings<EmbeddingsStringKey>;

const client = new HostClient<EmbeddingsChannel, EmbeddingsPanelState>();
const app = byId('app');
let strings: Strings | undefined;
let state: EmbeddingsPanelState = client.state ?? {};
const lang = document.documentElement.lang;
const SVG = 'http://www.w3.org/2000/svg';

client.on('panel/didInit', (init) => {
  strings = init.strings;
  render();
});
client.on('result/didChange', (payload) => {
  state = { payload };
  client.state = state;
  render();
});

/** One curve of the chart. */
interface Series {
  name: string;
  values: number[];
  /** CSS class giving its colour and dash. */
  cls: string;
}

function seriesOf(s: Strings, payload: EmbeddingsPayload): Series[] {
  const { result } = payload;
  const compared = result.comparisons.map((c, i) => ({
    name: c.source === 'selection' ? format(s.vsSelection, c.other.text) : format(s.vsOccurrence, c.other.text, payload.offset + c.other.start),
    values: c.cosine,
    cls: `series-${i % 8}`,
  }));
  return [...compared, { name: s.vsStatic, values: result.staticCosine, cls: 'series-static' }];
}

/** The x axis's tick of hidden state i: "emb.", then the layer it comes after. */
function layerTick(s: Strings, i: number): string {
  return String(layerBefore(i) ?? s.layerEmbeddings);
}

/** Hidden state i in words: the embeddings, or after layer ℓ. */
function stateName(s: Strings, i: number, count: number): string {
  return stateLabel(i, count, { embeddings: s.stateEmbeddings, after: (layer) => format(s.layerN, layer), output: (layer) => format(s.layerN, layer) });
}

let chartHost: HTMLElement | undefined;
let drawnSeries: Series[] = [];

function render(): void {
  const s = strings;
  if (!s) return;
  app.setAttribute('aria-busy', 'false');
  const payload = state.payload;
  if (!payload) {
    replaceChildren(app, h('p', { class: 'muted' }, s.loading));
    return;
  }
  const { result } = payload;
  const series = seriesOf(s, payload);
  drawnSeries = series;
  chartHost = h('div', { class: 'chart-host' });
  const second = result.comparisons.find((c) => c.source === 'selection');
  replaceChildren(
    app,
    h('h1', { class: 'panel-title' }, s.title),
    h('p', { class: 'muted model-line' }, format(s.model, payload.model.label, payload.model.family)),
    h('div', { class: 'explain' }, h('p', {}, s.explainStatic), h('p', {}, s.explainContextual), h('p', { class: 'muted' }, s.explainCosine)),
    h('p', { class: 'word-line' }, format(s.word, result.word.text, payload.offset + result.word.start, payload.offset + result.word.end, result.word.positions.length)),
    second ? h('p', {}, format(s.second, second.other.text)) : null,
    result.comparisons.length === 0 ? h('p', { class: 'note' }, format(s.noComparison, result.word.text)) : null,
    payload.extraSelections > 0 ? h('p', { class: 'note' }, format(s.extraSelections, payload.extraSelections)) : null,
    h('p', { class: 'muted' }, format(s.readRange, payload.lines.first, payload.lines.last, result.tokens.length)),
    payload.cut ? h('p', { class: 'note' }, format(s.cut, payload.cut.limit)) : null,
    similarity(s, payload),
    h('section', { class: 'chart-section', 'aria-labelledby': 'chart-title' }, h('h2', { class: 'section-title', id: 'chart-title' }, s.chartTitle), chartHost, chartLegend(series)),
    valuesTable(s, series, result.numLayers),
    nearest(s, payload),
  );
  drawChart();
  requestAnimationFrame(() =>
    client.notify('view/didDraw', {
      drawId: payload.drawId,
      curves: app.querySelectorAll('svg.cosine-chart path.curve').length,
      points: result.numLayers + 1,
      neighbours: app.querySelectorAll('.nearest li').length,
      similarity: result.similarity && app.querySelector('.similarity-value') ? result.similarity.cosine : null,
    }),
  );
}

function similarity(s: Strings, payload: EmbeddingsPayload): HTMLElement {
  const sim = payload.result.similarity;
  if (!sim) return h('p', { class: 'hint' }, s.similarityNone);
  return h(
    'section',
    { class: 'similarity', 'aria-labelledby': 'similarity-title' },
    h('h2', { class: 'section-title', id: 'similarity-title' }, s.similarityTitle),
    h('p', { class: 'similarity-pair' }, `“${sim.a.text}” · “${sim.b.text}”`),
    h('p', { class: 'similarity-value' }, formatCosine(sim.cosine, lang)),
    h('p', { class: 'muted similarity-method' }, format(s.similarityMethod, payload.result.numLayers - 1)),
  );
}

function chartLegend(series: Series[]): HTMLElement {
  return h(
    'ul',
    { class: 'chart-legend' },
    series.map((ser) => h('li', {}, h('span', { class: `legend-line ${ser.cls}`, 'aria-hidden': 'true' }), ser.name)),
  );
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, ...children: Array<Node | string>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

/** Draws the chart at the width its box has now (again on every resize). */
function drawChart(): void {
  const s = strings;
  const payload = state.payload;
  if (!s || !payload || !chartHost) return;
  const points = payload.result.numLayers + 1;
  const width = Math.max(280, Math.min(760, chartHost.clientWidth || 600));
  const box: ChartBox = { width, height: Math.round(Math.min(320, Math.max(220, width * 0.5))), left: 48, right: 16, top: 14, bottom: 40 };
  const geometry = chartGeometry(
    drawnSeries.map((ser) => ser.values),
    box,
  );
  const titleId = 'chart-svg-title';
  const descId = 'chart-svg-desc';
  const grid = geometry.yTicks.map((t) =>
    svg(
      'g',
      { class: 'tick' },
      svg('line', { x1: box.left, x2: box.width - box.right, y1: geometry.y(t), y2: geometry.y(t), class: t === 0 ? 'zero' : 'grid' }),
      svg('text', { x: box.left - 6, y: geometry.y(t) + 4, 'text-anchor': 'end' }, formatCosine(t, lang).replace(/0+$/, '').replace(/[.,]$/, '')),
    ),
  );
  const xLabels = Array.from({ length: points }, (_, i) =>
    svg('text', { x: geometry.x(i), y: box.height - box.bottom + 16, 'text-anchor': 'middle', class: 'x-label' }, layerTick(s, i)),
  );
  const curves = drawnSeries.map((ser, k) =>
    svg(
      'g',
      { class: `series ${ser.cls}` },
      svg('path', { d: geometry.paths[k], class: 'curve', fill: 'none' }),
      ...ser.values.map((v, i) =>
        Number.isFinite(v)
          ? svg('circle', { cx: geometry.x(i), cy: geometry.y(v), r: 3.5, class: 'point' }, svg('title', {}, `${ser.name} — ${stateName(s, i, points)}: ${formatCosine(v, lang)}`))
          : svg('g', {}),
      ),
    ),
  );
  const chart = svg(
    'svg',
    { class: 'cosine-chart', width: box.width, height: box.height, viewBox: `0 0 ${box.width} ${box.height}`, role: 'img', 'aria-labelledby': `${titleId} ${descId}` },
    svg('title', { id: titleId }, s.chartTitle),
    svg('desc', { id: descId }, format(s.chartDesc, payload.result.numLayers - 1)),
    ...grid,
    ...xLabels,
    svg('text', { x: (box.left + box.width - box.right) / 2, y: box.height - 6, 'text-anchor': 'middle', class: 'axis-title' }, s.axisLayer),
    svg('text', { x: 12, y: box.top + (box.height - box.top - box.bottom) / 2, 'text-anchor': 'middle', class: 'axis-title', transform: `rotate(-90 12 ${box.top + (box.height - box.top - box.bottom) / 2})` }, s.axisCosine),
    ...curves,
  );
  chartHost.replaceChildren(chart);
}

function valuesTable(s: Strings, series: Series[], numLayers: number): HTMLElement {
  const layers = Array.from({ length: numLayers + 1 }, (_, i) => i);
  return h(
    'details',
    { class: 'values' },
    h('summary', {}, s.tableTitle),
    h(
      'div',
      { class: 'values-scroll' },
      h(
        'table',
        { class: 'values-table' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, s.stateHeader), series.map((ser) => h('th', { scope: 'col' }, ser.name)))),
        h(
          'tbody',
          {},
          layers.map((i) => h('tr', {}, h('th', { scope: 'row' }, stateName(s, i, layers.length)), series.map((ser) => h('td', {}, formatCosine(ser.values[i] ?? NaN, lang))))),
        ),
      ),
    ),
  );
}

function nearest(s: Strings, payload: EmbeddingsPayload): HTMLElement {
  const { result } = payload;
  const block = (n: NearestTokens): HTMLElement => {
    const token = result.tokens[n.position];
    return h(
      'div',
      { class: 'nearest-block' },
      h('h3', { class: 'nearest-title', title: token?.token ?? '' }, format(s.nearestOf, token ? visible(payload.text.slice(token.start, token.end)) : '?', token ? String(token.id) : '?')),
      h(
        'ol',
        { class: 'nearest' },
        n.neighbours.map((nb) => {
          const bar = h('span', { class: 'nearest-fill' });
          bar.style.width = `${Math.max(0, Math.min(100, nb.cosine * 100))}%`;
          return h(
            'li',
            { 'aria-label': `${visible(nb.text)} ${s.cosine} ${formatCosine(nb.cosine, lang)}` },
            h('span', { class: 'nearest-token', title: `${nb.token} · id ${nb.id}` }, visible(nb.text)),
            h('span', { class: 'nearest-track', 'aria-hidden': 'true' }, bar),
            h('span', { class: 'nearest-value' }, formatCosine(nb.cosine, lang)),
          );
        }),
      ),
    );
  };
  return h('section', { class: 'nearest-section', 'aria-labelledby': 'nearest-title' }, h('h2', { class: 'section-title', id: 'nearest-title' }, s.nearestTitle), h('div', { class: 'nearest-grid' }, result.nearest.map(block)));
}

let resizeTimer: ReturnType<typeof setTimeout> | undefined;
new ResizeObserver(() => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(drawChart, 100);
}).observe(app);

if (state.payload) app.setAttribute('aria-busy', 'true');
client.ready();
