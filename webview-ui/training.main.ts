// The Training panel: a GPT-2 and/or a BERT learning from the user's text, drawn as it happens —
// per model the training loss at every reported step and the validation loss at every evaluation
// (one SVG chart each), the perplexity (pseudo-perplexity for BERT), speed and time, the samples
// the model writes as it gets better; Stop; and when done, the buttons to use what was trained.
import type { TrainingChannel, TrainingEvent, TrainingSnapshot, TrainingStatus, TrainingStringKey } from '../src/protocol/training';
import type { LocalizedStrings } from '../src/protocol/wire';
import { byId, format, h, replaceChildren } from './dom';
import { HostClient } from './rpc';

type Strings = LocalizedStrings<TrainingStringKey>;
type Objective = 'clm' | 'mlm';
type Step = Extract<TrainingEvent, { type: 'step' }>;
type Eval = Extract<TrainingEvent, { type: 'eval' }>;
type Sample = Extract<TrainingEvent, { type: 'sample' }>;

interface Saved {
  snapshot: TrainingSnapshot;
}

const client = new HostClient<TrainingChannel, Saved>();
const app = byId('app');
let strings: Strings | undefined;
let snapshot: TrainingSnapshot | undefined = client.state?.snapshot;
let frame = 0;

client.on('panel/didInit', (init) => {
  strings = init.strings;
  schedule();
});
client.on('training/didReset', (s) => {
  snapshot = s;
  schedule();
});
client.on('training/didEvent', ({ id, event, status }) => {
  if (!snapshot || snapshot.id !== id) return;
  snapshot = { ...snapshot, status, events: [...snapshot.events, event] };
  schedule();
});
client.ready();

/** One render per animation frame, however many events arrive (a fast run reports often). */
function schedule(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    render();
  });
}

const lang = document.documentElement.lang || undefined;
const fixed = (x: number, digits: number) => x.toLocaleString(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits });
const whole = (x: number) => Math.round(x).toLocaleString(lang);

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return m >= 60 ? `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}` : `${m}:${String(s % 60).padStart(2, '0')}`;
}

function render(): void {
  const s = strings;
  const run = snapshot;
  if (!s || !run) return;
  client.state = { snapshot: run };
  app.setAttribute('aria-busy', run.status === 'running' || run.status === 'stopping' ? 'true' : 'false');
  const plan = run.events.find((e) => e.type === 'plan');
  const objectives: Objective[] = run.settings.objective === 'both' ? ['clm', 'mlm'] : [run.settings.objective];
  const st = run.settings;
  const header = h(
    'header',
    { class: 'training-header' },
    h('h1', {}, s.title),
    h('p', { class: 'muted' }, plan?.type === 'plan'
      ? format(s.corpus, st.source, plan.plan.characters, plan.plan.trainCharacters, plan.plan.validationCharacters)
      : format(s.corpus, st.source, st.characters, '…', '…')),
    h('p', { class: 'muted small' }, format(s.hyper, st.shape.layers, st.shape.hidden, st.shape.heads, st.shape.context, st.steps, st.batchSize, String(st.learningRate), st.seed)),
    h('p', { class: 'muted small' }, format(s.python, st.python, st.torch, st.device.toUpperCase())),
  );
  const models = objectives.map((o) => modelCard(s, run, o));
  const report = objectives.map((o) => drawnOf(run, o));
  replaceChildren(app, header, statusLine(s, run), h('div', { class: 'training-models' }, models), doneActions(s, run), objectives.length === 2 ? h('p', { class: 'muted small caveat' }, s.caveat) : null);
  client.notify('view/didDraw', {
    id: run.id,
    status: run.status,
    models: report,
    stopEnabled: run.status === 'running',
  });
}

