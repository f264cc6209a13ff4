// The Predictions panel: fill-mask candidates per mask (click one to put it in the editor, score
// your own), the MLM masking demo, and BERT vs GPT at the cursor side by side.
import type { LocalizedStrings } from '../src/protocol/wire';
import type { FillMaskTarget, PredictChannel, PredictPanelState, PredictPayload, PredictStringKey } from '../src/protocol/prediction';
import { byId, format, h, replaceChildren } from './dom';
import { barList, percent, visible } from './probBars';
import { HostClient } from './rpc';

const client = new HostClient<PredictChannel, PredictPanelState>();
const app = byId('app');
let strings: LocalizedStrings<PredictStringKey> | undefined;
let state: PredictPanelState = client.state ?? {};
let failure: string | undefined;
const status = h('p', { class: 'status fill-status', role: 'status', 'aria-live': 'polite' });

client.on('panel/didInit', (init) => {
  strings = init.strings;
  render();
});
client.on('predict/didChange', (payload) => {
  failure = undefined;
  state = { payload };
  client.state = state;
  status.textContent = payload.view === 'fill' && payload.applied ? format(strings?.applied ?? '{0}', payload.applied) : '';
  render();
});
client.on('predict/didFail', ({ message }) => {
  failure = message;
  render();
});

function render(): void {
  const s = strings;
  if (!s) return;
  app.setAttribute('aria-busy', 'false');
  const payload = state.payload;
  if (failure) {
    replaceChildren(app, h('p', { class: 'error', role: 'alert' }, failure));
    return;
  }
  if (!payload) {
    replaceChildren(app, h('p', { class: 'muted' }, s.loading));
    return;
  }
  switch (payload.view) {
    case 'fill':
      renderFill(s, payload);
      return;
    case 'mlm':
      renderMlm(s, payload);
      return;
    case 'compare':
      renderCompare(s, payload);
      return;
  }
}

function modelLine(s: LocalizedStrings<PredictStringKey>, model: { label: string; family: string }): HTMLElement {
  return h('p', { class: 'muted model-line' }, format(s.model, model.label, model.family));
}

function renderFill(s: LocalizedStrings<PredictStringKey>, p: Extract<PredictPayload, { view: 'fill' }>): void {
  const { result } = p;
  const masks = result.masks.map((slot) =>
    h(
      'section',
      { class: 'mask-slot', 'aria-labelledby': `mask-${slot.index}` },
      h('h2', { class: 'section-title', id: `mask-${slot.index}` }, format(s.maskOf, slot.index + 1, result.masks.length, slot.start, slot.end)),
      barList(
        slot.candidates.map((c, i) => ({ label: c.text, token: c.token, prob: c.prob, rank: c.rank, marked: i === 0 })),
        {
          label: format(s.candidates, slot.candidates.length),
          describe: (item) => format(s.apply, visible(item.label), percent(item.prob)),
          ...(p.canApply
            ? {
                onPick: (i: number) => {
                  const chosen = slot.candidates[i];
                  if (!chosen) return;
                  void client.request('fillMask/apply', { slot: slot.index, text: chosen.text }).then((r) => {
                    if (!r.applied) status.textContent = r.message ?? s.notApplicable;
                  });
                },
              }
            : {}),
        },
      ),
    ),
  );
  const input = h('input', { type: 'text', id: 'own-candidate', placeholder: s.ownCandidatePlaceholder, 'aria-label': s.ownCandidate });
  const scoreButton = h('button', { type: 'submit', class: 'primary' }, s.ownCandidateButton);
  const form = h('form', { class: 'own-form' }, h('label', { for: 'own-candidate' }, s.ownCandidate), input, scoreButton);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const word = input.value.trim();
    if (!word) return;
    void client.request('fillMask/target', { text: word }).then((t) => {
      if (!t) status.textContent = format(s.ownNotFound, word);
    });
  });
  replaceChildren(
    app,
    h('h1', { class: 'panel-title' }, s.fillTitle),
    modelLine(s, p.model),
    result.window ? h('p', { class: 'note' }, format(s.windowNote, result.window.start, result.window.end)) : null,
    p.canApply ? h('p', { class: 'hint' }, s.applyHint) : h('p', { class: 'note' }, s.notApplicable),
    status,
    masks,
    h('section', { class: 'own' }, form, targetList(s, p.targets)),
    h('h2', { class: 'section-title' }, s.filled),
    h('p', { class: 'filled-text' }, result.filledText),
    h('p', { class: 'hint' }, s.keyboardHelp),
  );
}

function targetList(s: LocalizedStrings<PredictStringKey>, targets: FillMaskTarget[]): HTMLElement | null {
  if (targets.length === 0) return null;
  return h(
    'ul',
    { class: 'targets' },
    targets.map((t) => h('li', {}, format(s.ownResult, t.text, t.maskIndex + 1, percent(t.prob), t.rank, t.tokens.join(' ')))),
  );
}

