/** The run's table (class × outcome, cases per second) and the list of distinct failures. */
import { OUTCOMES } from './outcome';
import type { Distinct } from './regressions';
import type { RunReport } from './runner';
import { relative } from 'node:path';
import { REPO_ROOT } from './paths';
import { describeRecipe } from './signature';

function pad(text: string, width: number, left = false): string {
  return left ? text.padEnd(width) : text.padStart(width);
}

export function formatTable(report: RunReport): string {
  const head = [pad('class', 14, true), pad('cases', 8), ...OUTCOMES.map((o) => pad(o, o.length < 6 ? 7 : o.length + 2)), pad('cases/s', 9), pad('(per worker)', 13)];
  const lines = [head.join('')];
  for (const [cls, s] of report.stats) {
    const perWorker = s.busyMs > 0 ? (s.done * 1000) / s.busyMs : 0;
    const cells = [pad(cls, 14, true), pad(String(s.done), 8), ...OUTCOMES.map((o) => pad(String(s.outcomes[o]), o.length < 6 ? 7 : o.length + 2)), pad((perWorker * report.workers).toFixed(1), 9), pad(perWorker.toFixed(1), 13)];
    lines.push(cells.join(''));
    if (s.done < s.planned) lines.push(`  ${cls}: ${s.done} of ${s.planned} planned cases ran (time budget)`);
    if (s.validRefused > 0) lines.push(`  ${cls}: ${s.validRefused} user errors on inputs the harness's own reading finds valid, e.g. ${s.validRefusedExamples[0]}`);
    if (s.seedProblems.length > 0) lines.push(`  ${cls}: UNMUTATED SEEDS NOT OK (harness or seed problem): ${s.seedProblems.join('; ')}`);
    if (s.flaky.length > 0) lines.push(`  ${cls}: ${s.flaky.length} cases hung or crashed once, not on a second run: ${s.flaky.slice(0, 3).join('; ')}`);
  }
  return lines.join('\n');
}

export function formatFailures(distinct: readonly Distinct[], fixtures: ReadonlyMap<string, string>): string {
  if (distinct.length === 0) return 'no failures';
  const lines = [`${distinct.length} distinct failures (class | outcome | where | message shape — cases — fixture):`];
  for (const d of [...distinct].sort((a, b) => a.signature.localeCompare(b.signature))) {
    const f = d.failure;
    const fixture = fixtures.get(d.signature);
    lines.push(`- ${f.cls} | ${f.result.outcome}${f.result.where ? ` | ${f.result.where}` : ''} | ${f.result.message.slice(0, 300).replace(/\n/g, '\\n')}`);
    if (f.result.outcome === 'hang' || f.result.outcome === 'crash') lines.push(`    input: ${describeRecipe(f.recipe)}`);
    lines.push(`    ${d.count} case(s); e.g. case #${f.index}${fixture ? `; ${relative(REPO_ROOT, fixture)}` : ' (not saved)'}`);
  }
  return lines.join('\n');
}