function statusLine(s: Strings, run: TrainingSnapshot): HTMLElement {
  const status: TrainingStatus = run.status;
  const stop = h('button', { id: 'stop', class: 'primary', disabled: status !== 'running' }, s.stop);
  stop.addEventListener('click', () => {
    stop.setAttribute('disabled', '');
    client.notify('training/stop', { id: run.id });
  });
  let text: string;
  if (status === 'running') text = run.events.some((e) => e.type === 'step') ? s.running : s.waiting;
  else if (status === 'stopping') text = s.stopping;
  else if (status === 'done') text = format(s.done, duration(run.result?.seconds ?? 0));
  else if (status === 'failed') text = format(s.failed, run.problem?.message ?? '');
  else text = s.interrupted;
  return h(
    'div',
    { class: `training-status status-${status}`, role: 'status', 'aria-live': 'polite' },
    h('span', { class: 'status-text' }, text),
    status === 'failed' && run.problem?.fix ? h('code', { class: 'fix' }, format(s.fix, run.problem.fix)) : null,
    status === 'failed' && run.problem?.detail ? h('pre', { class: 'detail' }, run.problem.detail) : null,
    status === 'running' || status === 'stopping' ? stop : null,
  );
}

function eventsOf<T extends TrainingEvent['type']>(run: TrainingSnapshot, type: T, o: Objective): Array<Extract<TrainingEvent, { type: T }>> {
  return run.events.filter((e): e is Extract<TrainingEvent, { type: T }> => e.type === type && 'objective' in e && e.objective === o);
}

function drawnOf(run: TrainingSnapshot, o: Objective) {
  const steps = eventsOf(run, 'step', o);
  const evals = eventsOf(run, 'eval', o);
  return { objective: o, trainPoints: steps.length, evalPoints: evals.length, lastLoss: steps.at(-1)?.loss, perplexity: evals.at(-1)?.perplexity, samples: eventsOf(run, 'sample', o).length };
}

function modelCard(s: Strings, run: TrainingSnapshot, o: Objective): HTMLElement {
  const steps = eventsOf(run, 'step', o);
  const evals = eventsOf(run, 'eval', o);
  const samples = eventsOf(run, 'sample', o);
  const tokenizer = eventsOf(run, 'tokenizer', o)[0];
  const plan = run.events.find((e) => e.type === 'plan');
  const planned = plan?.type === 'plan' ? plan.plan.models.find((m) => m.objective === o) : undefined;
  const last = steps.at(-1);
  const lastEval = evals.at(-1);
  const trained = run.result?.models.find((m) => m.objective === o);
  const figures = h(
    'dl',
    { class: 'figures' },
    figure(s.loss, last ? fixed(last.loss, 3) : '–', 'loss'),
    figure(o === 'clm' ? s.perplexity : s.pseudoPerplexity, lastEval ? fixed(lastEval.perplexity, 1) : '–', 'perplexity'),
    figure(format(s.step, trained?.steps ?? last?.step ?? 0, last?.steps ?? run.settings.steps), last ? format(s.tokensPerSecond, whole(last.tokensPerSecond)) : '–', 'speed'),
    // Finished or stopped: the time it took, no time left.
    figure(last ? format(s.elapsed, duration(last.elapsedSeconds)) : '', last && !trained && run.status === 'running' ? format(s.remaining, duration(last.remainingSeconds)) : '', 'time'),
  );
  const use = trained ? h('button', { class: 'use-model', 'data-objective': o }, s.useModel) : null;
  use?.addEventListener('click', () => trained && client.notify('model/use', { folder: trained.folder }));
  return h(
    'section',
    { class: 'training-model', 'data-objective': o, 'aria-label': o === 'clm' ? s.gpt2 : s.bert },
    h('h2', {}, o === 'clm' ? s.gpt2 : s.bert, trained?.stoppedEarly ? h('span', { class: 'muted small' }, ` (${format(s.stoppedEarly, trained.steps)})`) : null),
    planned ? h('p', { class: 'muted small' }, format(s.parameters, planned.parameters, planned.estimate, planned.vocabSize, planned.trainTokens)) : null,
    tokenizer ? h('p', { class: 'muted small' }, format(s.tokenizer, tokenizer.vocabSize, fixed(tokenizer.seconds, 1))) : null,
    figures,
    chart(s, steps, evals, run.settings.steps),
    h('h3', { class: 'section-title' }, s.samples),
    samples.length === 0 ? h('p', { class: 'muted small' }, s.noSamples) : h('ol', { class: 'samples', reversed: true }, samples.slice(-6).reverse().map((x) => sampleItem(s, x))),
    trained ? h('p', { class: 'folder mono small' }, trained.folder) : null,
    use,
  );
}

