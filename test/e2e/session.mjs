// One e2e session: a fresh code-server profile with the extension (from the source tree, or
// installed from a VSIX as a user does), a copy of the sample workspace, Chromium on the workbench,
// a watchdog, and cleanup on every way out. Used by run.mjs (the feature checks) and smoke.mjs.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  addExtensionFolder, findFreePort, installExtensionFromSource, installExtensionFromVsix, launchChromium, preparePrivateDirs, repoRoot,
  requireCodeServer, startCodeServer,
} from '../../scripts/code-server.mjs';
import { installFrenchLanguagePack } from '../../scripts/french-language-pack.mjs';
import { Workbench } from './workbench.mjs';

/** `--name value` from the command line, or undefined. */
export function argValue(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/**
 * Our palette titles in `locale` (`Transformer: Remplir le masque`), keyed by the English ones
 * (`Transformer: Fill Mask`), from package.json and package.nls(.<locale>).json. Empty for English.
 */
export function localizedCommandTitles(locale) {
  if (!locale || locale === 'en') return new Map();
  const read = (name) => JSON.parse(readFileSync(join(repoRoot, name), 'utf8'));
  const pkg = read('package.json');
  const [english, local] = [read('package.nls.json'), read(`package.nls.${locale}.json`)];
  const text = (nls, value) => value.replace(/^%(.+)%$/, (_, key) => {
    if (!(key in nls)) throw new Error(`package.nls${nls === local ? `.${locale}` : ''}.json has no "${key}"`);
    return nls[key];
  });
  return new Map(pkg.contributes.commands.map((c) => {
    const title = (nls) => (c.category ? `${text(nls, c.category)}: ` : '') + text(nls, c.title);
    return [title(english), title(local)];
  }));
}

/** A logger that prefixes the seconds since `t0`. */
export function stopwatch(label) {
  const t0 = Date.now();
  return (msg) => console.log(`[${label} ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${msg}`);
}

/**
 * Starts everything, runs `body(wb, ctx)`, always cleans up. `profile` names the private folder
 * (.vscode-test/<profile>) and the screenshot folder (test-results/<profile>). `alsoInstall`:
 * unpackaged extension folders installed beside ours (the activation benchmark's baseline).
 * `locale: 'fr'`: the French language pack is installed and the workbench runs with `--locale fr`.
 */
export async function withWorkbench({ profile, vsix, verbose = false, headed = false, timeoutS = 600, say = console.log, settings = {}, alsoInstall = [], locale }, body) {
  requireCodeServer();
  if (!existsSync(join(repoRoot, 'dist', 'extension.js'))) throw new Error('missing dist/extension.js: run node scripts/build.mjs');
  const shots = join(repoRoot, 'test-results', profile);
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });
  const base = join(repoRoot, '.vscode-test', profile);
  const dirs = preparePrivateDirs(base, { fresh: true, settings });
  if (vsix) say(`installed ${vsix} into ${await installExtensionFromVsix(dirs, vsix)}`);
  else installExtensionFromSource(dirs.extensions);
  for (const folder of alsoInstall) addExtensionFolder(dirs.extensions, folder);
  if (locale === 'fr') say(`French language pack in ${installFrenchLanguagePack(dirs)}`);
  else if (locale && locale !== 'en') throw new Error(`no language pack for locale ${locale} (only fr)`);
  const workspace = join(base, 'workspace');
  cpSync(join(repoRoot, 'sample-workspace'), workspace, { recursive: true });
  const port = await findFreePort();
  let server;
  let browser;
  const cleanup = async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
  };
  const onSignal = (sig) => { console.error(`\n[${profile}] ${sig}: cleaning up`); cleanup().finally(() => process.exit(130)); };
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, onSignal);
  const watchdog = setTimeout(() => {
    console.error(`[${profile}] TIMEOUT: the run took longer than ${timeoutS} s; stopping.`);
    cleanup().finally(() => process.exit(1));
  }, timeoutS * 1000);
  watchdog.unref();
  try {
    say(`starting code-server on 127.0.0.1:${port}`);
    server = await startCodeServer({ dirs, port, folder: workspace, locale, log: verbose ? (t) => process.stdout.write(`[code-server] ${t}`) : undefined });
    browser = await launchChromium({ headless: !headed });
    const page = await browser.context.newPage();
    if (verbose) page.on('console', (m) => console.log(`[page ${m.type()}] ${m.text()}`));
    const wb = new Workbench(page, { shots, log: verbose ? say : () => {}, commandTitles: localizedCommandTitles(locale) });
    await page.goto(`${server.url}/?folder=${encodeURI(workspace)}`);
    return await body(wb, { shots, workspace, dirs });
  } finally {
    clearTimeout(watchdog);
    for (const sig of ['SIGINT', 'SIGTERM']) process.off(sig, onSignal);
    await cleanup();
  }
}

/** Records named checks; a failing check is screenshotted and does not stop the others. */
export class Checks {
  constructor(say, verbose = false) {
    this.say = say;
    this.verbose = verbose;
    this.results = [];
    this.wb = undefined;
  }

  async check(name, body) {
    const started = Date.now();
    try {
      await body();
      this.results.push({ name, ok: true });
      this.say(`ok    ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (err) {
      this.results.push({ name, ok: false, error: err });
      this.say(`FAIL  ${name}: ${err.message}`);
      if (this.verbose && err.stack) console.error(err.stack);
      await this.wb?.screenshot(`FAILED-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`).catch(() => {});
    }
  }

  get lastOk() {
    return this.results.at(-1)?.ok === true;
  }

  /** Prints the failures and the totals; the process exit code. */
  summary(label, shots) {
    const failed = this.results.filter((r) => !r.ok);
    console.log(`\nScreenshots: ${shots}`);
    for (const r of failed) console.log(`  failed: ${r.name}\n    ${r.error.message.split('\n').join('\n    ')}`);
    console.log(`${label}: ${this.results.length - failed.length} passed, ${failed.length} failed`);
    return failed.length ? 1 : 0;
  }
}
