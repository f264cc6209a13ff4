// Drawing of a WordPiece replay: greedy longest-match-first. Each step shows the word with the
// piece found highlighted and the longer candidates that were tried first (not in the vocabulary).
import type { BpeStringKey, TraceView } from '../src/protocol/bpe';
import type { LocalizedStrings } from '../src/protocol/wire';
import { symbolChip } from './chips';
import { format, h } from './dom';
import { renderStepList } from './stepList';

type WordPieceTrace = Extract<TraceView, { kind: 'wordpiece' }>;
type Strings = LocalizedStrings<BpeStringKey>;

/** Most tried candidates listed per step (a long word tries many). */
const MAX_TRIED = 12;

export function renderWordPieceStep(s: Strings, trace: WordPieceTrace, step: number): Array<HTMLElement | null> {
  const header = h('p', { class: 'word-header' }, h('strong', { class: 'word-text' }, trace.word));
  if (step === 0 || trace.steps.length === 0) {
    return [header, wordWithPieces(trace, 0)];
  }
  const current = trace.steps[step - 1]!;
  const found = current.piece;
  // A piece that is not a slice of the word is the unknown token ([UNK]): nothing matched.
  const unknown = found.replace(/^##/, '') !== trace.word.slice(current.start, current.end);
  return [
    header,
    wordWithPieces(trace, step),
    h(
      'p',
      { class: 'merge-line wordpiece' },
      unknown ? format(s.unknown, found) : format(s.piece, found, current.start, current.end),
    ),
    triedList(s, current.tried),
  ];
}

export function renderWordPieceSteps(s: Strings, trace: WordPieceTrace, step: number, go: (step: number) => void): HTMLElement[] {
  return renderStepList(s.wordpieceSteps, trace.steps, step, go, (st) => [
    symbolChip(st.piece, 'merged'),
    st.tried.length > 0 ? h('span', { class: 'rank' }, format(s.triedCount, st.tried.length)) : null,
  ]);
}

/** The word cut into the pieces found so far; the newest piece highlighted, the rest of the word plain. */
function wordWithPieces(trace: WordPieceTrace, step: number): HTMLElement {
  const done = trace.steps.slice(0, step);
  const consumed = done.at(-1)?.end ?? 0;
  return h(
    'div',
    { class: 'symbol-row' },
    h(
      'span',
      { class: 'symbols', role: 'list' },
      done.map((st, i) => {
        const chip = symbolChip(trace.word.slice(st.start, st.end), i === step - 1 ? 'merged' : 'done');
        chip.setAttribute('role', 'listitem');
        return chip;
      }),
      consumed < trace.word.length ? h('span', { class: 'rest', role: 'listitem' }, trace.word.slice(consumed)) : null,
    ),
  );
}

function triedList(s: Strings, tried: readonly string[]): HTMLElement | null {
  if (tried.length === 0) {
    return null;
  }
  const shown = tried.slice(0, MAX_TRIED);
  return h(
    'div',
    { class: 'tried' },
    h('span', { class: 'tried-label' }, s.tried),
    h(
      'span',
      { class: 'symbols' },
      shown.map((t) => symbolChip(t, 'rejected')),
      tried.length > shown.length ? h('span', { class: 'muted' }, `+${tried.length - shown.length}`) : null,
    ),
  );
}
