// The list of every step of a replay (BPE merges or WordPiece pieces): class `bpe-step` per item,
// the current one marked, earlier ones done; clicking a step jumps to it.
import { h, type Child } from './dom';

/** `body(step)` draws what a step says; steps are numbered from 1 (step 0 = before any). */
export function renderStepList<T>(
  title: string,
  steps: readonly T[],
  current: number,
  go: (step: number) => void,
  body: (step: T) => Child[],
): HTMLElement[] {
  if (steps.length === 0) {
    return [];
  }
  const items = steps.map((st, i) => {
    const n = i + 1;
    const status = n < current ? 'done' : n === current ? 'current' : 'future';
    const button = h(
      'button',
      { type: 'button', class: 'step-link', tabindex: n === current ? 0 : -1 },
      h('span', { class: 'step-number' }, String(n)),
      ...body(st),
    );
    button.addEventListener('click', () => go(n));
    return h('li', { class: `bpe-step ${status}`, 'aria-current': n === current ? 'step' : undefined }, button);
  });
  return [h('h2', { class: 'section-title' }, title), h('ol', { class: 'step-list' }, items)];
}
