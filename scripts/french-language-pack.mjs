// The French language pack for the e2e French pass, offline, from node_modules only.
// `--locale fr` alone shows English: VS Code takes a locale only when a language pack for it is
// installed. The npm package @codingame/monaco-vscode-language-pack-fr (MIT, a devDependency) holds
// the original pack's manifest (`const manifest = {…}` in its index.js) and the built-in extensions'
// translations in VS Code's format; its workbench strings are in another format, so the workbench's
// own file is left empty: the workbench stays English, but `vscode.env.language` is `fr`, and our
// l10n/bundle.l10n.fr.json and package.nls.fr.json are used. Recipe: ../shared/docs/REAL-VSCODE.md,
// "Seeing the French UI".
//
// Checked on code-server 4.100.3: the pack's folder listed in the extensions dir's extensions.json
// (as our own extension is, no VSIX) plus `<user-data-dir>/languagepacks.json` written here is
// enough; packaging it with vsce and `--install-extension` is not needed (that install does not
// write languagepacks.json either).
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { addExtensionFolder, repoRoot } from './code-server.mjs';

export const LANGUAGE_PACK_PACKAGE = '@codingame/monaco-vscode-language-pack-fr';

/** The folder of the npm package in node_modules. */
function packageDir() {
  const require = createRequire(join(repoRoot, 'package.json'));
  return dirname(require.resolve(`${LANGUAGE_PACK_PACKAGE}/package.json`));
}

/** The original language pack's manifest, read (not run) from the package's index.js. */
export function readManifest(dir = packageDir()) {
  const source = readFileSync(join(dir, 'index.js'), 'utf8');
  const m = /const manifest = (\{.*?\});\s*$/m.exec(source);
  if (!m) throw new Error(`${LANGUAGE_PACK_PACKAGE}: no "const manifest = {…};" line in index.js`);
  return JSON.parse(m[1]);
}

/**
 * Writes the language-pack extension folder at `target`: the manifest as package.json (engine
 * lowered to what code-server 4.100.3 runs, no icon), the built-in extensions' translations where
 * the manifest says, an empty workbench translation. Returns the manifest written.
 */
export function writeLanguagePackFolder(target) {
  const dir = packageDir();
  const manifest = readManifest(dir);
  const localization = manifest.contributes?.localizations?.find((l) => l.languageId === 'fr');
  if (!localization) throw new Error(`${LANGUAGE_PACK_PACKAGE}: the manifest contributes no "fr" localization`);
  manifest.engines = { ...manifest.engines, vscode: '^1.100.0' };
  delete manifest.icon;
  mkdirSync(target, { recursive: true });
  const available = new Set(readdirSync(join(dir, 'translations', 'extensions')));
  // Keep only the translations the package has (the workbench's is written empty below).
  localization.translations = localization.translations.filter((t) => t.id === 'vscode' || available.has(t.path.split('/').pop()));
  for (const t of localization.translations) {
    const file = join(target, t.path);
    mkdirSync(dirname(file), { recursive: true });
    if (t.id === 'vscode') writeFileSync(file, JSON.stringify({ version: '1.0.0', contents: {} }));
    else cpSync(join(dir, 'translations', 'extensions', t.path.split('/').pop()), file);
  }
  writeFileSync(join(target, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/**
 * Installs the French pack into the private `dirs` of a code-server profile (see
 * preparePrivateDirs): the folder under `dirs.base`, listed in the extensions dir, and
 * `languagepacks.json` as VS Code writes it from its UI. Start code-server with `locale: 'fr'`.
 */
export function installFrenchLanguagePack(dirs) {
  const folder = join(dirs.base, 'language-pack-fr');
  const manifest = writeLanguagePackFolder(folder);
  addExtensionFolder(dirs.extensions, folder);
  const id = `${manifest.publisher}.${manifest.name}`.toLowerCase();
  const localization = manifest.contributes.localizations.find((l) => l.languageId === 'fr');
  const translations = Object.fromEntries(localization.translations.map((t) => [t.id, join(folder, t.path)]));
  const packs = {
    fr: {
      hash: createHash('md5').update(id).update(manifest.version).digest('hex'),
      label: localization.localizedLanguageName ?? 'français',
      extensions: [{ extensionIdentifier: { id }, version: manifest.version }],
      translations,
    },
  };
  writeFileSync(join(dirs.userData, 'languagepacks.json'), JSON.stringify(packs, null, 2) + '\n');
  return folder;
}
