// Installs code-server 4.100.3 (= VS Code 1.100.3) into .tools/code-server-4.100.3/, the real
// VS Code that `npm start`, the integration tests and the e2e tests run. Works offline apart
// from the npm registry and Debian's packages (../shared/docs/REAL-VSCODE.md):
//   1. checks the Debian packages it needs (installs them when root, else prints the command);
//   2. seeds @vscode/ripgrep's download cache with Debian's /usr/bin/rg (its postinstall would
//      otherwise download ripgrep from the internet and fail);
//   3. `npm install --unsafe-perm code-server@4.100.3` in that folder (native modules are built
//      with node-gyp: ~100 s, ~300 MB);
//   4. checks the result: native modules present, `--version`, and a real start answering /healthz.
// Idempotent: returns in well under a second when a checked install is already there.
// Usage: node scripts/setup-code-server.mjs [--force]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { arch } from 'node:os';
import { join } from 'node:path';
import {
  CODE_SERVER_VERSION, codeServerEntry, codeServerHome, codeServerPackage, findFreePort,
  installedMarker, isCodeServerInstalled, preparePrivateDirs, startCodeServer,
} from './code-server.mjs';

const DEBIAN_PACKAGES = ['chromium', 'libkrb5-dev', 'ripgrep', 'fonts-liberation'];
// code-server 4.100.3's lib/vscode/npm-shrinkwrap.json pins @vscode/ripgrep 1.15.11, whose
// lib/postinstall.js wants ripgrep release v13.0.0-10 and lib/download.js looks for the archive in
// `${os.tmpdir()}/vscode-ripgrep-cache-<package version>/ripgrep-<release>-<target>.tar.gz` first.
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_RELEASE = 'v13.0.0-10';
const RIPGREP_TARGETS = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' };

const force = process.argv.includes('--force');
const t0 = Date.now();
const say = (msg) => console.log(`[setup-code-server ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${msg}`);

function missingDebianPackages() {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\n', ...DEBIAN_PACKAGES], { encoding: 'utf8' });
  const installed = new Set(r.stdout.split('\n').filter((l) => l.endsWith(' installed')).map((l) => l.split(' ')[0]));
  return DEBIAN_PACKAGES.filter((p) => !installed.has(p));
}