function renderMlm(s: LocalizedStrings<PredictStringKey>, p: Extract<PredictPayload, { view: 'mlm' }>): void {
  const { result } = p;
  const correct = result.positions.filter((x) => x.correct).length;
  const seed = h('input', { type: 'number', id: 'mlm-seed', min: 0, step: 1, value: result.seed, 'aria-label': s.mlmSeed });
  const rerun = h('button', { type: 'submit' }, s.mlmRerun);
  const form = h('form', { class: 'toolbar' }, h('label', { for: 'mlm-seed' }, s.mlmSeed), seed, rerun);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = Number(seed.value);
    if (Number.isInteger(value) && value >= 0) {
      app.setAttribute('aria-busy', 'true');
      void client.request('mlm/rerun', { seed: value });
    }
  });
  const chosen = new Set(result.positions.map((x) => x.position));
  const sentence = h(
    'p',
    { class: 'corrupted', 'aria-label': s.mlmShownAs },
    result.corrupted.map((t, i) => h('span', { class: chosen.has(i) ? 'tok chosen' : 'tok' }, t)),
  );
  const rows = result.positions.map((x) =>
    h(
      'tr',
      { class: x.correct ? 'correct' : 'wrong' },
      h('td', {}, visible(x.original.text)),
      h('td', {}, s[`mlmCorruption.${x.corruption}`]),
      h('td', {}, x.shownAs),
      h('td', {}, x.predictions.map((c) => h('span', { class: c.id === x.original.id ? 'pred hit' : 'pred', title: c.token }, `${visible(c.text)} ${percent(c.prob)} %`))),
      h('td', {}, x.correct ? `✓ ${s.correct}` : `✗ ${s.wrong}`),
    ),
  );
  replaceChildren(
    app,
    h('h1', { class: 'panel-title' }, s.mlmTitle),
    modelLine(s, p.model),
    h('p', { class: 'intro' }, format(s.mlmIntro, 15)),
    form,
    h('p', { class: 'accuracy', role: 'status' }, format(s.mlmAccuracy, correct, result.positions.length, Math.round(100 * result.accuracy))),
    sentence,
    h(
      'table',
      { class: 'mlm-table' },
      h('thead', {}, h('tr', {}, [s.mlmOriginal, '', s.mlmShownAs, s.mlmPrediction, ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows),
    ),
  );
}

/**
 * The context's characters in one row and each model's tokens below, every token spanning the
 * grid columns of its characters: where the two tokenizations cut the same text differently shows
 * at a glance.
 */
function alignedTokens(s: LocalizedStrings<PredictStringKey>, p: Extract<PredictPayload, { view: 'compare' }>): HTMLElement {
  const { context, maskedTokens, causalTokens } = p.result;
  const chars = [...context.text];
  // Grid columns are UTF-16 code units of the context (offsets are UTF-16), one per column.
  const grid = h('div', { class: 'aligned-grid', role: 'table', 'aria-label': s.compareAligned });
  grid.style.gridTemplateColumns = `max-content repeat(${context.text.length}, 1ch)`;
  const place = (el: HTMLElement, row: number, start: number, end: number): HTMLElement => {
    el.style.gridRow = String(row);
    el.style.gridColumn = `${start - context.start + 2} / ${end - context.start + 2}`;
    return el;
  };
  const label = (text: string, row: number): HTMLElement => {
    const el = h('div', { class: 'aligned-label', role: 'rowheader' }, text);
    el.style.gridRow = String(row);
    el.style.gridColumn = '1';
    return el;
  };
  let offset = context.start;
  const charCells = chars.map((c) => {
    const cell = place(h('div', { class: 'aligned-char' }, c === ' ' ? '·' : c), 1, offset, offset + c.length);
    offset += c.length;
    return cell;
  });
  const tokenCells = (tokens: typeof maskedTokens, row: number): HTMLElement[] =>
    // Each chip shows the characters it covers (so it fits its columns); the vocabulary entry is in its tooltip.
    tokens.map((t) => {
      const covered = context.text.slice(t.start - context.start, t.end - context.start).replace(/ /g, '·');
      return place(h('div', { class: `aligned-token${t.inWord ? ' in-word' : ''}`, title: `${t.token} · id ${t.id}`, 'data-token': t.token }, covered), row, t.start, t.end);
    });
  grid.append(label('', 1), ...charCells, label(p.masked.label, 2), ...tokenCells(maskedTokens, 2), label(p.causal.label, 3), ...tokenCells(causalTokens, 3));
  return h('section', { class: 'aligned' }, h('h2', { class: 'section-title' }, s.compareAligned), h('div', { class: 'aligned-scroll' }, grid));
}

function renderCompare(s: LocalizedStrings<PredictStringKey>, p: Extract<PredictPayload, { view: 'compare' }>): void {
  const { result } = p;
  const word = result.word.text;
  const column = (title: string, items: Array<{ text: string; token: string; prob: number }>, prob: number, rank: number): HTMLElement =>
    h(
      'section',
      { class: 'compare-column' },
      h('h2', { class: 'section-title' }, title),
      h('p', { class: 'original' }, format(s.originalScore, percent(prob), rank)),
      barList(
        items.map((c, i) => ({ label: c.text, token: c.token, prob: c.prob, rank: i + 1, marked: c.text.trim().toLowerCase() === word.trim().toLowerCase() })),
        { label: title },
      ),
    );
  replaceChildren(
    app,
    h('h1', { class: 'panel-title' }, s.compareTitle),
    h('p', { class: 'intro' }, s.compareIntro),
    h('p', { class: 'word' }, format(s.compareWord, word)),
    alignedTokens(s, p),
    h(
      'div',
      { class: 'compare' },
      column(format(s.compareMasked, p.masked.label), result.masked.candidates, result.masked.originalProb, result.masked.originalRank),
      column(format(s.compareCausal, p.causal.label), result.causal.candidates, result.causal.originalProb, result.causal.originalRank),
    ),
  );
}

if (state.payload) app.setAttribute('aria-busy', 'true');
client.ready();
