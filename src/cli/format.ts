/** Human-readable (non-JSON) output of the trex commands. */
import type { TextTokenizer } from '../engine/tokenizers/textTokenizer';
import type { Encoding, LearnBpeResult, MergeTrace } from '../engine/tokenizers/types';
import { visibleWhitespace } from '../engine/tokenizers/display';

/** Columns padded to their widest cell (a loop: spreading 260,000 rows into Math.max overflows the stack). */
function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => rows.reduce((w, r) => Math.max(w, [...r[c]].length), 0));
  return rows.map((r) => r.map((cell, c) => cell + ' '.repeat(widths[c] - [...cell].length)).join('  ').trimEnd()).join('\n');
}

export function formatEncoding(tok: TextTokenizer, text: string, encoding: Encoding): string {
  const count = encoding.tokens.length;
  const perToken = count > 0 ? (text.length / count).toFixed(2) : '–';
  const rows = [['#', 'id', 'token', 'shown', 'start', 'end', 'text']];
  encoding.tokens.forEach((t, i) => {
    rows.push([String(i), String(t.id), JSON.stringify(t.token), tok.display(t.token), String(t.start), String(t.end), visibleWhitespace(text.slice(t.start, t.end))]);
  });
  return `${tok.info.label}: ${count} tokens for ${text.length} characters (${perToken} characters per token)\n${table(rows)}`;
}

export function formatTrace(tok: TextTokenizer, words: Array<{ start: number; end: number; trace: MergeTrace }>): string {
  const lines: string[] = [];
  const show = (s: string): string => tok.display(s);
  for (const { start, end, trace } of words) {
    lines.push(`word ${JSON.stringify(trace.word)} [${start}, ${end})`);
    if (trace.kind === 'bpe') {
      lines.push(`  start:  ${trace.initial.map(show).join(' ')}`);
      trace.steps.forEach((s, i) => {
        lines.push(`  ${String(i + 1).padStart(3)}. rank ${String(s.rank).padStart(5)}: ${show(s.pair[0])} + ${show(s.pair[1])} → ${s.symbols.map(show).join(' ')}`);
      });
    } else {
      trace.steps.forEach((s, i) => {
        const tried = s.tried.length > 0 ? ` (after ${s.tried.length} longer: ${s.tried.slice(0, 3).join(', ')}${s.tried.length > 3 ? ', …' : ''})` : '';
        lines.push(`  ${String(i + 1).padStart(3)}. [${s.start}, ${s.end}) ${s.piece}${tried}`);
      });
    }
    lines.push(`  tokens: ${trace.tokens.map(show).join(' ')}`);
  }
  return lines.join('\n');
}

export function formatLearned(result: LearnBpeResult): string {
  const lines = [`words: ${result.words.map((w) => `${w.word} ×${w.count}`).join(', ')}`];
  if (result.merges.length === 0) lines.push('no pair occurs twice: nothing to merge');
  result.merges.forEach((m, i) => lines.push(`${String(i + 1).padStart(3)}. ${m.pair[0]} + ${m.pair[1]} → ${m.merged}  (frequency ${m.frequency})`));
  lines.push('segmentations:');
  for (const s of result.segmentations) lines.push(`  ${s.word}: ${s.symbols.join(' ')}`);
  return lines.join('\n');
}
