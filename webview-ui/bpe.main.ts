// The BPE replay panel: for each word, the merges (BPE) or the longest-match steps (WordPiece)
// replayed one at a time, ending in the tokenizer's own tokens.
import type { BpeChannel, BpePanelState, BpePayload, BpeStringKey, WordTraceView } from '../src/protocol/bpe';
import type { TokenizerChoice } from '../src/protocol/tokens';
import type { LocalizedStrings } from '../src/protocol/wire';
import { byId, format, h, replaceChildren } from './dom';
import { tokenizerPicker } from './picker';
import { HostClient } from './rpc';
import { Stepper, bindStepperKeys } from './stepper';
import { renderBpeStep, renderBpeSteps } from './bpeReplay';
import { renderWordPieceStep, renderWordPieceSteps } from './wordPieceReplay';

const client = new HostClient<BpeChannel, BpePanelState>();
const app = byId('app');
let strings: LocalizedStrings<BpeStringKey> | undefined;
let choices: TokenizerChoice[] = [];
let state: BpePanelState | undefined = client.state;
let failure: string | undefined;
let stepper: Stepper | undefined;

const toolbar = h('div', { class: 'toolbar', role: 'toolbar' });
const intro = h('p', { class: 'intro' });
const wordTabs = h('div', { class: 'word-tabs', role: 'tablist' });
const stepperHost = h('div', { class: 'stepper-host' });
const current = h('section', { class: 'current-step', 'aria-live': 'polite' });
const sequence = h('section', { class: 'sequence' });
const result = h('section', { class: 'result' });
const footer = h('p', { class: 'hint' });

client.on('panel/didInit', (init) => {
  const changed = JSON.stringify([init.strings, init.choices]) !== JSON.stringify([strings, choices]);
  strings = init.strings;
  choices = init.choices;
  if (changed) {
    renderAll();
  }
});

client.on('trace/didChange', (payload) => {
  failure = undefined;
  const sameText = state?.payload?.text === payload.text && state.payload.spec === payload.spec;
  const word = sameText ? Math.min(state?.word ?? 0, Math.max(0, payload.words.length - 1)) : 0;
  const step = sameText ? (state?.step ?? 0) : 0;
  state = { text: payload.text, spec: payload.spec, word, step, payload };
  stepper = undefined;
  renderAll();
});

client.on('trace/didFail', ({ spec, message }) => {
  failure = message;
  state = { text: state?.text ?? '', spec, word: 0, step: 0, payload: undefined };
  renderAll();
});

function save(): void {
  if (state) {
    client.state = state;
  }
}

function selectedWord(): WordTraceView | undefined {
  return state?.payload?.words[state.word];
}

function stepCount(word: WordTraceView): number {
  return word.trace.steps.length;
}

function renderAll(): void {
  const s = strings;
  if (!s || !state) {
    return;
  }
  save();
  app.setAttribute('aria-busy', 'false');
  replaceChildren(
    toolbar,
    tokenizerPicker({
      id: 'tokenizer',
      label: s.tokenizer,
      browseLabel: s.browse,
      choices,
      value: state.spec,
      onChange: (spec) => {
        app.setAttribute('aria-busy', 'true');
        client.notify('tokenizer/didChange', { spec });
      },
      browse: () => client.request('tokenizer/browse', {}),
    }),
    state.payload ? h('span', { class: 'muted' }, describeTokenizer(state.payload)) : null,
  );
  const payload = state.payload;
  if (!payload || failure) {
    replaceChildren(current, failure ? h('p', { class: 'error', role: 'alert' }, failure) : h('p', { class: 'muted' }, s.loading));
    replaceChildren(app, toolbar, current);
    return;
  }
  intro.textContent = payload.tokenizer.kind === 'WordPiece' ? s.wordpieceIntro : s.bpeIntro;
  if (payload.words.length === 0) {
    replaceChildren(current, h('p', { class: 'muted' }, s.noWords));
    replaceChildren(app, toolbar, intro, current);
    return;
  }
  renderWordTabs(payload);
  const word = selectedWord()!;
  stepper = new Stepper({
    strings: s,
    max: stepCount(word),
    value: Math.min(state.step, stepCount(word)),
    describe: (v, max) => (v === 0 ? s.start : format(s.stepOf, v, max)),
    onChange: (v) => {
      state = { ...state!, step: v };
      save();
      renderStep();
    },
  });
  replaceChildren(stepperHost, stepper.element);
  footer.textContent = s.keyboardHelp;
  replaceChildren(
    app,
    toolbar,
    intro,
    h('h2', { class: 'section-title', id: 'words-title' }, s.words),
    wordTabs,
    payload.totalWords > payload.words.length
      ? h('p', { class: 'note' }, format(s.truncated, payload.words.length, payload.totalWords))
      : null,
    stepperHost,
    current,
    sequence,
    result,
    footer,
  );
  renderStep();
}

