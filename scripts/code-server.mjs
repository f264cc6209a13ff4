// Shared helpers for running a real VS Code (code-server) from this repository:
// where it is installed, how to start it with private directories on loopback, how to load
// our extension into it, and how to drive it with Debian's Chromium through playwright-core.
// Used by scripts/start.mjs, test/integration/run-code-server.mjs and test/e2e/run.mjs.
// Recipe and reasons: ../shared/docs/REAL-VSCODE.md (no internet: code-server from npm).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
/** code-server 4.100.3 = VS Code 1.100.3, the newest build that runs on Node 20. */
export const CODE_SERVER_VERSION = '4.100.3';
export const VSCODE_VERSION = '1.100.3';
export const codeServerHome = join(repoRoot, '.tools', `code-server-${CODE_SERVER_VERSION}`);
export const codeServerPackage = join(codeServerHome, 'node_modules', 'code-server');
export const codeServerEntry = join(codeServerPackage, 'out', 'node', 'entry.js');
/** Written by scripts/setup-code-server.mjs once the install started and answered /healthz. */
export const installedMarker = join(codeServerHome, '.installed-ok');
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
/** Without the networking flags Chromium tries (and fails) to reach Google's hosts here. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export function isCodeServerInstalled() {
  return existsSync(codeServerEntry) && existsSync(installedMarker) &&
    readFileSync(installedMarker, 'utf8').trim() === CODE_SERVER_VERSION;
}

export function requireCodeServer() {
  if (!isCodeServerInstalled()) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed in ${codeServerHome}.\n` +
      'Run: node scripts/setup-code-server.mjs');
  }
}

/** The manifest's identity, e.g. `transformer-explorer.transformer-explorer` and `0.1.0`. */
export function extensionIdentity() {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  return { id: `${pkg.publisher}.${pkg.name}`.toLowerCase(), version: pkg.version };
}

/** Resolves to `preferred` if it is free on 127.0.0.1, else to a free port the OS picks. */
export async function findFreePort(preferred = 0) {
  const tryPort = (port) => new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const { port: got } = server.address();
      server.close(() => resolve(got));
    });
  });
  return (preferred && (await tryPort(preferred))) || (await tryPort(0));
}

/** A user settings.json that keeps the workbench quiet: no welcome page, telemetry, experiments, updates. */
export const quietUserSettings = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
};

/**
 * Creates the private directories code-server writes to (under `base`), with the quiet user
 * settings (kept as the user left them with `keepUserSettings`). Removes what a previous run
 * left there when `fresh` (the workbench restores editors per workspace, so tests need a fresh
 * user-data-dir).
 */
export function preparePrivateDirs(base, { fresh = false, settings = {}, keepUserSettings = false } = {}) {
  if (fresh) rmSync(base, { recursive: true, force: true });
  const dirs = {
    base,
    userData: join(base, 'user-data'),
    extensions: join(base, 'extensions'),
    xdgConfig: join(base, 'xdg', 'config'),
    xdgData: join(base, 'xdg', 'data'),
    xdgCache: join(base, 'xdg', 'cache'),
    config: join(base, 'code-server.yaml'),
  };
  for (const d of [dirs.userData, dirs.extensions, dirs.xdgConfig, dirs.xdgData, dirs.xdgCache]) {
    mkdirSync(d, { recursive: true });
  }
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  const userSettings = join(dirs.userData, 'User', 'settings.json');
  if (!keepUserSettings || !existsSync(userSettings)) {
    writeFileSync(userSettings, JSON.stringify({ ...quietUserSettings, ...settings }, null, 2) + '\n');
  }
  writeFileSync(dirs.config, 'auth: none\ncert: false\n');
  return dirs;
}

/**
 * "Installs" the extension from the source tree without packaging it: an entry in the
 * extensions dir's `extensions.json` whose location is the repository itself. VS Code then
 * loads package.json + dist/extension.js straight from the working tree.
 */
export function installExtensionFromSource(extensionsDir) {
  const { id, version } = extensionIdentity();
  writeFileSync(join(extensionsDir, 'extensions.json'), JSON.stringify([registryEntry(id, version, repoRoot)]));
  return id;
}

/**
 * Adds an unpackaged extension folder (its package.json names it) to those `extensionsDir`
 * already lists, as `installExtensionFromSource` does for ours: used for the benchmarks' baseline.
 */
export function addExtensionFolder(extensionsDir, folder) {
  const { publisher, name, version } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
  const registry = join(extensionsDir, 'extensions.json');
  const entries = existsSync(registry) ? JSON.parse(readFileSync(registry, 'utf8')) : [];
  entries.push(registryEntry(`${publisher}.${name}`.toLowerCase(), version, folder));
  writeFileSync(registry, JSON.stringify(entries));
}

