// "Compare BERT and GPT Attention": the same text through a masked and a causal model, side by
// side, with one layer/head picker for both (clamped to each model's own counts).
import type { LocalizedStrings } from '../src/protocol/wire';
import type { AttentionCompareChannel, AttentionStatus, AttentionStringKey, ComparePanelState, ComparePayload, CompareRequest, HeadChoice } from '../src/protocol/attention';
import { readPalette, type Palette } from './attentionColors';
import { MatrixView } from './attentionMatrix';
import { byId, format, h, replaceChildren } from './dom';
import { HostClient } from './rpc';

const client = new HostClient<AttentionCompareChannel, ComparePanelState>();
const app = byId('app');
let s: LocalizedStrings<AttentionStringKey> | undefined;
let options: CompareRequest = { layer: 0, head: 'mean', hideSpecial: false, mergeSubwords: false, ...client.state };
let text = client.state?.text ?? '';
let payload: ComparePayload | undefined;
let status: AttentionStatus = { kind: 'ready' };
let palette: Palette = readPalette('editor');
let views: MatrixView[] = [];
let seq = 0;

client.on('panel/didInit', (init) => {
  s = init.strings;
  text = init.text;
  render();
});
client.on('status/didChange', (st) => {
  status = st;
  render();
});
client.on('compare/didChange', () => void refresh());

new MutationObserver(() => {
  palette = readPalette('editor');
  views.forEach((v) => v.repaint());
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

async function refresh(): Promise<void> {
  const mine = ++seq;
  const result = await client.request('compare/matrices', options).catch(() => undefined);
  if (mine !== seq || !result) return;
  payload = result;
  const specs = Object.fromEntries(result.columns.filter((c) => !c.error).map((c) => [c.role, c.spec]));
  client.state = { ...options, text, specs };
  render();
}

function set(patch: Partial<CompareRequest>): void {
  options = { ...options, ...patch };
  void refresh();
}

function field(id: string, label: string, control: HTMLElement): HTMLElement {
  return h('label', { class: 'field', for: id }, h('span', { class: 'field-label' }, label), control);
}

function render(): void {
  const str = s;
  if (!str) return;
  app.setAttribute('aria-busy', status.kind === 'loading' ? 'true' : 'false');
  if (status.kind === 'loading') {
    replaceChildren(app, h('div', { class: 'progress', role: 'progressbar', 'aria-label': status.message }, h('div', { class: 'progress-bar' })), h('p', { class: 'muted' }, status.message));
    return;
  }
  if (status.kind !== 'ready') {
    const choose = h('button', { class: 'primary' }, str.chooseModel);
    choose.addEventListener('click', () => client.notify('model/choose', {}));
    replaceChildren(app, h('p', { class: 'error', role: 'alert' }, status.message), choose);
    return;
  }
  if (!payload) return;
  const ok = payload.columns.filter((c) => c.model);
  const layers = Math.max(1, ...ok.map((c) => c.model!.numLayers));
  const heads = Math.max(1, ...ok.map((c) => c.model!.numHeads));
  const layer = h('select', { id: 'layer' });
  for (let l = 0; l < layers; l++) layer.append(h('option', { value: l, selected: l === options.layer }, String(l)));
  layer.addEventListener('change', () => set({ layer: Number(layer.value) }));
  const head = h('select', { id: 'head' });
  const headValues: Array<[string, string]> = [['mean', str.mean], ['rollout', str.rollout], ...Array.from({ length: heads }, (_, k): [string, string] => [String(k), format(str.headLabel, k)])];
  for (const [v, label] of headValues) head.append(h('option', { value: v, selected: v === String(options.head) }, label));
  head.addEventListener('change', () => set({ head: head.value === 'mean' || head.value === 'rollout' ? head.value : Number(head.value) }));
  const toggle = (id: string, label: string, hint: string, key: 'hideSpecial' | 'mergeSubwords'): HTMLElement => {
    const input = h('input', { type: 'checkbox', id, checked: options[key], 'aria-describedby': `${id}-hint` });
    input.addEventListener('change', () => set({ [key]: input.checked }));
    return h('div', { class: 'toggle' }, h('label', { class: 'check', for: id }, input, label), h('span', { class: 'hint-inline small muted', id: `${id}-hint` }, hint));
  };
  views = [];
  const columns = payload.columns.map((c) => {
    if (!c.model || !c.matrix || !c.labels || c.n === undefined) {
      const choose = h('button', { class: 'primary' }, str.chooseModel);
      choose.addEventListener('click', () => client.notify('model/choose', {}));
      return h('section', { class: 'attention-compare-column' }, h('h2', {}, c.spec), h('p', { class: 'error', role: 'alert' }, c.error ?? ''), choose);
    }
    const view = new MatrixView(() => palette, str.legend, (z) => format(str.zoom, z), 0.6);
    views.push(view);
    const labels = c.labels;
    const headText = (x: HeadChoice | undefined): string => (x === 'mean' ? str.mean : x === 'rollout' ? str.rollout : format(str.headLabel, x ?? 0));
    const section = h(
      'section',
      { class: 'attention-compare-column', 'data-role': c.role },
      h('h2', {}, format(str.modelInfo, c.model.label, c.model.numLayers, c.model.numHeads)),
      h('p', { class: 'small muted' }, `${str.layer} ${c.layer} — ${headText(c.head)}`),
      h('p', { class: 'note' }, c.model.causal ? str.causalNote : str.bidirectionalNote),
      view.element,
    );
    const n = c.n;
    const matrix = c.matrix;
    requestAnimationFrame(() => {
      view.set({ rows: n, cols: n, data: matrix, rowLabels: labels, colLabels: labels, kind: 'sequential', ariaLabel: c.model!.label, describe: (i, j, v) => format(str.valueAt, labels[i], labels[j], v.toFixed(4)) });
      requestAnimationFrame(() => {
        const pixels = view.report();
        client.notify('view/didDraw', { role: c.role, tab: 'heatmap', analysis: 0, layer: c.layer ?? 0, head: c.head ?? 'mean', hideSpecial: options.hideSpecial, mergeSubwords: options.mergeSubwords, n, labels, ...pixels });
      });
    });
    return section;
  });
  const focused = document.activeElement?.id;
  replaceChildren(
    app,
    h('p', { class: 'mono' }, text),
    h(
      'div',
      { class: 'toolbar attention-toolbar' },
      field('layer', str.layer, layer),
      field('head', str.head, head),
      toggle('hide-special', str.hideSpecial, str.hideSpecialHint, 'hideSpecial'),
      toggle('merge-subwords', str.mergeSubwords, str.mergeSubwordsHint, 'mergeSubwords'),
    ),
    h('div', { class: 'attention-compare-columns' }, columns),
  );
  if (focused) document.getElementById(focused)?.focus();
}

client.ready();