function renderWordTabs(payload: BpePayload): void {
  replaceChildren(
    wordTabs,
    payload.words.map((w, i) => {
      const selected = i === state!.word;
      const tab = h(
        'button',
        {
          type: 'button',
          role: 'tab',
          class: 'word-tab',
          'aria-selected': String(selected),
          tabindex: selected ? 0 : -1,
          title: `${w.word} → ${w.trace.tokens.join(' ')}`,
        },
        w.text.trim() === '' ? w.word : w.text,
        h('span', { class: 'badge' }, String(w.trace.tokens.length)),
      );
      tab.addEventListener('click', () => selectWord(i));
      return tab;
    }),
  );
  wordTabs.setAttribute('aria-labelledby', 'words-title');
}

function selectWord(index: number): void {
  const words = state?.payload?.words ?? [];
  if (!state || words.length === 0) {
    return;
  }
  const next = (index + words.length) % words.length;
  state = { ...state, word: next, step: 0 };
  renderAll();
  (wordTabs.children[next] as HTMLElement | undefined)?.focus();
}

function renderStep(): void {
  const s = strings;
  const word = selectedWord();
  if (!s || !state || !word) {
    return;
  }
  const step = Math.min(state.step, stepCount(word));
  if (word.trace.kind === 'bpe') {
    replaceChildren(current, renderBpeStep(s, word, word.trace, step));
    replaceChildren(sequence, renderBpeSteps(s, word.trace, step, (v) => stepper?.go(v)));
  } else {
    replaceChildren(current, renderWordPieceStep(s, word.trace, step));
    replaceChildren(sequence, renderWordPieceSteps(s, word.trace, step, (v) => stepper?.go(v)));
  }
  replaceChildren(
    result,
    h('h2', { class: 'section-title' }, s.finalTokens),
    h(
      'div',
      { class: 'final-tokens', role: 'list' },
      word.trace.tokens.map((t, i) =>
        h(
          'span',
          { class: 'final-token', role: 'listitem' },
          h(
            'span',
            {
              class: `bpe-final-token symbol-chip c${i % 6}`,
              'data-token': t,
              'data-token-id': word.ids[i],
              title: word.ids[i] === undefined ? t : `${t} · id ${word.ids[i]}`,
            },
            t,
          ),
          word.ids[i] === undefined ? null : h('span', { class: 'chip-id' }, `id ${word.ids[i]}`),
        ),
      ),
    ),
  );
}

function describeTokenizer(payload: BpePayload): string {
  return `${payload.tokenizer.label} · ${payload.tokenizer.vocabSize.toLocaleString(document.documentElement.lang || undefined)}`;
}

bindStepperKeys(
  () => stepper,
  (delta) => selectWord((state?.word ?? 0) + delta),
);
if (state?.payload) {
  app.setAttribute('aria-busy', 'true');
}
client.ready();
