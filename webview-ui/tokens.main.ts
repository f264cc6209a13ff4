// The Tokens panel: one tokenizer's chips, or two side by side (compare mode), with counts.
import type { TokenColumnView, TokenizerChoice, TokensChannel, TokensPanelState, TokensPayload, TokensStringKey } from '../src/protocol/tokens';
import type { LocalizedStrings } from '../src/protocol/wire';
import { renderColumnChips } from './chips';
import { byId, format, h, replaceChildren } from './dom';
import { tokenizerPicker } from './picker';
import { HostClient } from './rpc';

const client = new HostClient<TokensChannel, TokensPanelState>();
const app = byId('app');
let strings: LocalizedStrings<TokensStringKey> | undefined;
let choices: TokenizerChoice[] = [];
let state: TokensPanelState | undefined = client.state;
let busy = false;

const toolbar = h('div', { class: 'toolbar', role: 'toolbar' });
const summary = h('p', { class: 'summary', 'aria-live': 'polite' });
const columns = h('div', { class: 'columns' });
const focusDetail = h('p', { class: 'focus-detail', 'aria-live': 'polite' });
const hint = h('p', { class: 'hint' });

client.on('panel/didInit', (init) => {
  const changed = JSON.stringify([init.strings, init.choices]) !== JSON.stringify([strings, choices]);
  strings = init.strings;
  choices = init.choices;
  if (changed) {
    render();
  }
});

client.on('tokens/didChange', (payload) => {
  busy = false;
  state = {
    primary: payload.primary,
    secondary: payload.secondary,
    compare: payload.compare,
    text: payload.text,
    showIds: state?.showIds ?? false,
    payload,
  };
  client.state = state;
  render();
});

function setOptions(change: Partial<Pick<TokensPanelState, 'primary' | 'secondary' | 'compare'>>): void {
  if (!state) {
    return;
  }
  state = { ...state, ...change };
  client.state = state;
  busy = true;
  client.notify('options/didChange', { primary: state.primary, secondary: state.secondary, compare: state.compare });
  render();
}

function render(): void {
  if (!strings) {
    return;
  }
  if (!state) {
    replaceChildren(app, h('p', { class: 'muted' }, strings.loading));
    return;
  }
  app.setAttribute('aria-busy', String(busy));
  renderToolbar(strings, state);
  const payload = state.payload;
  replaceChildren(
    columns,
    payload ? payload.columns.map((c) => renderColumn(strings!, payload, c)) : h('p', { class: 'muted' }, strings.loading),
  );
  columns.classList.toggle('compare', (payload?.columns.length ?? 0) > 1);
  columns.classList.toggle('busy', busy);
  summary.textContent = payload ? describeComparison(strings, payload) : '';
  hint.textContent = strings.keyboardHelp;
  if (!app.contains(toolbar)) {
    replaceChildren(app, toolbar, summary, columns, focusDetail, hint);
  }
}

function renderToolbar(s: LocalizedStrings<TokensStringKey>, st: TokensPanelState): void {
  const browse = (): Promise<TokenizerChoice | null> => client.request('tokenizer/browse', {});
  const compareBox = h('input', { type: 'checkbox', id: 'compare', checked: st.compare });
  compareBox.addEventListener('change', () => setOptions({ compare: compareBox.checked }));
  const idsBox = h('input', { type: 'checkbox', id: 'show-ids', checked: st.showIds });
  idsBox.addEventListener('change', () => {
    state = { ...st, showIds: idsBox.checked };
    client.state = state;
    render();
  });
  const focused = document.activeElement?.id;
  replaceChildren(
    toolbar,
    tokenizerPicker({
      id: 'primary',
      label: s.tokenizer,
      browseLabel: s.browse,
      choices,
      value: st.primary,
      onChange: (primary) => setOptions({ primary }),
      browse,
    }),
    h('label', { class: 'check', for: 'compare' }, compareBox, s.compare),
    st.compare
      ? tokenizerPicker({
          id: 'secondary',
          label: s.compareWith,
          browseLabel: s.browse,
          choices,
          value: st.secondary,
          onChange: (secondary) => setOptions({ secondary }),
          browse,
        })
      : null,
    h('label', { class: 'check', for: 'show-ids' }, idsBox, s.showIds),
    busy ? h('span', { class: 'busy-label', role: 'status' }, s.loading) : null,
  );
  if (focused) {
    document.getElementById(focused)?.focus();
  }
}

function renderColumn(s: LocalizedStrings<TokensStringKey>, payload: TokensPayload, column: TokenColumnView): HTMLElement {
  const name = column.tokenizer?.label ?? column.spec;
  const stats = column.error
    ? null
    : h(
        'div',
        { class: 'stats' },
        h('span', { class: 'stat stat-count' }, format(s.tokenCount, column.total)),
        h('span', { class: 'stat' }, format(s.charsPerToken, column.charsPerToken)),
        h('span', { class: 'stat' }, format(s.characters, payload.textLength)),
      );
  const body = renderColumnChips(column, {
    text: payload.text,
    strings: s,
    label: format(s.tokensOf, name),
    showIds: state?.showIds ?? false,
    detail: focusDetail,
  });
  return h(
    'section',
    { class: 'column', 'aria-label': format(s.tokensOf, name), 'data-tokenizer': column.spec },
    h('header', { class: 'column-header' }, h('h2', {}, name), stats),
    body,
    column.total > column.tokens.length && !column.error
      ? h('p', { class: 'note' }, format(s.truncated, column.tokens.length, column.total))
      : null,
  );
}

function describeComparison(s: LocalizedStrings<TokensStringKey>, payload: TokensPayload): string {
  const [a, b] = payload.columns;
  if (!a || !b || a.error || b.error) {
    return '';
  }
  const nameA = a.tokenizer?.label ?? a.spec;
  const nameB = b.tokenizer?.label ?? b.spec;
  if (a.total === b.total) {
    return format(s.same, a.total);
  }
  const [more, fewer, by] = a.total > b.total ? [nameA, nameB, a.total - b.total] : [nameB, nameA, b.total - a.total];
  return by === 1 ? format(s.differenceOne, more, fewer) : format(s.difference, more, by, fewer);
}

if (state?.payload) {
  // Draw the saved state at once; the host's answer to `ready` replaces it.
  busy = true;
}
client.ready();
