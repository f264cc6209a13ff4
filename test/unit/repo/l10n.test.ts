/**
 * Every user-facing string has its French translation: each `vscode.l10n.t('…')` message of the
 * extension is a key of l10n/bundle.l10n.fr.json, and each `%key%` of the manifest is in both
 * package.nls.json and package.nls.fr.json.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../../support/repoRoot';

/** `l10n.t(` then a single- or double-quoted literal (possibly on the next line). */
const L10N_CALL = /\bl10n\.t\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(`))/g;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The messages of every l10n.t call in `source`; throws on a template literal (not extractable). */
export function l10nMessages(source: string, where = 'source'): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(L10N_CALL)) {
    if (m[3] !== undefined) throw new Error(`${where}: l10n.t with a template literal cannot be translated`);
    const raw = m[1] ?? m[2] ?? '';
    // A JS string literal's escapes are JSON's, but for \' which JSON lacks.
    out.push(JSON.parse(`"${raw.replace(/\\'/g, "'").replace(/(^|[^\\])"/g, '$1\\"')}"`) as string);
  }
  return out;
}

const readJson = (p: string): Record<string, unknown> => JSON.parse(readFileSync(join(REPO_ROOT, p), 'utf8')) as Record<string, unknown>;

test('the message extractor reads quotes, escapes and line breaks', () => {
  const src = `vscode.l10n.t('It\\'s {0}', x); l10n.t(\n  "Say \\"hi\\"\\n");`;
  assert.deepEqual(l10nMessages(src), ["It's {0}", 'Say "hi"\n']);
  assert.throws(() => l10nMessages('l10n.t(`x${y}`)'), /template literal/);
});

test('every vscode.l10n.t message has a French translation', () => {
  const fr = readJson('l10n/bundle.l10n.fr.json');
  const files = tsFiles(join(REPO_ROOT, 'src'));
  const messages = files.flatMap((f) => l10nMessages(readFileSync(f, 'utf8'), relative(REPO_ROOT, f)).map((m) => ({ m, f })));
  assert.ok(messages.length > 50, `only ${messages.length} localized messages found — is the extractor broken?`);
  const missing = messages.filter(({ m }) => typeof fr[m] !== 'string' || (fr[m] as string).trim() === '');
  assert.deepEqual(
    missing.map(({ m, f }) => `${relative(REPO_ROOT, f)}: ${JSON.stringify(m)}`),
    [],
    'messages without a French translation',
  );
  for (const { m } of messages) {
    const placeholders = (s: string): string[] => [...s.matchAll(/\{\d+\}/g)].map((x) => x[0]).sort();
    assert.deepEqual(placeholders(fr[m] as string), placeholders(m), `placeholders differ in the translation of ${JSON.stringify(m)}`);
  }
});

test('every %key% of package.json is in package.nls.json and package.nls.fr.json', () => {
  const manifest = readFileSync(join(REPO_ROOT, 'package.json'), 'utf8');
  const keys = [...new Set([...manifest.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]))];
  assert.ok(keys.length > 10, `only ${keys.length} manifest keys found`);
  const en = readJson('package.nls.json');
  const fr = readJson('package.nls.fr.json');
  assert.deepEqual(keys.filter((k) => typeof en[k] !== 'string'), [], 'keys missing from package.nls.json');
  assert.deepEqual(keys.filter((k) => typeof fr[k] !== 'string'), [], 'keys missing from package.nls.fr.json');
  assert.deepEqual(Object.keys(fr).filter((k) => !(k in en)), [], 'French keys with no English original');
});
