import type { TextTokenizer } from '../engine/tokenizers/textTokenizer';
import type { MergeTrace, TokenSpan } from '../engine/tokenizers/types';
import type { BpeStepView, TraceView, WordTraceView } from '../protocol/bpe';

/** Most words one replay panel holds. */
export const MAX_TRACED_WORDS = 200;

export interface WordTrace {
  start: number;
  end: number;
  trace: MergeTrace;
}

/** Turns engine traces into what the BPE panel draws: readable symbols, merge positions, ids. */
export function toWordViews(tok: TextTokenizer, text: string, traces: readonly WordTrace[], spans: readonly TokenSpan[]): WordTraceView[] {
  return traces.slice(0, MAX_TRACED_WORDS).map(({ start, end, trace }) => ({
    start,
    end,
    text: text.slice(start, end),
    word: tok.display(trace.word),
    trace: toTraceView(tok, trace),
    ids: idsWithin(spans, start, end, trace.tokens.length),
  }));
}

function toTraceView(tok: TextTokenizer, trace: MergeTrace): TraceView {
  const show = (s: string): string => tok.display(s);
  if (trace.kind === 'wordpiece') {
    return {
      kind: 'wordpiece',
      word: trace.word,
      steps: trace.steps.map((s) => ({ piece: s.piece, start: s.start, end: s.end, tried: [...s.tried] })),
      tokens: trace.tokens.map(show),
    };
  }
  const steps: BpeStepView[] = [];
  let before = trace.initial;
  for (const step of trace.steps) {
    steps.push({
      pair: [show(step.pair[0]), show(step.pair[1])],
      rank: step.rank,
      symbols: step.symbols.map(show),
      merged: mergedPositions(before, step.symbols, step.pair),
    });
    before = step.symbols;
  }
  return { kind: 'bpe', initial: trace.initial.map(show), steps, tokens: trace.tokens.map(show) };
}

/**
 * Where in `after` the merge of `pair` produced a symbol, found by walking both lists:
 * `mergedPositions(['l','o','w'], ['lo','w'], ['l','o']) -> [0]`.
 */
export function mergedPositions(before: readonly string[], after: readonly string[], pair: readonly [string, string]): number[] {
  const positions: number[] = [];
  const joined = pair[0] + pair[1];
  let i = 0;
  for (let j = 0; j < after.length && i < before.length; j++) {
    if (before[i] === pair[0] && before[i + 1] === pair[1] && after[j] === joined) {
      positions.push(j);
      i += 2;
    } else {
      i += 1;
    }
  }
  return positions;
}

/** Ids of the tokens inside [start, end), when they match the trace's token count. */
function idsWithin(spans: readonly TokenSpan[], start: number, end: number, expected: number): number[] {
  const ids = spans.filter((s) => !s.special && s.start >= start && s.end <= end && s.end > s.start).map((s) => s.id);
  return ids.length === expected ? ids : [];
}
