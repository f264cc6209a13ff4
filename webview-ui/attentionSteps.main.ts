// "Attention, step by step": one query token i of one head, through the formula of the course
// with the model's own numbers — 1. x_i, 2. q_i, k_j, v_j, 3. q_i·k_j, ÷√d_k, mask, softmax
// (checked against the model's row), 4. Σ_j a_ij v_j, the heads concatenated and projected — and
// the same query in every head of the layer. The host computes; this page draws and reports.
import type { LocalizedStrings } from '../src/protocol/wire';
import type {
  AttentionStepsChannel,
  AttentionStepsPanelState,
  AttentionStepsPayload,
  AttentionStepsStatus,
  AttentionStepsStringKey,
  StepsSelection,
} from '../src/protocol/attentionSteps';
import { readPalette, type Palette } from './attentionColors';
import { byId, format, h, replaceChildren } from './dom';
import { numberFormatter } from './numberFormat';
import { HostClient } from './rpc';
import { allHeadsSection, scoresSection, tokenLabel, type StepsView } from './attentionStepsTables';
import { maxAbsOf, numberList, vectorStrip } from './vectorStrip';

/** The check of the issue: the recomputed softmax equals the model's row within this. */
const TOLERANCE = 1e-5;

const client = new HostClient<AttentionStepsChannel, AttentionStepsPanelState>();
const app = byId('app');
const fmt = numberFormatter(document.documentElement.lang);
let strings: LocalizedStrings<AttentionStepsStringKey> | undefined;
let state: AttentionStepsPanelState = client.state ?? {};
let status: AttentionStepsStatus = { kind: 'ready' };
let palette: Palette = readPalette('editor');
const statusBox = h('div', { class: 'status-box', 'aria-live': 'polite' });

client.on('panel/didInit', (init) => {
  strings = init.strings;
  render();
});
client.on('steps/didChange', (payload) => {
  state = { payload };
  client.state = state;
  render();
});
client.on('status/didChange', (s) => {
  status = s;
  renderStatus();
});

