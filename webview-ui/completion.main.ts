// The Completion panel: the strategy knobs (changing one generates again from the same prompt),
// each step's top-k before and after temperature / top-k / top-p with the chosen token marked,
// and, for beam search, the beam tree with cumulative log-probabilities and pruned branches.
import type { LocalizedStrings } from '../src/protocol/wire';
import type { BeamNode, CompletionChannel, CompletionPanelState, CompletionPayload, CompletionStringKey, DecodingStrategy, GenerateOptions, GenerationStep } from '../src/protocol/prediction';
import { byId, format, formatNumber, h, replaceChildren } from './dom';
import { barList, percent, visible } from './probBars';
import { HostClient } from './rpc';

const client = new HostClient<CompletionChannel, CompletionPanelState>();
const app = byId('app');
let strings: LocalizedStrings<CompletionStringKey> | undefined;
let state: CompletionPanelState = client.state ?? {};
const knobs = h('form', { class: 'toolbar knobs', 'aria-label': 'knobs' });
const summary = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
const stepTabs = h('div', { class: 'step-tabs', role: 'tablist' });
const stepView = h('section', { class: 'step-view', 'aria-live': 'polite' });
const beamView = h('section', { class: 'beam-view' });
let knobsFor: string | undefined;

client.on('panel/didInit', (init) => {
  strings = init.strings;
  knobsFor = undefined;
  render();
});
client.on('completion/didChange', (payload) => {
  const sameRun = state.payload?.prompt === payload.prompt && JSON.stringify(state.payload.options) === JSON.stringify(payload.options);
  state = { payload, selectedStep: sameRun && state.selectedStep !== undefined && !payload.running ? state.selectedStep : Math.max(0, payload.steps.length - 1) };
  client.state = state;
  render();
});

function render(): void {
  const s = strings;
  const p = state.payload;
  if (!s) return;
  app.setAttribute('aria-busy', p?.running ? 'true' : 'false');
  if (!p) {
    replaceChildren(app, h('p', { class: 'muted' }, s.noSteps));
    return;
  }
  const key = JSON.stringify(p.options) + p.prompt;
  if (knobsFor !== key || !knobs.isConnected) {
    renderKnobs(s, p.options, p.running);
    knobsFor = key;
  }
  knobs.querySelector<HTMLButtonElement>('.stop')?.toggleAttribute('disabled', !p.running);
  const generated = p.result?.text ?? p.steps.at(-1)?.text ?? '';
  const finish = p.result ? format(s.finished, p.result.tokenIds.length, p.result.logProb.toFixed(2), s[`finish.${p.result.finishReason}`]) : '';
  summary.textContent = p.error ?? (p.running ? format(s.running, p.steps.length) : finish);
  renderSteps(s, p.steps);
  renderBeams(s, p.result?.beams);
  replaceChildren(
    app,
    h('h1', { class: 'panel-title' }, s.title),
    h('p', { class: 'muted model-line' }, format(s.model, p.model.label, p.model.family)),
    knobs,
    h('p', { class: 'hint' }, s.knobsHelp),
    summary,
    h('h2', { class: 'section-title' }, s.generated),
    h('p', { class: 'completion-text' }, h('span', { class: 'prompt', title: s.prompt }, p.prompt.length > 400 ? `…${p.prompt.slice(-400)}` : p.prompt), h('span', { class: 'generated' }, generated)),
    h('h2', { class: 'section-title', id: 'steps-title' }, s.steps),
    p.steps.length ? stepTabs : h('p', { class: 'muted' }, p.running ? '…' : s.noSteps),
    stepView,
    beamView,
    h('p', { class: 'hint' }, s.keyboardHelp),
  );
}

function numberField(id: keyof GenerateOptions, label: string, value: number | undefined, attrs: Record<string, string | number>): HTMLElement {
  return h('label', { class: 'field' }, h('span', {}, label), h('input', { type: 'number', name: id, value: value ?? '', ...attrs }));
}

