// Token chips: the text drawn as one coloured chip per token, in reading order, with the
// whitespace between tokens kept visible (line breaks stay line breaks). Shared by the Tokens
// panel and the side view; the BPE panels draw their symbols with `symbolChip()`.
import type { ChipView, TokenColumnView } from '../src/protocol/tokens';
import { format, h } from './dom';

export const CHIP_COLOURS = 6;

export interface ChipStrings {
  /** "Token {0}, id {1}, characters {2} to {3}" */
  chipLabel: string;
  special: string;
}

export interface ChipListOptions {
  text: string;
  chips: readonly ChipView[];
  strings: ChipStrings;
  label: string;
  showIds?: boolean;
  onFocusChip?: (chip: ChipView) => void;
  onActivate?: (chip: ChipView) => void;
}

/** The strings of a tokenizer column: the chips' and those of its note and focus line. */
export interface ColumnStrings extends ChipStrings {
  /** Shown when the text has no token. */
  empty: string;
  /** "{0} — id {1} — characters {2}–{3}: {4}": the focused chip, its id, its span and its text. */
  focused: string;
}

export interface ColumnChipsOptions extends Omit<ChipListOptions, 'chips' | 'strings' | 'onFocusChip'> {
  strings: ColumnStrings;
  /** Where the focused chip is described. */
  detail: HTMLElement;
}

/** A tokenizer column's chips, or its load error, or the "empty" note when the text has no token. */
export function renderColumnChips(column: TokenColumnView, o: ColumnChipsOptions): HTMLElement {
  if (column.error) return h('p', { class: 'error', role: 'alert' }, column.error);
  if (column.total === 0) return h('p', { class: 'muted' }, o.strings.empty);
  const { detail, ...list } = o;
  return renderChipList({ ...list, chips: column.tokens, onFocusChip: (chip) => (detail.textContent = describeChip(o.strings, o.text, chip)) });
}

function describeChip(s: ColumnStrings, text: string, chip: ChipView): string {
  return format(s.focused, chip.display, String(chip.id), chip.start, chip.end, text.slice(chip.start, chip.end));
}

/**
 * Colour index per chip: a hash of the id, so the same token keeps its colour across the text,
 * moved on by one when it would equal its left neighbour's, so adjacent chips always differ.
 */
export function chipColours(chips: readonly ChipView[]): number[] {
  const colours: number[] = [];
  chips.forEach((chip, i) => {
    let c = Math.imul(chip.id + 1, 2654435761) >>> 0;
    c %= CHIP_COLOURS;
    if (i > 0 && c === colours[i - 1]) {
      c = (c + 1) % CHIP_COLOURS;
    }
    colours.push(c);
  });
  return colours;
}

export function renderChipList(o: ChipListOptions): HTMLElement {
  const list = h('div', { class: 'chip-list', role: 'list', 'aria-label': o.label });
  const colours = chipColours(o.chips);
  const chipEls: HTMLElement[] = [];
  let cursor = 0;
  o.chips.forEach((chip, i) => {
    if (chip.start > cursor) {
      appendGap(list, o.text.slice(cursor, chip.start));
    }
    const el = chipElement(chip, colours[i] ?? 0, o, i === 0);
    chipEls.push(el);
    list.append(el);
    if (o.text.slice(chip.start, chip.end).includes('\n')) {
      list.append(h('span', { class: 'line-break', 'aria-hidden': 'true' }));
    }
    cursor = Math.max(cursor, chip.end);
  });
  list.addEventListener('keydown', (event) => moveFocus(event, chipEls));
  list.addEventListener('focusin', (event) => {
    const index = chipEls.indexOf(event.target as HTMLElement);
    const chip = o.chips[index];
    if (chip) {
      chipEls.forEach((el, j) => (el.tabIndex = j === index ? 0 : -1));
      o.onFocusChip?.(chip);
    }
  });
  return list;
}

function chipElement(chip: ChipView, colour: number, o: ChipListOptions, first: boolean): HTMLElement {
  const label = format(o.strings.chipLabel, chip.display, String(chip.id), chip.start, chip.end);
  const el = h(
    'span',
    {
      class: `token-chip c${colour}${chip.special ? ' special' : ''}${o.onActivate ? ' activatable' : ''}`,
      role: 'listitem',
      tabindex: first ? 0 : -1,
      'data-token-id': chip.id,
      'data-token': chip.token,
      'data-start': chip.start,
      'data-end': chip.end,
      title: `${chip.display}  ·  id ${chip.id}${chip.special ? `  ·  ${o.strings.special}` : ''}`,
      'aria-label': chip.special ? `${label} (${o.strings.special})` : label,
    },
    h('span', { class: 'chip-text' }, chip.display === '' ? '\u200b' : chip.display),
    o.showIds ? h('span', { class: 'chip-id', 'aria-hidden': 'true' }, String(chip.id)) : null,
  );
  if (o.onActivate) {
    const activate = o.onActivate;
    el.addEventListener('click', () => activate(chip));
    el.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        activate(chip);
      }
    });
  }
  return el;
}

/** Whitespace the tokenizer dropped (BERT): a small gap, or a line break per newline (at most two). */
function appendGap(list: HTMLElement, gap: string): void {
  const breaks = Math.min(2, (gap.match(/\n/g) ?? []).length);
  if (breaks === 0) {
    list.append(h('span', { class: 'gap', 'aria-hidden': 'true' }));
    return;
  }
  for (let i = 0; i < breaks; i++) {
    list.append(h('span', { class: i === 0 ? 'line-break' : 'line-break blank', 'aria-hidden': 'true' }));
  }
}

function moveFocus(event: KeyboardEvent, chips: HTMLElement[]): void {
  const current = chips.indexOf(document.activeElement as HTMLElement);
  if (current < 0) {
    return;
  }
  const target =
    event.key === 'ArrowRight' || event.key === 'ArrowDown'
      ? current + 1
      : event.key === 'ArrowLeft' || event.key === 'ArrowUp'
        ? current - 1
        : event.key === 'Home'
          ? 0
          : event.key === 'End'
            ? chips.length - 1
            : undefined;
  if (target === undefined) {
    return;
  }
  event.preventDefault();
  chips[Math.max(0, Math.min(chips.length - 1, target))]?.focus();
}

/** A symbol of a BPE/WordPiece replay, drawn like a token chip. */
export function symbolChip(text: string, extraClass = '', colour?: number): HTMLElement {
  const cls = ['symbol-chip', colour === undefined ? '' : `c${colour}`, extraClass].filter(Boolean).join(' ');
  return h('span', { class: cls }, text === '' ? '\u200b' : text);
}
