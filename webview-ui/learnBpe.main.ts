// The Learn BPE panel: the merges a BPE trainer learned from the selection, in order, with the
// frequency of each pair when it was chosen, the word frequencies, and the words' segmentation
// after any number of merges (stepper).
import type { LearnChannel, LearnPanelState, LearnPayload, LearnStringKey } from '../src/protocol/learn';
import type { LocalizedStrings } from '../src/protocol/wire';
import { symbolChip } from './chips';
import { byId, format, h, replaceChildren } from './dom';
import { HostClient } from './rpc';
import { Stepper, bindStepperKeys } from './stepper';

type Strings = LocalizedStrings<LearnStringKey>;

const client = new HostClient<LearnChannel, LearnPanelState>();
const app = byId('app');
let strings: Strings | undefined;
let state: LearnPanelState | undefined = client.state;
let stepper: Stepper | undefined;
const mergesTable = h('section', { class: 'merges-section' });
const wordsTable = h('section', { class: 'words-section' });

client.on('panel/didInit', (init) => {
  strings = init.strings;
  renderAll();
});

client.on('learn/didChange', (payload) => {
  const same = state?.payload?.text === payload.text && state.payload.result.merges.length === payload.result.merges.length;
  state = {
    text: payload.text,
    merges: payload.requested,
    step: same ? (state?.step ?? 0) : payload.result.merges.length,
    payload,
  };
  renderAll();
});

function renderAll(): void {
  const s = strings;
  const payload = state?.payload;
  if (!s || !state || !payload) {
    return;
  }
  client.state = state;
  app.setAttribute('aria-busy', 'false');
  const merges = payload.result.merges;
  stepper = new Stepper({
    strings: s,
    max: merges.length,
    value: Math.min(state.step, merges.length),
    describe: (v, max) => (v === 0 ? s.start : format(s.stepOf, v, max)),
    onChange: (v) => {
      state = { ...state!, step: v };
      client.state = state;
      renderTables(s, payload, v);
    },
  });
  replaceChildren(
    app,
    h('p', { class: 'intro' }, s.intro),
    h('p', { class: 'muted small' }, s.tieBreak),
    renderOptions(s, state.merges),
    h('p', { class: 'stats' }, format(s.vocabulary, payload.totalOccurrences, payload.totalWords, payload.text.length)),
    merges.length === 0 ? h('p', { class: 'note' }, s.noMerges) : stepper.element,
    merges.length > 0 && merges.length < payload.requested
      ? h('p', { class: 'muted small' }, format(s.stoppedEarly, merges.length, payload.requested))
      : null,
    h('div', { class: 'learn-grid' }, mergesTable, wordsTable),
    payload.totalWords > payload.result.words.length
      ? h('p', { class: 'note' }, format(s.truncated, payload.result.words.length, payload.totalWords))
      : null,
    h('p', { class: 'hint' }, s.keyboardHelp),
  );
  renderTables(s, payload, stepper.position);
}

function renderOptions(s: Strings, merges: number): HTMLElement {
  const input = h('input', { type: 'number', id: 'merges', min: 1, max: 5000, step: 1, value: merges, class: 'number' });
  const apply = h('button', { type: 'button', class: 'primary' }, s.apply);
  const submit = (): void => {
    const n = Number(input.value);
    if (Number.isFinite(n) && n >= 1) {
      app.setAttribute('aria-busy', 'true');
      client.notify('options/didChange', { merges: Math.round(n) });
    }
  };
  apply.addEventListener('click', submit);
  input.addEventListener('keydown', (e) => e.key === 'Enter' && submit());
  return h('div', { class: 'toolbar' }, h('label', { class: 'field', for: 'merges' }, h('span', { class: 'field-label' }, s.mergesInput), input), apply);
}

function renderTables(s: Strings, payload: LearnPayload, step: number): void {
  const merges = payload.result.merges;
  replaceChildren(
    mergesTable,
    h(
      'table',
      { class: 'data-table' },
      h('caption', {}, s.merges),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, s.order), h('th', { scope: 'col' }, s.pair), h('th', { scope: 'col' }, s.merged), h('th', { scope: 'col', class: 'num' }, s.frequency))),
      h(
        'tbody',
        {},
        merges.map((m, i) => {
          const n = i + 1;
          const status = n < step ? 'done' : n === step ? 'current' : 'future';
          const row = h(
            'tr',
            { class: `learned-merge ${status}`, 'aria-current': n === step ? 'step' : undefined, 'data-pair': `${m.pair[0]} ${m.pair[1]}` },
            // Spaces between cells keep the row's text readable as text ("1 l + o lo 8").
            h('td', { class: 'num' }, String(n)),
            ' ',
            h('td', { class: 'pair-cell' }, symbolChip(m.pair[0]), ' + ', symbolChip(m.pair[1])),
            ' ',
            h('td', {}, symbolChip(m.merged, 'merged')),
            ' ',
            h('td', { class: 'num' }, String(m.frequency)),
          );
          row.addEventListener('click', () => stepper?.go(n));
          return row;
        }),
      ),
    ),
  );
  const segs = segmentationsAt(payload, step);
  const changedNow = new Set((payload.history[step - 1]?.changes ?? []).map((c) => c.word));
  const justMerged = merges[step - 1]?.merged;
  replaceChildren(
    wordsTable,
    h(
      'table',
      { class: 'data-table' },
      h('caption', {}, s.words),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, s.word), h('th', { scope: 'col', class: 'num' }, s.count), h('th', { scope: 'col' }, s.segmentation))),
      h(
        'tbody',
        {},
        payload.result.words.map((w, i) =>
          h(
            'tr',
            { class: `word-row${changedNow.has(i) ? ' changed' : ''}` },
            h('td', { class: 'mono' }, w.word),
            h('td', { class: 'num' }, String(w.count)),
            h(
              'td',
              { class: 'segmentation' },
              (segs[i] ?? []).map((sym) => symbolChip(sym, changedNow.has(i) && sym === justMerged ? 'merged' : '')),
            ),
          ),
        ),
      ),
    ),
  );
}

/** Each word's symbols after `step` merges, replayed from the host's history (or the final ones). */
function segmentationsAt(payload: LearnPayload, step: number): string[][] {
  if (payload.history.length === 0 || payload.initial.length === 0) {
    return payload.result.segmentations.map((s) => s.symbols);
  }
  const segs = payload.initial.map((s) => [...s]);
  for (const change of payload.history.slice(0, step)) {
    for (const c of change.changes) {
      segs[c.word] = c.symbols;
    }
  }
  return segs;
}

bindStepperKeys(() => stepper);
client.ready();
