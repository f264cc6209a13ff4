/**
 * No import cycle under src/: every relative import of every .ts file (type-only ones included,
 * `export … from`, `require` and `import()` too) makes a graph, and a cycle in it fails the test
 * with the files that form it. A cycle once ran commandIds → selectModel → modelStatusBar →
 * commandIds; the activation bundle (see scripts/build.mjs) depends on such leaves staying leaves.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { REPO_ROOT } from '../../support/repoRoot';

const STATIC_IMPORT = /(?:^|[\n;])\s*(?:import|export)\s(?:[^;'"]*?\sfrom\s*)?['"](\.{1,2}\/[^'"]*)['"]/g;
const CALL_IMPORT = /\b(?:require|import)\(\s*['"](\.{1,2}\/[^'"]*)['"]\s*\)/g;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The relative specifiers `source` imports. */
export function relativeImports(source: string): string[] {
  return [...source.matchAll(STATIC_IMPORT), ...source.matchAll(CALL_IMPORT)].map((m) => m[1]);
}

/** `./x` from `file` → the .ts file it names, if it is one. */
function resolveImport(file: string, specifier: string): string | undefined {
  const base = resolve(dirname(file), specifier);
  return [`${base}.ts`, join(base, 'index.ts'), base].find((p) => p.endsWith('.ts') && existsSync(p));
}

/** Every cycle of `graph`, each once, as the list of its nodes (Tarjan's strongly connected components, then a path through each). */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      const selfLoop = (graph.get(v) ?? []).includes(v);
      if (component.length > 1 || selfLoop) components.push(component);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((c) => {
    const cycle = cycleThrough(graph, new Set(c));
    const others = c.filter((v) => !cycle.includes(v)).sort();
    return others.length ? [...cycle, `(with ${others.join(', ')})`] : cycle;
  });
}

/** One cycle inside a strongly connected component, from its first node (sorted) back to it. */
function cycleThrough(graph: ReadonlyMap<string, readonly string[]>, component: ReadonlySet<string>): string[] {
  const start = [...component].sort()[0];
  const from = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!component.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(from.get(path[0])!);
        return [...path, start];
      }
      if (!from.has(w)) {
        from.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...component];
}

test('the import parser finds every kind of relative import, and nothing else', () => {
  const source = [
    "import * as vscode from 'vscode';",
    "import { a } from './a';",
    "import type { B } from '../b/b';",
    'import {\n  c,\n  d,\n} from "./cd";',
    "export { e } from './e';",
    "export * from './f';",
    "import './g';",
    "const h = require('./h');",
    "type I = typeof import('./i');",
    "// see './j' and {@link k}",
  ].join('\n');
  assert.deepEqual(relativeImports(source).sort(), ['../b/b', './a', './cd', './e', './f', './g', './h', './i']);
});

test('the cycle finder reports each cycle once, with its files in order', () => {
  const graph = new Map<string, string[]>([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a', 'd']],
    ['d', []],
    ['e', ['e']],
  ]);
  assert.deepEqual(findCycles(graph), [['a', 'b', 'c', 'a'], ['e', 'e']]);
  assert.deepEqual(findCycles(new Map([['x', ['y']], ['y', []]])), []);
});

test('no import cycle among the .ts files under src/', () => {
  const files = tsFiles(join(REPO_ROOT, 'src'));
  assert.ok(files.length > 100, `only ${files.length} source files found`);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = relativeImports(readFileSync(file, 'utf8'))
      .map((s) => resolveImport(file, s))
      .filter((t): t is string => t !== undefined);
    graph.set(relative(REPO_ROOT, file), [...new Set(targets.map((t) => relative(REPO_ROOT, t)))]);
  }
  const cycles = findCycles(graph).map((c) => c.filter((v) => !v.startsWith('(')).join(' → ') + c.filter((v) => v.startsWith('(')).map((v) => ` ${v}`).join(''));
  assert.deepEqual(cycles, [], `import cycles under src/:\n  ${cycles.join('\n  ')}`);
});
