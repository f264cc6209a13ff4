// Drawing of a BPE replay: the symbols before and after the current merge, and the whole merge
// sequence as a list (class `bpe-step`), current merge highlighted.
import type { BpeStringKey, TraceView, WordTraceView } from '../src/protocol/bpe';
import type { LocalizedStrings } from '../src/protocol/wire';
import { symbolChip } from './chips';
import { format, h } from './dom';
import { renderStepList } from './stepList';

type BpeTrace = Extract<TraceView, { kind: 'bpe' }>;
type Strings = LocalizedStrings<BpeStringKey>;

export function renderBpeStep(s: Strings, word: WordTraceView, trace: BpeTrace, step: number): HTMLElement[] {
  const header = h(
    'p',
    { class: 'word-header' },
    h('strong', { class: 'word-text' }, word.text),
    word.word !== word.text ? h('span', { class: 'muted' }, `  →  ${word.word}`) : null,
  );
  if (trace.steps.length === 0) {
    return [header, symbolRow(s.initial, trace.initial), h('p', { class: 'muted' }, s.noMerge)];
  }
  if (step === 0) {
    return [header, symbolRow(s.initial, trace.initial)];
  }
  const current = trace.steps[step - 1]!;
  const before = step === 1 ? trace.initial : trace.steps[step - 2]!.symbols;
  const pairIndices = beforeIndices(current.merged);
  return [
    header,
    symbolRow(s.before, before, (i) => (pairIndices.has(i) ? 'pair' : '')),
    h(
      'p',
      { class: 'merge-line' },
      h('span', { class: 'merge-text' }, format(s.merge, current.pair[0], current.pair[1], current.pair[0] + current.pair[1])),
      h('span', { class: 'rank' }, format(s.rank, current.rank)),
    ),
    symbolRow(s.after, current.symbols, (i) => (current.merged.includes(i) ? 'merged' : '')),
  ];
}

export function renderBpeSteps(s: Strings, trace: BpeTrace, step: number, go: (step: number) => void): HTMLElement[] {
  return renderStepList(s.steps, trace.steps, step, go, (st) => [
    h('span', { class: 'step-pair' }, symbolChip(st.pair[0]), '+', symbolChip(st.pair[1]), '→', symbolChip(st.pair[0] + st.pair[1], 'merged')),
    h('span', { class: 'rank' }, format(s.rank, st.rank)),
  ]);
}

/**
 * Indices in the symbols *before* a merge of the pairs that became `merged` (indices *after* it):
 * each merged symbol stands for two earlier ones, so the k-th merged index j was at j + k.
 */
function beforeIndices(merged: readonly number[]): Set<number> {
  const out = new Set<number>();
  merged.forEach((j, k) => {
    out.add(j + k);
    out.add(j + k + 1);
  });
  return out;
}

function symbolRow(label: string, symbols: readonly string[], classOf: (i: number) => string = () => ''): HTMLElement {
  return h(
    'div',
    { class: 'symbol-row' },
    h('span', { class: 'row-label' }, label),
    h(
      'span',
      { class: 'symbols', role: 'list', 'aria-label': label },
      symbols.map((sym, i) => {
        const chip = symbolChip(sym, classOf(i));
        chip.setAttribute('role', 'listitem');
        return chip;
      }),
    ),
  );
}