function renderKnobs(s: LocalizedStrings<CompletionStringKey>, o: GenerateOptions, running: boolean): void {
  const strategy = h(
    'select',
    { name: 'strategy', 'aria-label': s.strategy },
    (['greedy', 'beam', 'sample'] as const).map((v) => h('option', { value: v, selected: o.strategy === v }, s[`strategy.${v}`])),
  );
  const stop = h('textarea', { name: 'stop', rows: 1, 'aria-label': s.stop }, (o.stop ?? []).join('\n'));
  const again = h('button', { type: 'submit', class: 'primary' }, s.rerun);
  const stopButton = h('button', { type: 'button', class: 'stop', disabled: !running }, s.stopGenerating);
  stopButton.addEventListener('click', () => client.notify('completion/stop', {}));
  const sampling = o.strategy === 'sample';
  const beam = o.strategy === 'beam';
  replaceChildren(
    knobs,
    h('label', { class: 'field' }, h('span', {}, s.strategy), strategy),
    numberField('maxNewTokens', s.maxNewTokens, o.maxNewTokens, { min: 1, max: 2048, step: 1 }),
    sampling ? numberField('temperature', s.temperature, o.temperature ?? 1, { min: 0.01, step: 0.05 }) : null,
    sampling ? numberField('topK', s.topK, o.topK ?? 0, { min: 0, step: 1 }) : null,
    sampling ? numberField('topP', s.topP, o.topP ?? 1, { min: 0.01, max: 1, step: 0.05 }) : null,
    sampling ? numberField('seed', s.seed, o.seed ?? 0, { min: 0, step: 1 }) : null,
    beam ? numberField('numBeams', s.numBeams, o.numBeams ?? 4, { min: 1, max: 16, step: 1 }) : null,
    beam ? numberField('lengthPenalty', s.lengthPenalty, o.lengthPenalty ?? 1, { step: 0.1 }) : null,
    h('label', { class: 'field' }, h('span', {}, s.stop), stop),
    again,
    stopButton,
  );
  knobs.onsubmit = (e) => {
    e.preventDefault();
    rerun();
  };
  knobs.onchange = (e) => {
    if ((e.target as HTMLElement).tagName !== 'TEXTAREA') rerun();
  };
}

function readKnobs(): GenerateOptions {
  const data = new FormData(knobs);
  const num = (name: string): number | undefined => {
    const raw = data.get(name);
    if (raw === null || raw === '') return undefined;
    const v = Number(raw);
    return Number.isFinite(v) ? v : undefined;
  };
  const options: GenerateOptions = {
    strategy: (data.get('strategy') as DecodingStrategy | null) ?? 'greedy',
    maxNewTokens: num('maxNewTokens') ?? 20,
    stop: String(data.get('stop') ?? '')
      .split('\n')
      .filter((x) => x !== ''),
  };
  for (const name of ['temperature', 'topK', 'topP', 'seed', 'numBeams', 'lengthPenalty'] as const) {
    const v = num(name);
    if (v !== undefined) options[name] = v;
  }
  return options;
}

function rerun(): void {
  app.setAttribute('aria-busy', 'true');
  client.notify('completion/rerun', { options: readKnobs() });
}

function selectStep(index: number): void {
  const steps = state.payload?.steps ?? [];
  if (steps.length === 0) return;
  state = { ...state, selectedStep: Math.max(0, Math.min(steps.length - 1, index)) };
  client.state = state;
  render();
  (stepTabs.children[state.selectedStep ?? 0] as HTMLElement | undefined)?.focus();
}

