// The Attention side view: head view, heatmap, model view (layers × heads), summary statistics
// and position encodings of the text selected in the editor, for the active model. The host
// keeps the analysis; this page asks for the matrices it draws and reports what it drew.
import type { LocalizedStrings } from '../src/protocol/wire';
import type {
  AttentionOptions,
  AttentionPayload,
  AttentionSnapshot,
  AttentionStatus,
  AttentionStringKey,
  AttentionTab,
  AttentionViewChannel,
  AttentionWindowView,
  GridResult,
  HeadChoice,
  HeadStats,
  ImageFormat,
  PositionsResult,
} from '../src/protocol/attention';
import { css, headColor, readPalette, type Palette } from './attentionColors';
import { HeadView } from './attentionHeadView';
import { MatrixView } from './attentionMatrix';
import { renderGrid, renderPositions, renderSummary } from './attentionPanels';
import { byId, format, h, replaceChildren } from './dom';
import { HostClient } from './rpc';

interface ViewState {
  options: AttentionOptions;
  payload?: AttentionPayload;
  status?: AttentionStatus;
  snapshot?: AttentionSnapshot;
  positions: number;
  stat: keyof HeadStats;
}

const TABS: AttentionTab[] = ['heads', 'heatmap', 'model', 'summary', 'positions'];
const DEFAULT_OPTIONS: AttentionOptions = { tab: 'heatmap', layer: 0, head: 'mean', heads: [0], hideSpecial: false, mergeSubwords: false };

const client = new HostClient<AttentionViewChannel, ViewState>();
const app = byId('app');
let s: LocalizedStrings<AttentionStringKey> | undefined;
/** The head view's links per token (setting; 0: all). */
let headViewTopK = 5;
let state: ViewState = { positions: 64, stat: 'toPrevious', ...client.state, options: { ...DEFAULT_OPTIONS, ...client.state?.options } };
let palette: Palette = readPalette();
const paletteNow = (): Palette => palette;
let matrixView: MatrixView | undefined;
let headView: HeadView | undefined;
let positionViews: MatrixView[] = [];
let gridCache: { key: string; layers: GridResult[] } | undefined;
let drawSeq = 0;
let fromGrid = false;
/** The token under the editor's cursor (the host says), and the groups of the matrices drawn. */
let cursorToken: number | null = null;
let drawnGroups: number[][] | undefined;
/** The row (group) of the cursor's token focused in the view drawn, if any. */
let cursorRow: number | undefined;
/** False until the host sends an analysis: a payload restored from a previous session has no matrices behind it. */
let live = false;
const statusBox = h('div', { class: 'status-box', 'aria-live': 'polite' });
const content = h('div', { class: 'content' });
let toolbar: HTMLElement = h('div');
let header: HTMLElement = h('div');

function save(): void {
  client.state = state;
}

function setOptions(patch: Partial<AttentionOptions>, redraw = true): void {
  state.options = { ...state.options, ...patch };
  save();
  client.notify('options/didChange', state.options);
  if (redraw) render();
}

client.on('view/didInit', (init) => {
  s = init.strings;
  headViewTopK = init.headViewTopK;
  render();
});
/** Whether this page has told the host its options since it started. */
let toldOptions = false;
client.on('attention/didChange', (payload) => {
  const model = payload.model;
  const o = state.options;
  // Keep the layer and heads when they exist in the new model.
  const layer = Math.min(o.layer, model.numLayers - 1);
  const heads = o.heads.filter((x) => x < model.numHeads);
  const head = typeof o.head === 'number' && o.head >= model.numHeads ? 'mean' : o.head;
  live = true;
  const options = { ...o, layer, head, heads: heads.length ? heads : [0] };
  // Say the options only when the new model changed them, or once so the host knows them: with two
  // webviews open (the side view and the panel beside), both echoing on every text would make
  // them swap their options back and forth through the host, and a draw would never finish.
  const tell = !toldOptions || JSON.stringify(options) !== JSON.stringify(o);
  toldOptions = true;
  state = { ...state, payload, snapshot: undefined, options };
  gridCache = undefined;
  save();
  if (tell) client.notify('options/didChange', state.options);
  render();
});
client.on('status/didChange', (status) => {
  state.status = status;
  save();
  renderStatus();
});
client.on('snapshot/didOpen', (snapshot) => {
  state.snapshot = snapshot;
  save();
  render();
});
client.on('tab/didRequest', (patch) => {
  state.snapshot = undefined;
  setOptions(patch);
});
client.on('cursor/didMove', ({ token }) => {
  cursorToken = token;
  if (showCursor()) reportAgain();
});
client.on('layout/didChange', ({ compact }) => document.body.classList.toggle('compact', compact));
client.on('image/didRequest', ({ id, format: f }) => {
  const image = renderImage(f);
  client.notify('image/didRender', { id, format: f, data: image.data, name: image.name });
});

