// The tokenizer picker of the panels: a <select> of the known tokenizers plus "Browse…", which
// asks the host for a file and adds what it returns.
import type { TokenizerChoice } from '../src/protocol/tokens';
import { h } from './dom';

const BROWSE = '\u0000browse';

export interface PickerOptions {
  id: string;
  label: string;
  browseLabel: string;
  choices: readonly TokenizerChoice[];
  value: string;
  onChange: (spec: string) => void;
  browse: () => Promise<TokenizerChoice | null>;
}

export function tokenizerPicker(o: PickerOptions): HTMLElement {
  const select = h('select', { id: o.id, class: 'picker' });
  const fill = (choices: readonly TokenizerChoice[], value: string): void => {
    const known = choices.some((c) => c.spec === value) ? choices : [...choices, { spec: value, label: value, detail: '' }];
    select.replaceChildren(
      ...known.map((c) => h('option', { value: c.spec, title: c.detail || undefined, selected: c.spec === value }, c.label)),
      h('option', { value: BROWSE }, o.browseLabel),
    );
    select.value = value;
  };
  fill(o.choices, o.value);
  let current = o.value;
  let choices = [...o.choices];
  select.addEventListener('change', () => {
    if (select.value !== BROWSE) {
      current = select.value;
      o.onChange(current);
      return;
    }
    select.value = current;
    o.browse()
      .then((picked) => {
        if (picked) {
          choices = [...choices.filter((c) => c.spec !== picked.spec), picked];
          current = picked.spec;
          fill(choices, current);
          o.onChange(current);
        }
      })
      .catch(() => undefined);
  });
  return h('label', { class: 'field', for: o.id }, h('span', { class: 'field-label' }, o.label), select);
}