function ensureDebianPackages() {
  if (!existsSync('/usr/bin/dpkg-query')) {
    say(`not a Debian system: make sure these are installed yourself: ${DEBIAN_PACKAGES.join(' ')}`);
    return;
  }
  const missing = missingDebianPackages();
  if (!missing.length) {
    say(`Debian packages present: ${DEBIAN_PACKAGES.join(', ')}`);
    return;
  }
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    console.error(`Missing Debian packages: ${missing.join(', ')}. Run as root:\n  sudo sh -c '${command}'\nthen run this script again.`);
    process.exit(1);
  }
  say(`installing Debian packages: ${missing.join(', ')}`);
  execFileSync('sh', ['-c', command], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** A tar.gz holding one file `rg` (Debian's), where @vscode/ripgrep's postinstall looks first. */
function seedRipgrepCache(tmpDir) {
  const target = RIPGREP_TARGETS[arch()];
  const rg = '/usr/bin/rg';
  if (!target) throw new Error(`no ripgrep target known for CPU ${arch()}`);
  if (!existsSync(rg)) throw new Error(`${rg} is missing: apt-get install -y ripgrep`);
  const cacheDir = join(tmpDir, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  const archive = join(cacheDir, `ripgrep-${RIPGREP_RELEASE}-${target}.tar.gz`);
  mkdirSync(cacheDir, { recursive: true });
  if (!existsSync(archive)) execFileSync('tar', ['-czf', archive, '-C', '/usr/bin', 'rg']);
  say(`seeded ripgrep cache: ${archive}`);
}

/** The files only a successful run of the native install scripts leaves behind. */
function checkNativeModules() {
  const vscodeModules = join(codeServerPackage, 'lib', 'vscode', 'node_modules');
  const expected = [
    join(vscodeModules, '@vscode', 'ripgrep', 'bin', 'rg'),
    join(vscodeModules, 'node-pty', 'build', 'Release', 'pty.node'),
    join(vscodeModules, '@vscode', 'spdlog', 'build', 'Release', 'spdlog.node'),
    join(vscodeModules, 'kerberos', 'build', 'Release', 'kerberos.node'),
    join(codeServerPackage, 'lib', 'vscode', 'node_modules.asar'),
  ];
  const missing = expected.filter((f) => !existsSync(f));
  if (missing.length) {
    throw new Error(`code-server's install scripts did not all run; missing:\n  ${missing.join('\n  ')}\n` +
      `Remove ${codeServerHome} and run this script again; see the npm output above.`);
  }
}

async function checkStarts() {
  const dirs = preparePrivateDirs(join(codeServerHome, '.selfcheck'), { fresh: true });
  const version = execFileSync(process.execPath, [codeServerEntry, '--config', dirs.config, '--version'], {
    encoding: 'utf8',
    env: { ...process.env, XDG_CONFIG_HOME: dirs.xdgConfig, XDG_DATA_HOME: dirs.xdgData, XDG_CACHE_HOME: dirs.xdgCache },
  }).trim();
  if (!version.startsWith(CODE_SERVER_VERSION)) throw new Error(`unexpected code-server --version: ${version}`);
  say(`code-server --version: ${version.split('\n')[0]}`);
  const port = await findFreePort();
  writeFileSync(installedMarker, CODE_SERVER_VERSION); // startCodeServer checks the marker
  try {
    const server = await startCodeServer({ dirs, port, timeoutMs: 30_000 });
    const page = await fetch(`${server.url}/`);
    await server.stop();
    if (!page.ok) throw new Error(`GET / answered ${page.status}`);
    say(`code-server started and answered on ${server.url}`);
  } catch (err) {
    rmSync(installedMarker, { force: true });
    throw err;
  } finally {
    rmSync(dirs.base, { recursive: true, force: true });
  }
}

async function main() {
  if (!force && isCodeServerInstalled()) {
    say(`code-server ${CODE_SERVER_VERSION} already installed in ${codeServerHome}`);
    return;
  }
  ensureDebianPackages();
  rmSync(installedMarker, { force: true });
  mkdirSync(codeServerHome, { recursive: true });
  const pkgFile = join(codeServerHome, 'package.json');
  if (!existsSync(pkgFile)) {
    writeFileSync(pkgFile, JSON.stringify({
      name: 'code-server-for-transformer-explorer',
      private: true,
      description: 'Test tool only: the real VS Code (code-server) that npm start and the tests run.',
      // npm 11 runs unreviewed install scripts with a warning; these two must run (native builds).
      allowScripts: { 'code-server': true, argon2: true },
    }, null, 2) + '\n');
  }
  // A private TMPDIR: the ripgrep cache lives there, and nothing is left in /tmp.
  const tmpDir = join(codeServerHome, '.tmp');
  mkdirSync(tmpDir, { recursive: true });
  seedRipgrepCache(tmpDir);

  const env = {
    ...process.env,
    TMPDIR: tmpDir,
    npm_config_yes: 'true', // node-pty's build runs `npx node-gyp`
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    ONNXRUNTIME_NODE_INSTALL: 'skip',
  };
  // Build native modules against the local Node headers (no download of headers).
  if (!env.npm_config_nodedir && existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';
  say(`npm install --unsafe-perm code-server@${CODE_SERVER_VERSION} in ${codeServerHome} (about 100 s: native modules build with node-gyp)`);
  const r = spawnSync('npm', ['install', '--unsafe-perm', '--loglevel=warn', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: codeServerHome, env, stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`npm install code-server@${CODE_SERVER_VERSION} failed (exit ${r.status ?? r.signal})`);
  checkNativeModules();
  say('native modules built (ripgrep, node-pty, spdlog, kerberos)');
  await checkStarts();
  say(`done: code-server ${CODE_SERVER_VERSION} is ready in ${codeServerHome}`);
}

main().catch((err) => {
  console.error(`setup-code-server: ${err.message}`);
  process.exit(1);
});
