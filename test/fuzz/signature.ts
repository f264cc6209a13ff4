/**
 * The shape of a failure, for keeping one case per distinct problem: the class, the outcome, and
 * the message with its paths, numbers and quoted values blotted out (plus the engine frame of an
 * internal error); for a hang or crash, which has no message to speak of, the edits that cause it.
 */
import type { CaseResult } from './outcome';
import type { CaseRecipe } from './recipe';

export function messageShape(message: string): string {
  return message
    .replace(/(.{1,8}?)\1{3,}/gsu, '$1…')
    .replace(/(?:\/[^\s"'():,]+)+/g, '<path>')
    .replace(/"(?:[^"\\]|\\.){0,2000}"/g, '"…"')
    .replace(/'(?:[^'\\]|\\.){0,200}'/g, "'…'")
    .replace(/\b0x[0-9a-f]+\b/gi, 'N')
    .replace(/-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi, 'N')
    .replace(/\b[A-Za-z_][\w-]*(?:\.[\w-]+)+\b/g, 'ID')
    .replace(/\s+/g, ' ')
    .slice(0, 180);
}

function pathShape(path: ReadonlyArray<string | number>): string {
  return path.map((p) => (typeof p === 'number' ? 'N' : /^(vocab|weight_map)$/.test(String(path[path.indexOf(p) - 1])) ? 'K' : p)).join('.');
}

/** A short description of each edit of a recipe (what it changes where), for hang and crash shapes. */
export function describeRecipe(recipe: CaseRecipe): string {
  const parts: string[] = [recipe.cls === 'cli' ? `${recipe.command}:${recipe.inner.cls}` : recipe.cls];
  const r = recipe.cls === 'cli' ? recipe.inner : recipe;
  for (const [key, value] of Object.entries(r) as Array<[string, unknown]>) {
    if (!Array.isArray(value)) continue;
    for (const e of value as Array<Record<string, unknown>>) {
      const path = Array.isArray(e.path) ? pathShape(e.path as Array<string | number>) : '';
      const v = e.value;
      const what = typeof v !== 'object' || v === null ? (v === undefined ? '' : String(v)) : 'lit' in v ? JSON.stringify((v as { lit: unknown }).lit)?.slice(0, 160) : Object.keys(v)[0];
      parts.push(`${key}:${String(e.op)}${path ? ` ${path}` : ''}${what ? `=${what}` : ''}`);
    }
  }
  if (recipe.cls === 'graph-cache') parts.push(recipe.remove ? `${recipe.target} removed` : recipe.target);
  return parts.join(' ').slice(0, 400);
}

/** The regexes a recipe writes (a hang is most often one of them backtracking). */
function regexesIn(recipe: CaseRecipe): string[] {
  const found = new Set<string>();
  JSON.stringify(recipe, (key, value: unknown) => {
    if (key === 'Regex' && typeof value === 'string') found.add(value);
    return value;
  });
  return [...found].sort();
}

export function signature(cls: string, result: CaseResult, recipe: CaseRecipe): string {
  if (result.outcome === 'hang' || result.outcome === 'crash') {
    const regexes = regexesIn(recipe);
    return `${cls}|${result.outcome}|${regexes.length ? `regex ${JSON.stringify(regexes)}` : messageShape(describeRecipe(recipe))}`;
  }
  if (result.outcome === 'wrong') return `${cls}|wrong|${messageShape(result.rule ?? result.message)}`;
  // An internal error: where it was thrown and the start of its message (the rest often quotes the input).
  return `${cls}|${result.outcome}|${result.where ?? ''}|${messageShape(result.message).slice(0, 40)}`;
}