function figure(label: string, value: string, kind: string): HTMLElement {
  return h('div', { class: `figure figure-${kind}` }, h('dt', {}, label), h('dd', { class: 'mono' }, value));
}

function sampleItem(s: Strings, x: Sample): HTMLElement {
  return h('li', {}, h('span', { class: 'muted small' }, format(s.step, x.step, snapshot?.settings.steps ?? x.step)), ' ', h('span', { class: 'mono sample-input' }, x.input), ' → ', h('span', { class: 'mono sample-output' }, x.output));
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** The loss per step (line) and the validation loss per evaluation (dots and line), on one scale. */
function chart(s: Strings, steps: Step[], evals: Eval[], totalSteps: number): Element {
  const width = 420;
  const height = 200;
  const left = 44;
  const bottom = 24;
  const top = 10;
  const right = 10;
  const values = [...steps.map((x) => x.loss), ...evals.map((x) => x.validationLoss)].filter((v) => Number.isFinite(v));
  const root = svg('svg', { class: 'loss-chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${s.trainingLoss}, ${s.validationLoss}` });
  const lo = values.length ? Math.floor(Math.min(...values) * 2) / 2 : 0;
  const hi = values.length ? Math.ceil(Math.max(...values) * 2) / 2 : 1;
  const span = Math.max(0.5, hi - lo);
  const x = (step: number) => left + ((width - left - right) * step) / Math.max(1, totalSteps);
  const y = (v: number) => top + ((height - top - bottom) * (hi - v)) / span;
  root.append(svg('line', { class: 'axis', x1: left, y1: height - bottom, x2: width - right, y2: height - bottom }));
  root.append(svg('line', { class: 'axis', x1: left, y1: top, x2: left, y2: height - bottom }));
  for (let k = 0; k <= 4; k++) {
    const v = lo + (span * k) / 4;
    const text = svg('text', { class: 'tick', x: left - 4, y: y(v) + 3, 'text-anchor': 'end' });
    text.textContent = fixed(v, 1);
    root.append(text, svg('line', { class: 'grid', x1: left, y1: y(v), x2: width - right, y2: y(v) }));
  }
  const stepLabel = svg('text', { class: 'tick', x: width - right, y: height - 6, 'text-anchor': 'end' });
  stepLabel.textContent = whole(totalSteps);
  root.append(stepLabel);
  const line = (points: Array<[number, number]>, cls: string) => root.append(svg('polyline', { class: cls, points: points.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ') }));
  if (steps.length) line(steps.map((p) => [x(p.step), y(p.loss)]), 'train-line');
  if (evals.length) {
    line(evals.map((p) => [x(p.step), y(p.validationLoss)]), 'eval-line');
    for (const p of evals) root.append(svg('circle', { class: 'eval-dot', cx: x(p.step), cy: y(p.validationLoss), r: 2.5 }));
  }
  const legend = h('p', { class: 'legend small' }, h('span', { class: 'swatch train' }), ` ${s.trainingLoss}  `, h('span', { class: 'swatch eval' }), ` ${s.validationLoss}`);
  return h('figure', { class: 'chart' }, root, legend);
}

function doneActions(s: Strings, run: TrainingSnapshot): HTMLElement | null {
  const result = run.result;
  if (!result) return null;
  const report = h('button', { id: 'open-report' }, s.openReport);
  report.addEventListener('click', () => client.notify('report/open', { path: result.report }));
  const causal = result.models.find((m) => m.objective === 'clm');
  const masked = result.models.find((m) => m.objective === 'mlm');
  const compare = causal && masked ? h('button', { id: 'compare' }, s.compare) : null;
  compare?.addEventListener('click', () => causal && masked && client.notify('models/compare', { causal: causal.folder, masked: masked.folder }));
  return h('div', { class: 'toolbar-row done-actions' }, report, compare);
}
