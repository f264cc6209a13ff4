// The Tokens side view: the tokens of the editor's selection (or the cursor's line), live.
import type { TokensViewChannel, TokensViewPayload, TokensViewStringKey } from '../src/protocol/tokensView';
import type { LocalizedStrings } from '../src/protocol/wire';
import { renderColumnChips } from './chips';
import { byId, format, h, replaceChildren } from './dom';
import { HostClient } from './rpc';

interface ViewState {
  payload?: TokensViewPayload;
  message?: string;
}

const client = new HostClient<TokensViewChannel, ViewState>();
const app = byId('app');
let strings: LocalizedStrings<TokensViewStringKey> | undefined;
let state: ViewState = client.state ?? {};
const detail = h('p', { class: 'focus-detail', 'aria-live': 'polite' });

client.on('view/didInit', (init) => {
  strings = init.strings;
  render();
});
client.on('tokens/didChange', (payload) => {
  state = { payload };
  client.state = state;
  render();
});
client.on('tokens/didClear', ({ message }) => {
  state = { message };
  client.state = state;
  render();
});

function render(): void {
  const s = strings;
  if (!s) {
    return;
  }
  app.setAttribute('aria-busy', 'false');
  const payload = state.payload;
  if (!payload) {
    replaceChildren(app, h('p', { class: 'muted' }, state.message ?? s.noEditor));
    return;
  }
  const { column } = payload;
  const name = column.tokenizer?.label ?? column.spec;
  const body = renderColumnChips(column, {
    text: payload.text,
    strings: s,
    label: `${payload.source} — ${name}`,
    detail,
    onActivate: (chip) => client.notify('token/didActivate', { start: chip.start, end: chip.end }),
  });
  replaceChildren(
    app,
    h(
      'header',
      { class: 'view-header' },
      h('span', { class: 'source' }, payload.source),
      column.error ? null : h('span', { class: 'stat stat-count' }, format(s.tokenCount, column.total)),
      column.error || column.total === 0 ? null : h('span', { class: 'stat' }, format(s.charsPerToken, column.charsPerToken)),
      h('span', { class: 'stat tokenizer-name' }, name),
    ),
    body,
    payload.truncated ? h('p', { class: 'note' }, format(s.tooLong, payload.text.length)) : null,
    column.tokens.length < column.total ? h('p', { class: 'note' }, `${column.tokens.length} / ${column.total}`) : null,
    detail,
    h('p', { class: 'hint' }, s.clickHint),
  );
}

client.ready();
