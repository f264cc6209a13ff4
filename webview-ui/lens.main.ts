// The Logit Lens panel: a grid of layers (rows: the embeddings, then each layer; the last is the
// model's output) × positions (columns), each cell the top-1 token read through the output head,
// its background the probability; the cell where the final top-1 first appears is outlined.
// Hovering or focusing a cell shows its top 5 and the probability and rank of the real token.
import type { LocalizedStrings } from '../src/protocol/wire';
import type { LensCell, LensChannel, LensPanelState, LensPayload, LensStringKey } from '../src/protocol/lens';
import { byId, format, h, replaceChildren } from './dom';
import { stateLabel } from './layerLabels';
import { legendStops, moveInGrid, probabilityShade, shortText } from './lensScale';
import { barList, percent, visible } from './probBars';
import { HostClient } from './rpc';

type Strings = LocalizedStrings<LensStringKey>;

const client = new HostClient<LensChannel, LensPanelState>();
const app = byId('app');
let strings: Strings | undefined;
let state: LensPanelState = client.state ?? {};

client.on('panel/didInit', (init) => {
  strings = init.strings;
  render();
});
client.on('result/didChange', (payload) => {
  state = { payload };
  client.state = state;
  render();
});

/** Cell text: the first characters of the token (the whole one is in the detail box). */
const CELL_CHARS = 10;

/** What one grid shows, computed once per payload. */
interface Grid {
  payload: LensPayload;
  rowLabels: string[];
  columnLabels: string[];
  cells: HTMLTableCellElement[][];
  detail: HTMLElement;
  focused: { row: number; column: number };
}
let grid: Grid | undefined;

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
  const rows = result.cells.length;
  const rowLabels = result.cells.map((_, r) =>
    stateLabel(r, rows, { embeddings: s.rowEmbeddings, after: (layer) => format(s.rowLayer, layer), output: (layer) => format(s.rowOutput, layer) }),
  );
  const columnLabels = result.positions.map((_, c) => columnLabel(s, payload, c));
  const detail = h('div', { class: 'lens-detail', role: 'status', 'aria-live': 'polite', hidden: true });
  const table = lensTable(s, payload, rowLabels, columnLabels);
  grid = { payload, rowLabels, columnLabels, cells: [...table.tBodies[0].rows].map((tr) => [...tr.cells] as HTMLTableCellElement[]), detail, focused: { row: rows - 1, column: 0 } };
  grid.cells[rows - 1]?.[0]?.setAttribute('tabindex', '0');
  replaceChildren(
    app,
    h('h1', { class: 'panel-title' }, s.title),
    h('p', { class: 'muted model-line' }, format(s.model, payload.model.label, payload.model.family)),
    h('p', { class: 'intro' }, result.kind === 'causal' ? s.introCausal : s.introMasked),
    h('p', { class: 'caveat note', role: 'note' }, s.caveat),
    maskedLines(s, payload),
    payload.cut ? h('p', { class: 'note' }, format(s.cut, payload.cut.tokens, payload.cut.limit)) : null,
    legend(s),
    h('div', { class: 'lens-scroll' }, table),
    detail,
    h('p', { class: 'hint' }, s.keyboardHelp),
  );
  attachGridEvents(table);
  requestAnimationFrame(() =>
    client.notify('view/didDraw', {
      drawId: payload.drawId,
      rows: table.tBodies[0].rows.length,
      columns: result.positions.length,
      cells: table.querySelectorAll('td.lens-cell').length,
      firstFinal: table.querySelectorAll('td.first-final').length,
      caveat: app.querySelector('.caveat') !== null,
    }),
  );
}

/** The text of token `position` as the model read it. */
function tokenText(payload: LensPayload, position: number): string {
  const t = payload.result.tokens[position];
  if (!t) return '';
  const read = payload.result.masked?.readText ?? payload.text;
  return t.special || t.end <= t.start ? t.token : read.slice(t.start, t.end);
}