function renderSteps(s: LocalizedStrings<CompletionStringKey>, steps: GenerationStep[]): void {
  const selected = Math.min(state.selectedStep ?? 0, steps.length - 1);
  replaceChildren(
    stepTabs,
    steps.map((step, i) => {
      const tab = h(
        'button',
        { type: 'button', role: 'tab', class: 'step-tab', 'aria-selected': String(i === selected), tabindex: i === selected ? 0 : -1, title: step.chosen.token },
        visible(step.chosen.text),
      );
      tab.addEventListener('click', () => selectStep(i));
      return tab;
    }),
  );
  stepTabs.setAttribute('aria-labelledby', 'steps-title');
  const step = steps[selected];
  if (!step) {
    replaceChildren(stepView);
    return;
  }
  // Greedy and beam search keep no distribution to sample from: only sampling shows the filtered one.
  const filtered = state.payload?.options.strategy === 'sample' && step.candidates.some((c) => !c.kept || Math.abs(c.adjustedProb - c.prob) > 1e-6);
  replaceChildren(
    stepView,
    h('h3', {}, format(s.stepN, step.index + 1, visible(step.chosen.text))),
    barList(
      step.candidates.map((c) => ({
        label: c.text,
        token: c.token,
        prob: c.prob,
        marked: c.id === step.chosen.id,
        dimmed: !c.kept,
        ...(filtered ? { extra: c.kept ? `→ ${percent(c.adjustedProb)} %` : s.filtered } : {}),
      })),
      {
        label: `${s.before}${filtered ? ` / ${s.after}` : ''}`,
        describe: (item) => `${visible(item.label)}: ${s.before} ${percent(item.prob)} %${item.extra ? `, ${s.after} ${item.extra}` : ''}${item.marked ? `, ${s.chosen}` : ''}`,
      },
    ),
    h('p', { class: 'legend' }, h('span', { class: 'swatch marked' }), s.chosen, ' · ', s.before, filtered ? ` → ${s.after}` : ''),
  );
}

function renderBeams(s: LocalizedStrings<CompletionStringKey>, beams: BeamNode[] | undefined): void {
  if (!beams || beams.length === 0) {
    replaceChildren(beamView);
    return;
  }
  const children = new Map<number | null, BeamNode[]>();
  for (const b of beams) children.set(b.parent, [...(children.get(b.parent) ?? []), b]);
  const branch = (parent: number | null): HTMLElement | null => {
    const kids = children.get(parent);
    if (!kids) return null;
    return h(
      'ul',
      { role: parent === null ? 'tree' : 'group', ...(parent === null ? { 'aria-label': s.beamTree } : {}) },
      kids.map((b) =>
        h(
          'li',
          { role: 'treeitem', class: `beam ${b.status}`, 'aria-label': `${visible(b.text)}, ${s.cumLogProb} ${formatNumber(b.cumLogProb)}, ${s.score} ${formatNumber(b.score)}, ${s[`beamStatus.${b.status}`]}` },
          h(
            'span',
            { class: 'beam-node', title: b.token },
            h('span', { class: 'beam-token' }, visible(b.text)),
            h('span', { class: 'beam-num' }, `${s.logProb} ${b.logProb.toFixed(2)} · Σ ${b.cumLogProb.toFixed(2)} · ${s.score} ${b.score.toFixed(3)}`),
            h('span', { class: 'beam-status' }, s[`beamStatus.${b.status}`]),
          ),
          branch(b.id),
        ),
      ),
    );
  };
  replaceChildren(beamView, h('h2', { class: 'section-title' }, s.beamTree), h('p', { class: 'hint' }, s.beamLegend), branch(null));
}

document.addEventListener('keydown', (e) => {
  const target = e.target as HTMLElement;
  if (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT') return;
  const current = state.selectedStep ?? 0;
  const last = (state.payload?.steps.length ?? 1) - 1;
  const moves: Record<string, number> = { ArrowLeft: current - 1, ArrowRight: current + 1, Home: 0, End: last };
  if (e.key in moves) {
    e.preventDefault();
    selectStep(moves[e.key]);
  }
});

if (state.payload) app.setAttribute('aria-busy', 'true');
client.ready();
