/**
 * The layering rules, checked on the imports of the source files:
 * - src/engine/** and src/host/** never import `vscode` (they also run in the CLI, in the model-host
 *   process and in plain Node);
 * - src/protocol/** (the host ⇄ webview messages) holds types only: every import and re-export is
 *   `import type` / `export type` of another source file, never `vscode` nor a Node module, and
 *   nothing that runs;
 * - webview-ui/** (browser code) imports its own files and src/protocol/ only;
 * - src/host/protocol.ts (which the extension side bundles) reaches the host's handler groups by
 *   `import type` only: at run time it needs src/host/hostErrors.ts alone, and its `HostRequests`
 *   extends every group's `…Requests`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { REPO_ROOT } from '../../support/repoRoot';

const VSCODE_IMPORT = /(?:\bfrom\s*['"]vscode['"]|\brequire\s*\(\s*['"]vscode['"]\s*\)|\bimport\s*\(\s*['"]vscode['"]\s*\)|\bimport\s+['"]vscode['"])/;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function filesImportingVscode(dir: string): string[] {
  return tsFiles(dir)
    .filter((f) => VSCODE_IMPORT.test(readFileSync(f, 'utf8')))
    .map((f) => relative(REPO_ROOT, f));
}

/** One module reference of a file: what it names, and whether it is erased at compile time. */
interface ModuleReference {
  specifier: string;
  typeOnly: boolean;
  line: number;
}

