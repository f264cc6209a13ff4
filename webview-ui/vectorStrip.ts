// A vector as a strip of colour cells (diverging: blue negative, the background at 0, orange
// positive), the value of each cell in its tooltip; wraps to the width of the page, so a d = 768
// vector fits a narrow panel too. Optionally cut into groups (the heads of a concatenation).
import { css, divergingColor, type Palette } from './attentionColors';
import { format, h } from './dom';
import type { NumberFormatter } from './numberFormat';

export interface StripOptions {
  /** The vector's name in each tooltip: `q_i`, `k_3`… */
  name: string;
  /** The largest |value| of the scale (values beyond it take the end colour). */
  max: number;
  palette: Palette;
  fmt: NumberFormatter;
  /** Tooltip template: `{0}[{1}] = {2}` (name, index, value). */
  cellTitle: string;
  /** Cells per group (a head's d_k in a concatenation), and the group outlined. */
  group?: { size: number; outlined: number; label: (g: number) => string };
  /** Narrower cells (the key and value rows of the table). */
  compact?: boolean;
}

export function maxAbsOf(...vectors: ReadonlyArray<ArrayLike<number>>): number {
  let m = 0;
  for (const v of vectors) for (let k = 0; k < v.length; k++) m = Math.max(m, Math.abs(v[k]));
  return m;
}

function cell(value: number, index: number, o: StripOptions): HTMLElement {
  const el = h('span', { class: 'cell', title: format(o.cellTitle, o.name, String(index), o.fmt.fixed(value, 4)) });
  el.style.background = css(divergingColor(o.palette, value, o.max));
  return el;
}

/** The strip of `values`; `data-values` keeps them for tests and for copying. */
export function vectorStrip(values: readonly number[], o: StripOptions): HTMLElement {
  const strip = h('div', { class: `strip${o.compact ? ' compact' : ''}`, role: 'img', 'aria-label': `${o.name} (${values.length})` });
  if (!o.group) {
    values.forEach((v, k) => strip.append(cell(v, k, o)));
    return strip;
  }
  const { size, outlined, label } = o.group;
  for (let g = 0; g * size < values.length; g++) {
    const part = h('span', { class: `strip-group${g === outlined ? ' outlined' : ''}` }, h('span', { class: 'group-label' }, label(g)));
    for (let k = g * size; k < Math.min(values.length, (g + 1) * size); k++) part.append(cell(values[k], k, o));
    strip.append(part);
  }
  return strip;
}

/** The values written out, for the vectors small enough to read (q_i, the head's output). */
export function numberList(values: readonly number[], fmt: NumberFormatter, summary: string): HTMLElement {
  return h('details', { class: 'numbers' }, h('summary', {}, summary), h('p', { class: 'number-list' }, values.map((v) => fmt.fixed(v, 3)).join('  ')));
}
