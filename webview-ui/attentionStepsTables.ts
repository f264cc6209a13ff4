// The tables of the "Attention, step by step" page: stage 3 (q_i·k_j, ÷√d_k, the mask, the
// softmax beside the model's own row, and the check) and the same query in every head.
import type { LocalizedStrings } from '../src/protocol/wire';
import type { AttentionStepsPayload, AttentionStepsResult, AttentionStepsStringKey, StepsSelection } from '../src/protocol/attentionSteps';
import { css, headColor, type Palette } from './attentionColors';
import { format, h } from './dom';
import type { NumberFormatter } from './numberFormat';
import { visible } from './probBars';

/** What every part of the page draws from. */
export interface StepsView {
  s: LocalizedStrings<AttentionStepsStringKey>;
  p: AttentionStepsPayload;
  r: AttentionStepsResult;
  fmt: NumberFormatter;
  palette: Palette;
  /** Asks the host for another layer, head or query. */
  select(selection: StepsSelection): void;
}

/** A token as the student reads it: its text in the selection (spaces shown), or the special token's name. */
export function tokenLabel(p: AttentionStepsPayload, j: number): string {
  const t = p.result.tokens[j];
  if (!t) return '';
  return t.special || t.start === t.end ? t.token : visible(p.text.slice(t.start, t.end));
}

/** A weight in [0, 1] as a bar (its width) and its number. */
function weightBar(w: number, fmt: NumberFormatter, palette: Palette, colour = palette.accent): HTMLElement {
  const bar = h('span', { class: 'bar', 'aria-hidden': 'true' });
  bar.style.width = `${Math.max(0, Math.min(1, w)) * 100}%`;
  bar.style.background = css(colour);
  return h('span', { class: 'weight' }, h('span', { class: 'bar-track' }, bar), h('span', { class: 'num' }, fmt.fixed(w, 4)));
}

export function scoresSection(v: StepsView, tolerance: number): HTMLElement {
  const { s, r, p, fmt, palette } = v;
  const sqrt = Math.sqrt(r.dk);
  const rows = r.tokens.map((_, j) => {
    const allowed = r.allowed[j];
    const row = h(
      'tr',
      { class: `${j === r.query ? 'is-query' : ''}${allowed ? '' : ' masked'}`, 'data-weight': String(r.weights[j]), 'data-model-weight': String(r.modelWeights[j]) },
      h('td', { class: 'num' }, String(j)),
      h('td', { class: 'tok' }, tokenLabel(p, j)),
      h('td', { class: 'num' }, fmt.fixed(r.dots[j], 3)),
      h('td', { class: 'num' }, fmt.fixed(r.scaled[j], 3)),
      h('td', { class: `mask ${allowed ? 'seen' : 'hidden'}`, title: allowed ? s.allowed : s.masked }, allowed ? '✓' : fmt.fixed(-Infinity)),
      h('td', {}, weightBar(r.weights[j], fmt, palette)),
      h('td', { class: 'num model' }, fmt.fixed(r.modelWeights[j], 4)),
    );
    return row;
  });
  const passed = Number.isFinite(r.maxDifference) && r.maxDifference <= tolerance;
  const sum = r.weights.reduce((a, b) => a + b, 0);
  return h(
    'section',
    { class: 'stage', id: 'stage-scores' },
    h('h2', { class: 'stage-title' }, s.stage3),
    h('p', { class: 'formula' }, s.stage3Formula),
    h('p', { class: 'formula small' }, format(s.dk, r.dk, fmt.fixed(sqrt, 3))),
    h('p', { class: 'muted small' }, s.stage3Help),
    h('p', { class: 'note' }, p.model.causal ? s.maskCausal : s.maskNone),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'scores-table' },
        h(
          'thead',
          {},
          h('tr', {}, [s.colIndex, s.colToken, s.colDot, s.colScaled, s.colMask, s.colWeight, s.colModel].map((label) => h('th', {}, label))),
        ),
        h('tbody', {}, rows),
      ),
    ),
    h('p', { class: 'muted small' }, format(s.sum, fmt.fixed(sum, 6))),
    h(
      'p',
      { class: `check-line ${passed ? 'passed' : 'failed'}`, role: passed ? 'status' : 'alert' },
      format(passed ? s.checkOk : s.checkFailed, fmt.scientific(r.maxDifference)),
    ),
  );
}

/** The weights of this query in every head of the layer, one row of bars per head; a click follows that head. */
export function allHeadsSection(v: StepsView): HTMLElement {
  const { s, r, p, fmt, palette } = v;
  const rows = r.allHeads.map((weights, head) => {
    const bars = h('span', { class: 'head-bars' });
    weights.forEach((w, j) => {
      const bar = h('span', { class: 'head-bar', title: format(s.weightOf, tokenLabel(p, j), fmt.fixed(w, 4)) });
      const fill = h('span', { class: 'head-bar-fill' });
      fill.style.height = `${Math.max(0, Math.min(1, w)) * 100}%`;
      fill.style.background = css(headColor(palette, head));
      bar.append(fill);
      bars.append(bar);
    });
    const button = h('button', { class: `head-row${head === r.head ? ' current' : ''}`, 'aria-pressed': head === r.head ? 'true' : 'false' }, h('span', { class: 'head-name' }, format(s.headLabel, head)), bars);
    button.addEventListener('click', () => v.select({ layer: r.layer, head, query: r.query }));
    return button;
  });
  const labels = h('span', { class: 'head-bars labels', 'aria-hidden': 'true' }, r.tokens.map((_, j) => h('span', { class: 'head-bar-label', title: tokenLabel(p, j) }, tokenLabel(p, j))));
  return h(
    'section',
    { class: 'all-heads' },
    h('h2', { class: 'stage-title' }, format(s.allHeads, r.layer)),
    h('p', { class: 'muted small' }, format(s.allHeadsHelp, tokenLabel(p, r.query))),
    h('div', { class: 'head-rows' }, rows, h('div', { class: 'head-row labels-row' }, h('span', { class: 'head-name' }), labels)),
  );
}
