/**
 * Failures kept as regression fixtures: one case per distinct failure (see signature.ts), made
 * smaller first (edits left out one at a time while the failure stays the same), saved as
 * test/fixtures/fuzz-regressions/<class>/<outcome>-<hash>/case.json — the recipe the worker
 * replays — with a copy of the case's files next to it when they are small, for reading.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { classDef } from './classes';
import { FAILING, type CaseResult, type Outcome } from './outcome';
import { REGRESSIONS_DIR } from './paths';
import type { WorkerPool } from './pool';
import { recipeSize, shrinkRecipe, type CaseRecipe, type FuzzClass } from './recipe';
import type { Failure } from './runner';
import { signature } from './signature';

export interface SavedCase {
  class: FuzzClass;
  outcome: Outcome;
  signature: string;
  message: string;
  where?: string;
  rule?: string;
  runSeed: number;
  index: number;
  recipe: CaseRecipe;
}

/** Caps that keep the folder small. */
export const MAX_FOLDER_BYTES = 400_000;
export const MAX_PER_CLASS = 60;
const MAX_COPIED_FILES_BYTES = 12_000;

export interface Distinct {
  failure: Failure;
  signature: string;
  /** How many cases of the run had this shape. */
  count: number;
}

/** One failure per signature: the simplest of each group. */
export function distinctFailures(failures: readonly Failure[]): Distinct[] {
  const groups = new Map<string, Distinct>();
  for (const f of failures) {
    const sig = signature(f.cls, f.result, f.recipe);
    const known = groups.get(sig);
    if (!known) groups.set(sig, { failure: f, signature: sig, count: 1 });
    else {
      known.count++;
      const simpler = recipeSize(f.recipe) < recipeSize(known.failure.recipe) || (recipeSize(f.recipe) === recipeSize(known.failure.recipe) && JSON.stringify(f.recipe).length < JSON.stringify(known.failure.recipe).length);
      if (simpler) known.failure = f;
    }
  }
  return [...groups.values()];
}

function sameFailure(a: CaseResult, b: CaseResult, cls: FuzzClass, recipe: CaseRecipe, wanted: string): boolean {
  if (a.outcome !== b.outcome) return false;
  if (a.outcome === 'hang' || a.outcome === 'crash') return true;
  return signature(cls, b, recipe) === wanted;
}

/** Leaves edits out one at a time while the failure stays the same; at most `maxRuns` runs, none after `deadline` (performance.now()). */
export async function minimize(pool: WorkerPool, d: Distinct, maxRuns: number, deadline = Infinity): Promise<Failure> {
  let current = d.failure;
  let runs = 0;
  let shrunk = true;
  while (shrunk && runs < maxRuns) {
    shrunk = false;
    for (const candidate of shrinkRecipe(current.recipe)) {
      if (runs++ >= maxRuns || performance.now() > deadline) break;
      const r = await pool.run({ kind: 'recipe', recipe: candidate });
      if (FAILING.has(r.result.outcome) && sameFailure(current.result, r.result, current.cls, candidate, d.signature)) {
        current = { ...current, recipe: candidate, result: r.result };
        shrunk = true;
        break;
      }
    }
  }
  return current;
}

function folderBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    total += st.isDirectory() ? folderBytes(p) : st.size;
  }
  return total;
}

export interface Fixture {
  dir: string;
  saved: SavedCase;
}

export function loadFixtures(root = REGRESSIONS_DIR): Fixture[] {
  if (!existsSync(root)) return [];
  const out: Fixture[] = [];
  for (const cls of readdirSync(root).sort()) {
    const clsDir = join(root, cls);
    if (!statSync(clsDir).isDirectory()) continue;
    for (const name of readdirSync(clsDir).sort()) {
      const file = join(clsDir, name, 'case.json');
      if (existsSync(file)) out.push({ dir: join(clsDir, name), saved: JSON.parse(readFileSync(file, 'utf8')) as SavedCase });
    }
  }
  return out;
}

/**
 * A signature seen again with another recipe is saved again (at most this many times): the saved
 * case may pass by now while another input still breaks the same rule (a sparse vocabulary and a
 * template's special id both gave "token id outside [0, vocabulary size)").
 */
const MAX_PER_SIGNATURE = 3;

/** Saves the failures not already saved (same signature and recipe), within the folder's caps; returns the folders written. */
export function saveFixtures(failures: ReadonlyArray<{ failure: Failure; signature: string }>, runSeed: number, root = REGRESSIONS_DIR): Map<string, string> {
  const existing = new Map<string, Array<{ dir: string; recipe: string }>>();
  for (const f of loadFixtures(root)) existing.set(f.saved.signature, [...(existing.get(f.saved.signature) ?? []), { dir: f.dir, recipe: JSON.stringify(f.saved.recipe) }]);
  const written = new Map<string, string>();
  let bytes = folderBytes(root);
  for (const { failure, signature: sig } of failures) {
    const known = existing.get(sig) ?? [];
    const recipe = JSON.stringify(failure.recipe);
    const same = known.find((k) => k.recipe === recipe);
    if (same || known.length >= MAX_PER_SIGNATURE) {
      written.set(sig, (same ?? known[0]).dir);
      continue;
    }
    const clsDir = join(root, failure.cls);
    if (existsSync(clsDir) && readdirSync(clsDir).length >= MAX_PER_CLASS) continue;
    const saved: SavedCase = {
      class: failure.cls, outcome: failure.result.outcome, signature: sig, message: failure.result.message.slice(0, 600),
      ...(failure.result.where ? { where: failure.result.where } : {}), ...(failure.result.rule ? { rule: failure.result.rule } : {}), runSeed, index: failure.index, recipe: failure.recipe,
    };
    const text = `${JSON.stringify(saved, null, 1)}\n`;
    if (bytes + text.length > MAX_FOLDER_BYTES) continue;
    const identity = known.length === 0 ? sig : `${sig}\n${recipe}`;
    const dir = join(clsDir, `${failure.result.outcome}-${createHash('sha1').update(identity).digest('hex').slice(0, 10)}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'case.json'), text);
    bytes += text.length;
    const files = classDef(failure.cls).files?.(failure.recipe);
    const size = files ? [...files.values()].reduce((a, b) => a + b.length, 0) : Infinity;
    if (files && size <= MAX_COPIED_FILES_BYTES && bytes + size <= MAX_FOLDER_BYTES) {
      for (const [name, content] of files) {
        mkdirSync(join(dir, 'files'), { recursive: true });
        writeFileSync(join(dir, 'files', name.replace(/[\\/]/g, '_')), content);
      }
      bytes += size;
    }
    existing.set(sig, [...known, { dir, recipe }]);
    written.set(sig, dir);
  }
  return written;
}
