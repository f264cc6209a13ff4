/** The layering rule: src/engine/** never imports `vscode` (it also runs in the CLI and in plain Node). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../../support/referenceCorpus';

const VSCODE_IMPORT = /(?:\bfrom\s*['"]vscode['"]|\brequire\s*\(\s*['"]vscode['"]\s*\)|\bimport\s*\(\s*['"]vscode['"]\s*\)|\bimport\s+['"]vscode['"])/;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
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
  const offenders = files.filter((f) => VSCODE_IMPORT.test(readFileSync(f, 'utf8'))).map((f) => relative(REPO_ROOT, f));
  assert.deepEqual(offenders, []);
});