function columnLabel(s: Strings, payload: LensPayload, c: number): string {
  const { result } = payload;
  const position = result.positions[c];
  if (result.kind === 'causal') {
    const next = result.cells[result.cells.length - 1]?.[c]?.target;
    const input = visible(tokenText(payload, position));
    return next ? format(s.columnCausal, input, visible(next.text)) : format(s.columnLast, input);
  }
  const was = result.cells[0]?.[c]?.target;
  return was ? format(s.columnMaskOf, c + 1, visible(was.text)) : format(s.columnMask, c + 1);
}

function maskedLines(s: Strings, payload: LensPayload): HTMLElement | null {
  const { result } = payload;
  if (result.kind !== 'masked') return null;
  if (!result.masked) return h('p', { class: 'masked-info' }, format(s.maskCount, result.positions.length));
  const m = result.masked;
  return h(
    'div',
    { class: 'masked-info' },
    h('p', {}, format(s.maskedWord, m.text, m.start, m.end, m.maskCount)),
    h('p', { class: 'read-text' }, format(s.readText, m.readText)),
  );
}

function legend(s: Strings): HTMLElement {
  const stops = legendStops().map((stop) => {
    const swatch = h('span', { class: 'legend-swatch' }, `${Math.round(stop.prob * 100)} %`);
    swatch.style.setProperty('--shade', `${stop.shade}%`);
    return swatch;
  });
  return h(
    'div',
    { class: 'lens-legend' },
    h('span', { class: 'legend-label' }, s.legend),
    h('span', { class: 'legend-scale', 'aria-hidden': 'true' }, stops),
    h('span', { class: 'legend-first' }, h('span', { class: 'legend-outline', 'aria-hidden': 'true' }), s.legendFirst),
  );
}

function lensTable(s: Strings, payload: LensPayload, rowLabels: string[], columnLabels: string[]): HTMLTableElement {
  const { result } = payload;
  const header = h(
    'tr',
    {},
    h('th', { class: 'corner', scope: 'col' }, ''),
    result.positions.map((position, c) => {
      const label = columnLabels[c];
      const input = result.kind === 'causal' ? visible(tokenText(payload, position)) : format(s.columnMask, c + 1);
      const below = result.kind === 'causal' ? result.cells[result.cells.length - 1]?.[c]?.target : result.cells[0]?.[c]?.target;
      return h(
        'th',
        { scope: 'col', class: 'column-head', title: label, 'aria-label': label },
        h('span', { class: 'column-input' }, shortText(input, CELL_CHARS)),
        h('span', { class: 'column-next' }, below ? `${result.kind === 'causal' ? '→' : '='} ${shortText(visible(below.text), CELL_CHARS)}` : result.kind === 'causal' ? '∎' : ''),
      );
    }),
  );
  const body = result.cells.map((row, r) =>
    h(
      'tr',
      { class: r === result.cells.length - 1 ? 'output-row' : '' },
      h('th', { scope: 'row', class: 'row-head' }, rowLabels[r]),
      row.map((cell, c) => lensCell(s, cell, r, c, result.firstFinal[c] === r, rowLabels[r], columnLabels[c])),
    ),
  );
  return h('table', { class: 'lens-grid', role: 'grid', 'aria-label': s.gridLabel }, h('thead', {}, header), h('tbody', {}, body));
}

function lensCell(s: Strings, cell: LensCell, row: number, column: number, first: boolean, rowLabel: string, columnLabel: string): HTMLTableCellElement {
  const top = cell.top[0];
  const text = top ? visible(top.text) : '';
  const label = format(s.cellLabel, rowLabel, columnLabel, text, top ? percent(top.prob) : '0') + (first ? ` — ${s.firstFinal}` : '');
  const td = h('td', { class: `lens-cell${first ? ' first-final' : ''}`, role: 'gridcell', tabindex: -1, 'data-row': row, 'data-column': column, 'data-id': top?.id ?? -1, 'aria-label': label }, shortText(text, CELL_CHARS));
  td.style.setProperty('--shade', `${probabilityShade(top?.prob ?? 0)}%`);
  return td;
}

