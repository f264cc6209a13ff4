// Probability bars shared by the prediction panels: one row per candidate, the bar's width its
// probability, the text readable by screen readers (aria-label) and keyboard operable (buttons).
import { h } from './dom';

export interface BarItem {
  /** What is shown: the candidate's text. */
  label: string;
  /** The vocabulary string (tooltip). */
  token: string;
  prob: number;
  rank?: number;
  /** Highlighted (chosen, original, correct). */
  marked?: boolean;
  /** Dimmed (filtered out, pruned). */
  dimmed?: boolean;
  /** Extra column (e.g. the probability after filtering). */
  extra?: string;
}

/** A readable form of a token's text: spaces and line breaks made visible. */
export function visible(text: string): string {
  if (text === '') return '∅';
  return text.replace(/\n/g, '↵').replace(/^ /, '·').replace(/ $/, '·');
}

/** A probability as a percentage: 12.3, 0.053, 2.1e-5 (two significant digits below 10 %). */
export function percent(p: number): string {
  if (p >= 0.1) return (100 * p).toFixed(1);
  if (p >= 1e-6) return Number((100 * p).toPrecision(2)).toString();
  return (100 * p).toExponential(1);
}

/**
 * Rows of bars. With `onPick`, each row is a button (Enter/Space activate it); `describe` gives
 * its accessible name.
 */
export function barList(items: BarItem[], options: { label: string; onPick?: (index: number) => void; describe?: (item: BarItem) => string }): HTMLElement {
  const max = Math.max(1e-12, ...items.map((i) => i.prob));
  return h(
    'div',
    { class: 'bars', role: 'list', 'aria-label': options.label },
    items.map((item, index) => {
      const fill = h('span', { class: 'bar-fill' });
      fill.style.width = `${Math.max(0.5, (100 * item.prob) / max)}%`;
      const content = [
        // Every row has every column, so the grid lines up whatever a row lacks.
        h('span', { class: 'bar-rank' }, item.rank === undefined ? '' : `#${item.rank}`),
        h('span', { class: 'bar-label', title: item.token }, visible(item.label)),
        h('span', { class: 'bar-track', 'aria-hidden': 'true' }, fill),
        h('span', { class: 'bar-value' }, `${percent(item.prob)} %`),
        h('span', { class: 'bar-extra' }, item.extra ?? ''),
      ];
      const cls = `bar-row${item.marked ? ' marked' : ''}${item.dimmed ? ' dimmed' : ''}`;
      const name = options.describe?.(item) ?? `${visible(item.label)} ${percent(item.prob)} %`;
      if (options.onPick) {
        const button = h('button', { type: 'button', class: cls, 'aria-label': name }, content);
        button.addEventListener('click', () => options.onPick?.(index));
        return h('div', { role: 'listitem' }, button);
      }
      return h('div', { role: 'listitem', class: cls, 'aria-label': name }, content);
    }),
  );
}