// Theme changes: VS Code swaps the body's class (vscode-light, vscode-dark, vscode-high-contrast).
new MutationObserver(() => {
  palette = readPalette();
  matrixView?.repaint();
  headView?.repaint();
  positionViews.forEach((v) => v.repaint());
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

function renderStatus(): void {
  const st = state.status;
  if (!s) return;
  app.setAttribute('aria-busy', st?.kind === 'loading' ? 'true' : 'false');
  if (!st || st.kind === 'ready') {
    replaceChildren(statusBox);
    return;
  }
  const choose = h('button', { class: 'primary' }, s.chooseModel);
  choose.addEventListener('click', () => client.notify('model/choose', {}));
  if (st.kind === 'loading') {
    replaceChildren(statusBox, h('div', { class: 'progress', role: 'progressbar', 'aria-label': st.message }, h('div', { class: 'progress-bar' })), h('p', { class: 'muted' }, st.message));
  } else if (st.kind === 'error') {
    replaceChildren(statusBox, h('p', { class: 'error', role: 'alert' }, st.message), choose);
  } else if (st.kind === 'noModel') {
    replaceChildren(statusBox, h('p', { class: 'note' }, st.message), choose);
  } else {
    replaceChildren(statusBox, h('p', { class: 'muted' }, st.message));
  }
}

function render(): void {
  if (!s) return;
  renderStatus();
  if (state.snapshot) {
    renderSnapshot(state.snapshot);
    return;
  }
  const payload = state.payload;
  if (!payload || !live) {
    // No analysed text yet: the status, and the position encodings when they were asked for.
    const positions = state.options.tab === 'positions';
    replaceChildren(app, payload ? renderHeader(payload) : null, statusBox, positions ? content : null);
    if (positions) {
      const seq = ++drawSeq;
      positionViews = [];
      void drawPositions(() => seq !== drawSeq, 0).catch((e: unknown) => replaceChildren(content, h('p', { class: 'error', role: 'alert' }, e instanceof Error ? e.message : String(e))));
    }
    return;
  }
  header = renderHeader(payload);
  // Re-rendering replaces the controls: give the keyboard focus back to the one that had it.
  const focused = document.activeElement?.id;
  toolbar = renderToolbar(payload);
  replaceChildren(app, header, statusBox, toolbar, content, renderExports(payload));
  if (focused) document.getElementById(focused)?.focus();
  void drawTab(payload);
}

function renderHeader(payload: AttentionPayload): HTMLElement {
  const str = s!;
  const m = payload.model;
  return h(
    'header',
    { class: 'view-header' },
    h('span', { class: 'source' }, payload.source),
    h('span', { class: 'stat' }, format(str.tokens, payload.tokens.length)),
    h('span', { class: 'stat model-name' }, format(str.modelInfo, m.label, m.numLayers, m.numHeads)),
    payload.window ? h('p', { class: 'note window-note' }, windowNote(payload.window)) : null,
    h('p', { class: 'model-note muted small' }, m.causal ? str.causalNote : str.bidirectionalNote),
  );
}

/** "Showing tokens 1,201–2,224 of 5,310 (lines 40–61), around the cursor…". */
function windowNote(w: AttentionWindowView): string {
  const str = s!;
  const lines = w.fromLine === w.toLine ? format(str.windowLine, w.fromLine) : format(str.windowLines, w.fromLine, w.toLine);
  return w.more ? format(str.windowMore, w.lastToken - w.firstToken + 1, lines, w.totalTokens) : format(str.window, w.firstToken, w.lastToken, w.totalTokens, lines);
}

function select(id: string, label: string, values: Array<[string, string]>, value: string, onChange: (v: string) => void): HTMLElement {
  const el = h('select', { id, 'aria-label': label });
  for (const [v, text] of values) el.append(h('option', { value: v, selected: v === value }, text));
  el.addEventListener('change', () => onChange(el.value));
  return h('label', { class: 'field', for: id }, h('span', { class: 'field-label' }, label), el);
}

/** A checkbox whose explanation (how the matrix is changed) shows while it is on, and always as its tooltip. */
function checkbox(id: string, label: string, hint: string, checked: boolean, onChange: (v: boolean) => void): HTMLElement {
  const input = h('input', { type: 'checkbox', id, checked, 'aria-describedby': `${id}-hint` });
  input.addEventListener('change', () => onChange(input.checked));
  return h(
    'div',
    { class: 'toggle' },
    h('label', { class: 'check', for: id, title: hint }, input, label),
    h('span', { class: `hint-inline small muted${checked ? '' : ' visually-hidden'}`, id: `${id}-hint` }, hint),
  );
}

function renderToolbar(payload: AttentionPayload): HTMLElement {
  const str = s!;
  const o = state.options;
  const m = payload.model;
  const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': str.tabsLabel });
  const names: Record<AttentionTab, string> = { heads: str.tabHeads, heatmap: str.tabHeatmap, model: str.tabModel, summary: str.tabSummary, positions: str.tabPositions };
  for (const tab of TABS) {
    const b = h('button', { class: `tab${tab === o.tab ? ' active' : ''}`, role: 'tab', 'aria-selected': tab === o.tab ? 'true' : 'false', tabindex: tab === o.tab ? 0 : -1, id: `tab-${tab}` }, names[tab]);
    b.addEventListener('click', () => ((fromGrid = false), setOptions({ tab })));
    tabs.append(b);
  }
  tabs.addEventListener('keydown', (e) => {
    const k = TABS.indexOf(o.tab);
    const next = e.key === 'ArrowRight' ? TABS[(k + 1) % TABS.length] : e.key === 'ArrowLeft' ? TABS[(k + TABS.length - 1) % TABS.length] : undefined;
    if (next) {
      e.preventDefault();
      setOptions({ tab: next });
      document.getElementById(`tab-${next}`)?.focus();
    }
  });
  const controls = h('div', { class: 'controls' });
  const toggles = h('div', { class: 'controls toggles' });
  if (o.tab === 'heads' || o.tab === 'heatmap') {
    controls.append(select('layer', str.layer, Array.from({ length: m.numLayers }, (_, l) => [String(l), String(l)]), String(o.layer), (v) => setOptions({ layer: Number(v) })));
  }
  if (o.tab === 'heatmap') {
    const values: Array<[string, string]> = [['mean', str.mean], ['rollout', str.rollout], ...Array.from({ length: m.numHeads }, (_, hd): [string, string] => [String(hd), format(str.headLabel, hd)])];
    controls.append(select('head', str.head, values, String(o.head), (v) => setOptions({ head: v === 'mean' || v === 'rollout' ? v : Number(v) })));
  }
  if (o.tab === 'heads') {
    const group = h('fieldset', { class: 'head-picks' }, h('legend', { class: 'field-label' }, str.heads));
    for (let hd = 0; hd < m.numHeads; hd++) {
      const input = h('input', { type: 'checkbox', id: `pick-${hd}`, checked: o.heads.includes(hd) });
      input.addEventListener('change', () => {
        const heads = input.checked ? [...new Set([...state.options.heads, hd])].sort((a, b) => a - b) : state.options.heads.filter((x) => x !== hd);
        setOptions({ heads: heads.length ? heads : [hd] });
      });
      const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
      swatch.style.background = css(headColor(palette, hd));
      group.append(h('label', { class: 'check head-pick', for: `pick-${hd}`, title: format(str.headLabel, hd) }, input, swatch, String(hd)));
    }
    const all = h('button', {}, str.allHeads);
    all.addEventListener('click', () => setOptions({ heads: Array.from({ length: m.numHeads }, (_, hd) => hd) }));
    group.append(all);
    controls.append(group);
  }
  if (o.tab !== 'positions' && o.tab !== 'summary') {
    toggles.append(
      checkbox('hide-special', str.hideSpecial, str.hideSpecialHint, o.hideSpecial, (v) => setOptions({ hideSpecial: v })),
      checkbox('merge-subwords', str.mergeSubwords, str.mergeSubwordsHint, o.mergeSubwords, (v) => setOptions({ mergeSubwords: v })),
    );
  }
  if (o.tab === 'heatmap') {
    const zoom = h('div', { class: 'zoom', role: 'group', 'aria-label': format(str.zoom, '') });
    for (const [label, act] of [[str.zoomOut, () => matrixView?.zoomBy(-1)], [str.zoomReset, () => matrixView?.fit()], [str.zoomIn, () => matrixView?.zoomBy(1)]] as Array<[string, () => void]>) {
      const b = h('button', { 'aria-label': label, title: label }, label === str.zoomIn ? '+' : label === str.zoomOut ? '−' : label);
      b.addEventListener('click', act);
      zoom.append(b);
    }
    controls.append(zoom);
  }
  if (o.tab === 'heatmap' || o.tab === 'heads') {
    // The step-by-step panel follows one head: the heatmap's, or the first one drawn in the head view.
    const head = o.tab === 'heatmap' ? (typeof o.head === 'number' ? o.head : 0) : (o.heads[0] ?? 0);
    const steps = h('button', { id: 'open-steps', class: 'small-button', title: str.stepByStepHint }, str.stepByStep);
    steps.addEventListener('click', () => client.notify('steps/open', { layer: o.layer, head }));
    controls.append(steps);
  }
  return h('div', { class: 'attention-toolbar' }, tabs, controls, toggles.childElementCount ? toggles : null);
}

/** Save as PNG / SVG / snapshot: small buttons under the view. */
function renderExports(payload: AttentionPayload): HTMLElement {
  const str = s!;
  const exports = h('div', { class: 'exports' });
  for (const [text, label, act] of [
    ['PNG', str.savePng, () => saveImage('png')],
    ['SVG', str.saveSvg, () => saveImage('svg')],
    ['JSON', str.saveSnapshot, () => void client.request('snapshot/save', { ...state.options, analysis: payload.analysis }).catch(() => undefined)],
  ] as Array<[string, string, () => void]>) {
    const b = h('button', { class: 'small-button', title: label, 'aria-label': label }, `⤓ ${text}`);
    b.addEventListener('click', act);
    exports.append(b);
  }
  return exports;
}

function saveImage(f: ImageFormat): void {
  const image = renderImage(f);
  void client.request('image/save', { format: f, data: image.data, name: image.name }).catch(() => undefined);
}

function headName(head: HeadChoice): string {
  return head === 'mean' ? s!.mean : head === 'rollout' ? s!.rollout : format(s!.headLabel, head);
}

function caption(): string {
  const p = state.payload;
  const o = state.options;
  return p ? `${p.model.label} — ${s!.layer} ${o.layer} — ${o.tab === 'heads' ? o.heads.map((x) => format(s!.headLabel, x)).join(', ') : headName(o.head)}` : '';
}

function renderImage(f: ImageFormat): { data: string; name: string } {
  const o = state.options;
  const label = (state.payload?.model.label ?? 'attention').replace(/[^\w.-]+/g, '_');
  const name = `${label}-${o.tab}-L${o.layer}-${typeof o.head === 'number' ? `H${o.head}` : o.head}`;
  const text = state.snapshot ? `${state.snapshot.model.label} — ${state.snapshot.layer}` : caption();
  if (o.tab === 'heads' && headView && !state.snapshot) return { data: f === 'png' ? headView.toPng(text) : headView.toSvg(text), name };
  const view = o.tab === 'positions' && !state.snapshot ? positionViews[0] : matrixView;
  if (view) return { data: f === 'png' ? view.toPng(text) : view.toSvg(text), name };
  // Model view and summary: the page's canvases are thumbnails; export the first as a picture of the grid.
  const canvas = document.querySelector('canvas');
  const png = canvas ? canvas.toDataURL('image/png') : document.createElement('canvas').toDataURL('image/png');
  return { data: f === 'png' ? png : `<svg xmlns="http://www.w3.org/2000/svg"><image href="${png}"/></svg>`, name };
}

async function drawTab(payload: AttentionPayload): Promise<void> {
  const str = s!;
  const o = state.options;
  const seq = ++drawSeq;
  const stale = (): boolean => seq !== drawSeq || state.payload?.analysis !== payload.analysis;
  matrixView = undefined;
  headView = undefined;
  drawnGroups = undefined;
  cursorRow = undefined;
  positionViews = [];
  // Until the matrices arrive (the model view and the summary take a moment at 512 tokens).
  replaceChildren(content, h('div', { class: 'progress', role: 'progressbar', 'aria-label': caption() }, h('div', { class: 'progress-bar' })));
  try {
    if (o.tab === 'heatmap' || o.tab === 'heads') {
      const heads: HeadChoice[] = o.tab === 'heatmap' ? [o.head] : o.heads;
      const r = await client.request('attention/matrices', { analysis: payload.analysis, layer: o.layer, heads, hideSpecial: o.hideSpecial, mergeSubwords: o.mergeSubwords });
      if (stale()) return;
      if (o.tab === 'heads') {
        const view = new HeadView(paletteNow, (a, b, w) => format(str.focusedToken, a, b, w.toFixed(3)), str.noFocus);
        headView = view;
        const topK = headViewTopK > 0 && headViewTopK < r.n ? h('p', { class: 'hint small muted' }, format(str.topKNote, headViewTopK)) : null;
        replaceChildren(content, h('p', { class: 'hint' }, str.headViewHelp), topK, view.element);
        view.set({ n: r.n, labels: r.labels, special: r.special, heads: o.heads, matrices: r.matrices, topK: headViewTopK, ariaLabel: caption() });
        drawnGroups = r.groups;
        showCursor();
        report(payload, r.n, r.labels, undefined);
        return;
      }
      const view = new MatrixView(paletteNow, str.legend, (z) => format(str.zoom, z), undefined, str.minimap);
      matrixView = view;
      const back = fromGrid ? h('button', { class: 'back' }, str.back) : null;
      back?.addEventListener('click', () => ((fromGrid = false), setOptions({ tab: 'model' })));
      replaceChildren(
        content,
        back,
        h('div', { class: 'axis-labels small muted' }, h('span', {}, `↓ ${str.from}`), h('span', {}, `→ ${str.to}`)),
        view.element,
        // The help under the map: the map starts higher, within the first screen of a panel.
        h('p', { class: 'hint heatmap-help' }, o.head === 'rollout' ? str.rolloutHelp : str.heatmapHelp),
      );
      view.set({
        rows: r.n,
        cols: r.n,
        data: r.matrices[0],
        rowLabels: r.labels,
        colLabels: r.labels,
        kind: 'sequential',
        ariaLabel: `${caption()} — ${str.heatmapHelp}`,
        describe: (i, j, v) => format(str.valueAt, r.labels[i], r.labels[j], v.toFixed(4)),
      });
      drawnGroups = r.groups;
      requestAnimationFrame(() => {
        if (stale()) return;
        showCursor();
        report(payload, r.n, r.labels, view);
      });
    } else if (o.tab === 'model' || o.tab === 'summary') {
      const open = (layer: number, head: number): void => {
        fromGrid = o.tab === 'model';
        setOptions({ tab: 'heatmap', layer, head });
      };
      const { numLayers, numHeads } = payload.model;
      // The model view shows every layer as it comes (the host computes one layer's thumbnails at a time).
      const grid = o.tab === 'model' ? renderGrid(numLayers, numHeads, str, palette, open) : undefined;
      if (grid) replaceChildren(content, h('p', { class: 'hint' }, str.modelViewHelp), grid.element);
      const layers = await loadGrid(payload, o, stale, (l, g) => grid?.fill(l, g.side, g.thumbs, g.stats[0] ?? []));
      if (!layers) return;
      if (!grid) replaceChildren(content, renderSummary(layers.map((g) => g.stats[0] ?? []), str, palette, state.stat, (k) => ((state.stat = k), save(), render()), open));
      report(payload, 0, [], undefined);
    } else {
      await drawPositions(stale, payload.analysis);
    }
  } catch (e) {
    if (!stale()) replaceChildren(content, h('p', { class: 'error', role: 'alert' }, e instanceof Error ? e.message : String(e)));
  }
}

/**
 * The model view's thumbnails and statistics, layer by layer (`onLayer` as each comes), kept for
 * the text and grouping; `undefined` when a newer draw started meanwhile.
 */
async function loadGrid(payload: AttentionPayload, o: AttentionOptions, stale: () => boolean, onLayer: (layer: number, g: GridResult) => void): Promise<GridResult[] | undefined> {
  const key = `${payload.analysis}|${o.hideSpecial}|${o.mergeSubwords}`;
  const layers = gridCache?.key === key ? gridCache.layers : [];
  gridCache = { key, layers };
  for (let l = 0; l < payload.model.numLayers; l++) {
    layers[l] ??= await client.request('attention/grid', { analysis: payload.analysis, hideSpecial: o.hideSpecial, mergeSubwords: o.mergeSubwords, max: 48, layer: l });
    if (stale()) return undefined;
    onLayer(l, layers[l]);
  }
  return layers;
}

/** Focuses the row of the cursor's token in the heatmap (in the head view: scrolls to it); whether one is drawn there. */
function showCursor(): boolean {
  const view = matrixView ?? headView;
  if (!view || !drawnGroups || state.snapshot) return false;
  const g = cursorToken === null ? -1 : drawnGroups.findIndex((members) => members.includes(cursorToken!));
  cursorRow = g >= 0 ? g : undefined;
  if (matrixView) matrixView.showRow(cursorRow);
  else headView?.revealToken(cursorRow);
  return true;
}

/** Says the draw again after the cursor's row moved (tests wait for the row). */
function reportAgain(): void {
  const p = state.payload;
  if (!p || !drawnGroups) return;
  const o = state.options;
  if (o.tab !== 'heatmap' && o.tab !== 'heads') return;
  report(p, drawnGroups.length, lastLabels, matrixView);
}

/** The Positions tab: it needs no analysed text, only the model (for its learned table). */
async function drawPositions(stale: () => boolean, analysis: number): Promise<void> {
  const str = s!;
  const count = h('input', { type: 'number', id: 'positions-count', min: 2, max: 512, value: state.positions, 'aria-label': str.positionsCount });
  count.addEventListener('change', () => {
    state.positions = Math.max(2, Math.min(512, Number(count.value) || 64));
    save();
    render();
  });
  replaceChildren(content, h('label', { class: 'field', for: 'positions-count' }, h('span', { class: 'field-label' }, str.positionsCount), count));
  const r: PositionsResult = await client.request('positions/get', { count: state.positions });
  if (stale()) return;
  content.append(renderPositions(r, str, paletteNow, positionViews));
  const o = state.options;
  client.notify('view/didDraw', { tab: 'positions', analysis, layer: o.layer, head: o.head, hideSpecial: o.hideSpecial, mergeSubwords: o.mergeSubwords, n: r.count, labels: [], upperSum: 0, lowerSum: 0, upperPainted: 0, lowerPainted: 0 });
}

let lastLabels: string[] = [];

function report(payload: AttentionPayload, n: number, labels: string[], view: MatrixView | undefined): void {
  const o = state.options;
  lastLabels = labels;
  const pixels = view?.report() ?? { upperSum: 0, lowerSum: 0, upperPainted: 0, lowerPainted: 0 };
  const row = (o.tab === 'heatmap' || o.tab === 'heads') && cursorRow !== undefined ? { cursorRow } : {};
  client.notify('view/didDraw', { tab: o.tab, analysis: payload.analysis, layer: o.layer, head: o.head, hideSpecial: o.hideSpecial, mergeSubwords: o.mergeSubwords, n, labels, ...pixels, ...row });
}

function renderSnapshot(snap: AttentionSnapshot): void {
  const str = s!;
  const n = snap.tokens.length;
  const data = new Float32Array(n * n);
  snap.weights.forEach((row, i) => data.set(row, i * n));
  const back = h('button', {}, str.backToLive);
  back.addEventListener('click', () => {
    state.snapshot = undefined;
    save();
    render();
  });
  const png = h('button', {}, str.savePng);
  png.addEventListener('click', () => saveImage('png'));
  const view = new MatrixView(paletteNow, str.legend, (z) => format(str.zoom, z));
  matrixView = view;
  const head = snap.head === 'mean' ? str.mean : snap.head === 'rollout' ? str.rollout : format(str.headLabel, snap.head);
  replaceChildren(
    app,
    h('p', { class: 'note snapshot-banner' }, format(str.snapshotOf, snap.model.label, snap.layer, head, new Date(snap.created).toLocaleString(document.documentElement.lang || undefined))),
    h('div', { class: 'attention-toolbar' }, back, png),
    h('p', { class: 'mono small' }, snap.text),
    view.element,
  );
  view.set({ rows: n, cols: n, data, rowLabels: snap.tokens, colLabels: snap.tokens, kind: 'sequential', ariaLabel: snap.text, describe: (i, j, v) => format(str.valueAt, snap.tokens[i], snap.tokens[j], v.toFixed(4)) });
}

client.ready();