/** One entry of an extensions dir's `extensions.json`: extension `id` at `version`, loaded from `folder` as it is. */
function registryEntry(id, version, folder) {
  return {
    identifier: { id },
    version,
    location: { $mid: 1, path: folder, scheme: 'file' },
    relativeLocation: undefined,
    metadata: { installedTimestamp: Date.now(), source: 'resource', isApplicationScoped: false, isMachineScoped: false, isBuiltin: false, pinned: true },
  };
}

/**
 * Installs a packaged `.vsix` into `dirs.extensions` the way a user does
 * (`code-server --install-extension`), so the tests run the installed extension, not the
 * source tree. Returns the folder it was unpacked into.
 */
export async function installExtensionFromVsix(dirs, vsixPath, { log = () => {} } = {}) {
  requireCodeServer();
  if (!existsSync(vsixPath)) throw new Error(`no VSIX at ${vsixPath}: run npm run package -- --target linux-x64`);
  const args = [codeServerEntry, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', vsixPath, '--force'];
  const env = { ...process.env, XDG_CONFIG_HOME: dirs.xdgConfig, XDG_DATA_HOME: dirs.xdgData, XDG_CACHE_HOME: dirs.xdgCache, EXTENSIONS_GALLERY: '{}' };
  delete env.VSCODE_IPC_HOOK_CLI;
  const output = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (c) => { text += c; log(c.toString()); });
    child.stderr.on('data', (c) => { text += c; log(c.toString()); });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`--install-extension exited with ${code}:\n${text}`))));
  });
  const { id, version } = extensionIdentity();
  const folder = readdirSync(dirs.extensions).find((d) => d.toLowerCase().startsWith(`${id}-${version}`));
  if (!folder) throw new Error(`the VSIX did not install into ${dirs.extensions}:\n${output}`);
  return join(dirs.extensions, folder);
}

/**
 * Starts code-server on 127.0.0.1:`port` with the private `dirs` and opens `folder`.
 * Resolves once /healthz answers. `stop()` ends it (and its children) by the PID we started.
 * Workspace trust is off (every folder trusted) unless `workspaceTrust`: then the user settings
 * of `dirs` decide (see the Restricted Mode run of test/integration/run-code-server.mjs).
 * `locale` (e.g. `fr`) needs that language's pack installed first (scripts/french-language-pack.mjs).
 */
export async function startCodeServer({ dirs, port, folder, log = () => {}, timeoutMs = 60_000, workspaceTrust = false, locale }) {
  requireCodeServer();
  const args = [
    codeServerEntry,
    '--config', dirs.config,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    ...(locale ? ['--locale', locale] : []),
    ...(folder ? [folder] : []),
  ];
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: dirs.xdgConfig,
    XDG_DATA_HOME: dirs.xdgData,
    XDG_CACHE_HOME: dirs.xdgCache,
    // No extension marketplace: nothing to reach here, and no lookups of outside hosts.
    EXTENSIONS_GALLERY: '{}',
  };
  delete env.VSCODE_IPC_HOOK_CLI;
  // detached: its own process group, so stop() can end code-server and everything it spawned.
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const onData = (chunk) => {
    const text = chunk.toString();
    output = (output + text).slice(-20_000);
    log(text);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let exited = false;
  child.once('exit', () => { exited = true; });

  const stop = () => new Promise((resolve) => {
    if (exited || child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
    const killer = setTimeout(() => {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }, 3000);
    killer.unref();
  });

  const deadline = Date.now() + timeoutMs;
  const url = `http://127.0.0.1:${port}`;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`code-server exited before it was ready:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return { url, port, child, stop, output: () => output };
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs / 1000} s:\n${output}`);
}

/** `vscode-remote://127.0.0.1:<port><abs path>`: how the web workbench names files on the server. */
export function remoteUri(port, absPath) {
  return `vscode-remote://127.0.0.1:${port}${absPath}`;
}

/**
 * The workbench URL for `folder`, with the `payload` parameter that makes it an extension
 * development host (and, with `extensionTestsPath`, a test runner).
 */
export function workbenchUrl({ port, folder, extensionDevelopmentPath, extensionTestsPath }) {
  const params = new URLSearchParams();
  if (folder) params.set('folder', folder);
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remoteUri(port, extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(port, extensionTestsPath)]);
  if (payload.length) params.set('payload', JSON.stringify(payload));
  return `http://127.0.0.1:${port}/?${params.toString().replace(/%2F/g, '/')}`;
}

/** Headless Debian Chromium through playwright-core (never a downloaded browser). */
export async function launchChromium({ userDataDir, headless = true } = {}) {
  const { chromium } = await import('playwright-core');
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  const args = [...chromiumArgs];
  if (userDataDir) {
    mkdirSync(userDataDir, { recursive: true });
    const context = await chromium.launchPersistentContext(userDataDir, { executablePath: chromiumPath, headless, args, viewport: { width: 1920, height: 1080 } });
    return { context, close: () => context.close() };
  }
  const browser = await chromium.launch({ executablePath: chromiumPath, headless, args });
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  return { browser, context, close: () => browser.close() };
}