const STATIC_REFERENCE = /^[ \t]*(import|export)\s+(type\s+)?(?:[^;'"]*?\s*from\s*)?['"]([^'"]+)['"]/gm;
const CALL_REFERENCE = /\b(?:require|import)\s*\(\s*['"]([^'"]+)['"]/g;
/** A top-level statement that emits code (declarations start in the first column in this code base). */
const RUNTIME_STATEMENT = /^(?:export\s+)?(?:default|const|let|var|function|async|class|abstract|enum|declare|namespace|module)\b/gm;

/** Blanks comments out (keeping line breaks, so line numbers stay right). */
function withoutComments(text: string): string {
  const blank = (s: string): string => s.replace(/[^\n]/g, ' ');
  return text.replace(/\/\*[\s\S]*?\*\//g, blank).replace(/^[ \t]*\/\/.*$/gm, blank);
}

/**
 * Every import, re-export, `require()` and `import()` of a module's text (`import type` and
 * `export type … from` are type-only; `import { type A }` is not: it keeps the module), and the
 * lines of its top-level statements that emit code.
 */
function readModule(text: string): { references: ModuleReference[]; runtimeStatements: number[] } {
  const code = withoutComments(text);
  const lineAt = (index: number): number => code.slice(0, index).split('\n').length;
  const references: ModuleReference[] = [];
  for (const m of code.matchAll(STATIC_REFERENCE)) {
    references.push({ specifier: m[3]!, typeOnly: m[2] !== undefined, line: lineAt(m.index!) });
  }
  for (const m of code.matchAll(CALL_REFERENCE)) {
    references.push({ specifier: m[1]!, typeOnly: false, line: lineAt(m.index!) });
  }
  references.sort((a, b) => a.line - b.line);
  const runtimeStatements = [...code.matchAll(RUNTIME_STATEMENT)].map((m) => lineAt(m.index!));
  return { references, runtimeStatements };
}

/** Whether `specifier`, imported by `file`, lies inside `folder` (a relative import only). */
function resolvesInto(file: string, specifier: string, folder: string): boolean {
  if (!specifier.startsWith('.')) return false;
  const target = resolve(dirname(file), specifier);
  return target === folder || target.startsWith(folder + sep);
}

test('the import check recognizes every way of importing vscode', () => {
  for (const s of ["import * as vscode from 'vscode';", 'import { window } from "vscode"', "const v = require('vscode')", "await import('vscode')", "import 'vscode';"]) {
    assert.match(s, VSCODE_IMPORT);
  }
  assert.doesNotMatch("import { x } from './vscodeLike';", VSCODE_IMPORT);
});

test('no file under src/engine imports vscode', () => {
  const files = tsFiles(join(REPO_ROOT, 'src', 'engine'));
  assert.ok(files.length > 10, `only ${files.length} engine files found`);
  assert.deepEqual(filesImportingVscode(join(REPO_ROOT, 'src', 'engine')), []);
});

test('no file under src/host imports vscode', () => {
  const files = tsFiles(join(REPO_ROOT, 'src', 'host'));
  assert.ok(files.length > 3, `only ${files.length} host files found`);
  assert.deepEqual(filesImportingVscode(join(REPO_ROOT, 'src', 'host')), []);
});

test('the module reader sees type-only and runtime imports, require(), import() and code', () => {
  const sample = [
    "import type { A } from './a';",
    "import { B, type B2 } from './b';",
    "export type { C } from './c';",
    'export {',
    '  D,',
    "} from './d';",
    "// import { X } from 'commented-out';",
    'export interface E { a: A }',
    'export type F = number;',
    "export const G = require('node:fs');",
    "export async function h() { return import('vscode'); }",
    "import 'side-effect';",
  ].join('\n');
  const { references, runtimeStatements } = readModule(sample);
  assert.deepEqual(
    references.map((r) => [r.specifier, r.typeOnly, r.line]),
    [['./a', true, 1], ['./b', false, 2], ['./c', true, 3], ['./d', false, 4], ['node:fs', false, 10], ['vscode', false, 11], ['side-effect', false, 12]],
  );
  assert.deepEqual(runtimeStatements, [10, 11]);
  const file = join(REPO_ROOT, 'webview-ui', 'x.ts');
  assert.ok(resolvesInto(file, '../src/protocol/wire', join(REPO_ROOT, 'src', 'protocol')));
  assert.ok(!resolvesInto(file, '../src/protocolish', join(REPO_ROOT, 'src', 'protocol')));
  assert.ok(!resolvesInto(file, 'vscode', join(REPO_ROOT, 'webview-ui')));
});

test('src/protocol holds types only: type-only imports of source files, no vscode, no Node, no code', () => {
  const folder = join(REPO_ROOT, 'src', 'protocol');
  const files = tsFiles(folder);
  assert.ok(files.length >= 5, `only ${files.length} protocol files found`);
  const offenders: string[] = [];
  for (const file of files) {
    const { references, runtimeStatements } = readModule(readFileSync(file, 'utf8'));
    const where = (line: number): string => `${relative(REPO_ROOT, file)}:${line}`;
    for (const r of references) {
      if (!r.typeOnly) offenders.push(`${where(r.line)} imports '${r.specifier}' with runtime code (use import type / export type)`);
      if (!r.specifier.startsWith('.')) offenders.push(`${where(r.line)} imports the package '${r.specifier}'`);
      else if (!resolvesInto(file, r.specifier, join(REPO_ROOT, 'src'))) offenders.push(`${where(r.line)} imports '${r.specifier}' from outside src/`);
    }
    for (const line of runtimeStatements) offenders.push(`${where(line)} holds code (the protocol is types only)`);
  }
  assert.deepEqual(offenders, []);
});

/**
 * The webview type check (webview-ui/tsconfig.json) compiles src/protocol and every file its types
 * come from, without Node's or VS Code's types. So the files the protocol reaches, following every
 * import (type-only ones too), must use neither: an engine result type the page draws lives in a
 * file without Node code (engine/tasks/taskTypes.ts, …), or the protocol declares the page's own
 * shape and the panel maps the result to it.
 */
test('what src/protocol reaches, following every import, uses neither Node nor vscode', () => {
  const src = join(REPO_ROOT, 'src');
  const resolveTs = (from: string, specifier: string): string | undefined => {
    const base = resolve(dirname(from), specifier);
    return [`${base}.ts`, join(base, 'index.ts')].find((f) => statSync(f, { throwIfNoEntry: false })?.isFile());
  };
  const reachedFrom = new Map<string, string>();
  const queue = tsFiles(join(src, 'protocol'));
  for (const f of queue) reachedFrom.set(f, f);
  const offenders: string[] = [];
  while (queue.length) {
    const file = queue.shift()!;
    for (const r of readModule(readFileSync(file, 'utf8')).references) {
      if (!r.specifier.startsWith('.')) {
        const chain = `${relative(REPO_ROOT, file)}:${r.line} (reached from ${relative(REPO_ROOT, reachedFrom.get(file)!)})`;
        offenders.push(`${chain} imports '${r.specifier}'`);
        continue;
      }
      const target = resolveTs(file, r.specifier);
      if (target && target.startsWith(src + sep) && !reachedFrom.has(target)) {
        reachedFrom.set(target, reachedFrom.get(file)!);
        queue.push(target);
      }
    }
  }
  assert.deepEqual(offenders, []);
  assert.ok(reachedFrom.size > tsFiles(join(src, 'protocol')).length, 'the protocol reaches no engine type: the walk found nothing');
});

test('webview-ui imports its own files and src/protocol only', () => {
  const folder = join(REPO_ROOT, 'webview-ui');
  const protocol = join(REPO_ROOT, 'src', 'protocol');
  const files = tsFiles(folder);
  assert.ok(files.length > 10, `only ${files.length} webview-ui files found`);
  const offenders: string[] = [];
  let protocolImports = 0;
  for (const file of files) {
    for (const r of readModule(readFileSync(file, 'utf8')).references) {
      if (resolvesInto(file, r.specifier, protocol)) protocolImports++;
      else if (!resolvesInto(file, r.specifier, folder)) offenders.push(`${relative(REPO_ROOT, file)}:${r.line} imports '${r.specifier}'`);
    }
  }
  assert.deepEqual(offenders, []);
  assert.ok(protocolImports > 10, `only ${protocolImports} imports of src/protocol found`);
});

test('src/host/protocol.ts imports the handler groups with import type only: at run time it needs hostErrors.ts alone', () => {
  const start = join(REPO_ROOT, 'src', 'host', 'protocol.ts');
  const reached = new Set<string>([start]);
  const typeOnly: string[] = [];
  const queue = [start];
  while (queue.length) {
    const file = queue.shift()!;
    for (const r of readModule(readFileSync(file, 'utf8')).references) {
      if (!r.specifier.startsWith('.')) continue;
      const target = `${resolve(dirname(file), r.specifier)}.ts`;
      if (r.typeOnly) {
        if (file === start) typeOnly.push(relative(REPO_ROOT, target));
        continue;
      }
      if (!reached.has(target)) {
        reached.add(target);
        queue.push(target);
      }
    }
  }
  assert.deepEqual([...reached].map((f) => relative(REPO_ROOT, f)).sort(), [join('src', 'host', 'hostErrors.ts'), join('src', 'host', 'protocol.ts')]);
  assert.ok(typeOnly.includes(join('src', 'host', 'taskHandlers.ts')), `protocol.ts type-imports ${typeOnly.join(', ')}`);
});

test("src/host/protocol.ts's HostRequests extends every handler group's requests", () => {
  const folder = join(REPO_ROOT, 'src', 'host');
  const groups = tsFiles(folder).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/^export interface (\w+Requests)\b/gm)].map((m) => m[1]!));
  const composed = /export interface HostRequests extends ([\w\s,]+)\{/.exec(readFileSync(join(folder, 'protocol.ts'), 'utf8'));
  assert.ok(composed, 'protocol.ts declares HostRequests as an interface extending the groups');
  const extended = composed[1]!.split(',').map((s) => s.trim()).filter(Boolean);
  assert.ok(groups.length >= 4, `only ${groups.length} handler groups found`);
  assert.deepEqual(extended.sort(), groups.filter((g) => g !== 'HostRequests').sort());
});
