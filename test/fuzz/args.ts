/** `npm run fuzz -- [options]`: see USAGE. */
import { FULL_BUDGET_S, FULL_COUNTS, SMOKE_COUNTS } from './counts';
import { defaultWorkers } from './runner';
import { FUZZ_CLASSES, isFuzzClass, type FuzzClass } from './recipe';

export const USAGE = `npm run fuzz -- [--seed N] [--budget-s S] [--class a,b] [--cases class=N]… [--scale F] [--smoke]
                   [--workers W] [--heap-mb M] [--no-save] [--minimize-runs R]
  --seed N         run seed (default: from the clock; printed, so a run can be repeated)
  --budget-s S     time for the whole run, shrinking failures included (default ${FULL_BUDGET_S});
                   cases stop starting when it is spent
  --class a,b      only these classes (${FUZZ_CLASSES.join(', ')})
  --cases c=N      N cases of class c (default: ${Object.entries(FULL_COUNTS).map(([c, n]) => `${c} ${n}`).join(', ')})
  --scale F        every class's count × F (e.g. 0.1 for a quick run)
  --smoke          the smoke test's counts (a few hundred per class)
  --workers W      worker processes (default ${defaultWorkers()})
  --heap-mb M      each worker's --max-old-space-size (default 768)
  --no-save        do not write regression fixtures
  --minimize-runs R  runs spent shrinking each distinct failure (default 25; hangs and crashes 6)`;

export interface FuzzArgs {
  seed: number;
  budgetS: number;
  counts: Partial<Record<FuzzClass, number>>;
  workers: number;
  heapMb: number;
  save: boolean;
  minimizeRuns: number;
}

export class ArgsError extends Error {}

function int(value: string | undefined, flag: string, min = 0): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < min) throw new ArgsError(`${flag} needs a whole number ≥ ${min}, got ${String(value)}`);
  return n;
}

export function parseFuzzArgs(argv: readonly string[]): FuzzArgs {
  const a: FuzzArgs = { seed: Date.now() % 2 ** 31, budgetS: FULL_BUDGET_S, counts: { ...FULL_COUNTS }, workers: defaultWorkers(), heapMb: 768, save: true, minimizeRuns: 25 };
  let only: FuzzClass[] | undefined;
  let scale = 1;
  const overrides: Partial<Record<FuzzClass, number>> = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string | undefined => argv[++i];
    switch (flag) {
      case '--seed': a.seed = int(value(), flag); break;
      case '--budget-s': a.budgetS = int(value(), flag, 1); break;
      case '--workers': a.workers = int(value(), flag, 1); break;
      case '--heap-mb': a.heapMb = int(value(), flag, 64); break;
      case '--minimize-runs': a.minimizeRuns = int(value(), flag); break;
      case '--no-save': a.save = false; break;
      case '--smoke': a.counts = { ...SMOKE_COUNTS }; break;
      case '--scale': {
        scale = Number(value());
        if (!(scale > 0)) throw new ArgsError('--scale needs a positive number');
        break;
      }
      case '--class': {
        only = (value() ?? '').split(',').filter(Boolean) as FuzzClass[];
        const bad = only.filter((c) => !isFuzzClass(c));
        if (bad.length || only.length === 0) throw new ArgsError(`--class: unknown ${bad.join(', ') || '(none given)'} (classes: ${FUZZ_CLASSES.join(', ')})`);
        break;
      }
      case '--cases': {
        const [cls, n] = (value() ?? '').split('=');
        if (!isFuzzClass(cls)) throw new ArgsError(`--cases: unknown class ${cls} (classes: ${FUZZ_CLASSES.join(', ')})`);
        overrides[cls] = int(n, `--cases ${cls}=`);
        break;
      }
      default: throw new ArgsError(`unknown option ${flag}`);
    }
  }
  const counts: Partial<Record<FuzzClass, number>> = {};
  for (const cls of FUZZ_CLASSES) {
    if (only && !only.includes(cls)) continue;
    counts[cls] = overrides[cls] ?? Math.max(1, Math.round((a.counts[cls] ?? 0) * scale));
  }
  a.counts = counts;
  return a;
}