// Theme changes: VS Code swaps the body's class; the strips take their colours from the theme.
new MutationObserver(() => {
  palette = readPalette('editor');
  render();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

function select(selection: StepsSelection): void {
  app.setAttribute('aria-busy', 'true');
  void client.request('steps/select', selection).catch((e: unknown) => {
    status = { kind: 'error', message: e instanceof Error ? e.message : String(e) };
    renderStatus();
  });
}

function renderStatus(): void {
  app.setAttribute('aria-busy', status.kind === 'loading' ? 'true' : 'false');
  if (status.kind === 'ready') replaceChildren(statusBox);
  else if (status.kind === 'loading') replaceChildren(statusBox, h('p', { class: 'muted' }, status.message));
  else replaceChildren(statusBox, h('p', { class: 'error', role: 'alert' }, status.message));
}

function render(): void {
  const s = strings;
  if (!s) return;
  renderStatus();
  const payload = state.payload;
  if (!payload) {
    replaceChildren(app, h('h1', { class: 'panel-title' }, s.title), statusBox, h('p', { class: 'muted' }, s.loading));
    return;
  }
  const focused = document.activeElement?.id;
  const view: StepsView = { s, p: payload, r: payload.result, fmt, palette, select };
  replaceChildren(
    app,
    header(view),
    statusBox,
    toolbar(view),
    h('p', { class: 'intro' }, s.intro),
    inputSection(view),
    qkvSection(view),
    scoresSection(view, TOLERANCE),
    outputSection(view),
    allHeadsSection(view),
  );
  if (focused) document.getElementById(focused)?.focus();
  report(payload);
}

function header({ s, p, r }: StepsView): HTMLElement {
  return h(
    'header',
    { class: 'steps-header' },
    h('h1', { class: 'panel-title' }, s.title),
    h('p', { class: 'muted model-line' }, format(s.model, p.model.label, p.model.family), ' · ', format(s.source, p.source, r.tokens.length)),
  );
}

function toolbar(v: StepsView): HTMLElement {
  const { s, r } = v;
  const picker = (id: string, label: string, count: number, value: number, name: (k: number) => string, change: (k: number) => void): HTMLElement => {
    const el = h('select', { id, 'aria-label': label });
    for (let k = 0; k < count; k++) el.append(h('option', { value: k, selected: k === value }, name(k)));
    el.addEventListener('change', () => change(Number(el.value)));
    return h('label', { class: 'field', for: id }, h('span', { class: 'field-label' }, label), el);
  };
  const tokens = h('div', { class: 'token-row', role: 'group', 'aria-label': s.query });
  r.tokens.forEach((t, j) => {
    const after = v.p.model.causal && j > r.query;
    const b = h('button', { class: `token${j === r.query ? ' is-query' : ''}${after ? ' after' : ''}${t.special ? ' special' : ''}`, id: `token-${j}`, 'data-index': j, 'aria-pressed': j === r.query ? 'true' : 'false', title: `${j}: ${t.token}` }, tokenLabel(v.p, j));
    b.addEventListener('click', () => select({ layer: r.layer, head: r.head, query: j }));
    tokens.append(b);
  });
  return h(
    'div',
    { class: 'steps-toolbar' },
    h(
      'div',
      { class: 'pickers' },
      picker('layer', s.layer, r.numLayers, r.layer, String, (layer) => select({ layer, head: r.head, query: r.query })),
      picker('head', s.head, r.numHeads, r.head, (k) => format(s.headLabel, k), (head) => select({ layer: r.layer, head, query: r.query })),
    ),
    h('div', { class: 'query-pick' }, h('span', { class: 'field-label' }, s.query), tokens, h('p', { class: 'hint small' }, s.queryHint)),
  );
}

function stage(title: string, formula: string, help: string | null, ...body: Array<Node | null>): HTMLElement {
  return h('section', { class: 'stage' }, h('h2', { class: 'stage-title' }, title), h('p', { class: 'formula' }, formula), help ? h('p', { class: 'muted small' }, help) : null, ...body);
}

function strip(v: StepsView, values: readonly number[], name: string, max: number, extra: { compact?: boolean; group?: { size: number; outlined: number } } = {}): HTMLElement {
  const group = extra.group ? { ...extra.group, label: (g: number) => `h${g}` } : undefined;
  return vectorStrip(values, { name, max, palette: v.palette, fmt: v.fmt, cellTitle: v.s.cell, ...(extra.compact ? { compact: true } : {}), ...(group ? { group } : {}) });
}

function inputSection(v: StepsView): HTMLElement {
  const { s, r, p } = v;
  const preLN = r.layout === 'preLN';
  return stage(
    format(s.stage1, tokenLabel(p, r.query), r.layer, r.dModel),
    preLN ? s.stage1PreLN : s.stage1PostLN,
    preLN ? s.stage1HelpPreLN : s.stage1HelpPostLN,
    strip(v, r.input, 'x_i', maxAbsOf(r.input)),
  );
}

function qkvSection(v: StepsView): HTMLElement {
  const { s, r, p } = v;
  const kMax = maxAbsOf(r.q, ...r.keys);
  const vMax = maxAbsOf(...r.values);
  const rows = r.tokens.map((_, j) =>
    h(
      'tr',
      { class: j === r.query ? 'is-query' : '' },
      h('td', { class: 'num' }, String(j)),
      h('td', { class: 'tok' }, tokenLabel(p, j)),
      h('td', {}, strip(v, r.keys[j], `k_${j}`, kMax, { compact: true })),
      h('td', {}, strip(v, r.values[j], `v_${j}`, vMax, { compact: true })),
    ),
  );
  return stage(
    format(s.stage2, r.head),
    format(s.stage2Formula, r.dk),
    s.stage2Help,
    h('h3', { class: 'sub-title' }, format(s.queryVector, tokenLabel(p, r.query))),
    strip(v, r.q, 'q_i', kMax),
    numberList(r.q, v.fmt, s.numbers),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'kv-table' },
        h('thead', {}, h('tr', {}, h('th', {}, s.colIndex), h('th', {}, s.colToken), h('th', {}, s.keys), h('th', {}, s.values))),
        h('tbody', {}, rows),
      ),
    ),
  );
}

function outputSection(v: StepsView): HTMLElement {
  const { s, r, p } = v;
  const concatMax = maxAbsOf(r.concat);
  return stage(
    s.stage4,
    s.stage4Formula,
    s.stage4Help,
    h('h3', { class: 'sub-title' }, format(s.headOutput, r.head, tokenLabel(p, r.query), r.dk)),
    strip(v, r.headOutput, `head_${r.head}(i)`, maxAbsOf(r.headOutput)),
    numberList(r.headOutput, v.fmt, s.numbers),
    h('p', { class: 'formula' }, format(s.concatFormula, r.numHeads - 1)),
    h('h3', { class: 'sub-title' }, format(s.concat, r.numHeads - 1, r.dModel, r.numHeads, r.dk)),
    strip(v, r.concat, 'concat', concatMax, { group: { size: r.dk, outlined: r.head } }),
    h('h3', { class: 'sub-title' }, format(s.projected, tokenLabel(p, r.query), r.dModel)),
    strip(v, r.projected, 'out', maxAbsOf(r.projected)),
  );
}

/** Tells the host what was drawn: the weights as the scores table holds them, and the check's verdict. */
function report(payload: AttentionStepsPayload): void {
  const r = payload.result;
  const rows = [...document.querySelectorAll<HTMLElement>('.scores-table tbody tr')];
  client.notify('view/didDraw', {
    id: payload.id,
    layer: r.layer,
    head: r.head,
    query: r.query,
    weights: rows.map((row) => Number(row.dataset.weight)),
    modelWeights: rows.map((row) => Number(row.dataset.modelWeight)),
    checkPassed: document.querySelector('.check-line.passed') !== null,
    stages: document.querySelectorAll('.stage').length,
    heads: document.querySelectorAll('button.head-row').length,
  });
}

client.ready();