function attachGridEvents(table: HTMLTableElement): void {
  const at = (target: EventTarget | null): { row: number; column: number; td: HTMLElement } | undefined => {
    const td = target instanceof Element ? target.closest<HTMLElement>('td.lens-cell') : null;
    if (!td) return undefined;
    return { row: Number(td.dataset.row), column: Number(td.dataset.column), td };
  };
  table.addEventListener('mouseover', (e) => {
    const cell = at(e.target);
    if (cell) showDetail(cell.row, cell.column, cell.td);
  });
  table.addEventListener('mouseleave', () => {
    const active = document.activeElement;
    const focused = active instanceof HTMLElement && table.contains(active) ? at(active) : undefined;
    if (focused) showDetail(focused.row, focused.column, focused.td);
    else hideDetail();
  });
  table.addEventListener('focusin', (e) => {
    const cell = at(e.target);
    if (cell) showDetail(cell.row, cell.column, cell.td);
  });
  table.addEventListener('focusout', (e) => {
    if (!(e.relatedTarget instanceof Node && table.contains(e.relatedTarget))) hideDetail();
  });
  table.addEventListener('keydown', (e) => {
    const cell = at(e.target);
    if (!cell || !grid) return;
    const next = moveInGrid(cell, e.key, grid.cells.length, grid.payload.result.positions.length);
    if (!next) {
      if (e.key === 'Escape') hideDetail();
      return;
    }
    e.preventDefault();
    focusCell(next.row, next.column);
  });
}

function focusCell(row: number, column: number): void {
  if (!grid) return;
  const target = grid.cells[row]?.[column];
  if (!target) return;
  grid.cells[grid.focused.row]?.[grid.focused.column]?.setAttribute('tabindex', '-1');
  target.setAttribute('tabindex', '0');
  grid.focused = { row, column };
  target.focus();
  target.scrollIntoView({ block: 'nearest', inline: 'nearest' });
}

function hideDetail(): void {
  if (grid) grid.detail.hidden = true;
}

/** The detail box of cell (row, column), placed beside `anchor` inside the window. */
function showDetail(row: number, column: number, anchor: HTMLElement): void {
  const s = strings;
  if (!grid || !s) return;
  const { result } = grid.payload;
  const cell = result.cells[row]?.[column];
  if (!cell) return;
  const target = cell.target;
  const lastColumn = result.kind === 'causal' && !target;
  grid.detail.hidden = false;
  replaceChildren(
    grid.detail,
    h('p', { class: 'detail-title' }, `${grid.rowLabels[row]} · ${grid.columnLabels[column]}`),
    result.firstFinal[column] === row ? h('p', { class: 'detail-first' }, s.firstFinal) : null,
    barList(
      cell.top.map((c, i) => ({ label: c.text, token: c.token, prob: c.prob, rank: i + 1, marked: target !== undefined && c.id === target.id })),
      { label: format(s.top, cell.top.length) },
    ),
    target
      ? h(
          'p',
          { class: 'detail-target' },
          h('span', { class: 'detail-target-label' }, result.kind === 'causal' ? s.targetCausal : s.targetMasked),
          ' ',
          format(s.target, visible(target.text), percent(target.prob), target.rank),
        )
      : lastColumn
        ? h('p', { class: 'detail-target muted' }, s.noTarget)
        : null,
  );
  const box = anchor.getBoundingClientRect();
  const detail = grid.detail;
  const width = Math.min(340, window.innerWidth - 16);
  detail.style.width = `${width}px`;
  detail.style.left = `${Math.max(8, Math.min(box.left, window.innerWidth - width - 8))}px`;
  const below = box.bottom + 6;
  const height = detail.offsetHeight;
  detail.style.top = `${below + height <= window.innerHeight - 8 ? below : Math.max(8, box.top - height - 6)}px`;
}

if (state.payload) app.setAttribute('aria-busy', 'true');
client.ready();
