// `npm start`: builds the extension, makes sure code-server (a real VS Code 1.100.3) is installed,
// and starts it on 127.0.0.1 with the extension loaded from this source tree and the sample
// workspace open. Prints the URL to open in your browser; Ctrl+C stops it.
// The extension is "installed" by an entry in a private extensions dir whose location is this
// repository (no packaging): after `node scripts/build.mjs` (or `--watch`), run
// "Developer: Reload Window" in the browser to pick up changes.
// Usage: npm start [-- --port 8080] [--folder <dir>] [--no-build] [--verbose]
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  CODE_SERVER_VERSION, VSCODE_VERSION, findFreePort, installExtensionFromSource, preparePrivateDirs, repoRoot,
  startCodeServer,
} from './code-server.mjs';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const folder = resolve(option('folder', join(repoRoot, 'sample-workspace')));
const preferredPort = Number(option('port', process.env.PORT ?? '8080'));
const verbose = process.argv.includes('--verbose');

function step(title, args) {
  console.log(`\n> ${title}`);
  const r = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\nnpm start: "${title}" failed (exit ${r.status ?? r.signal}).`);
    process.exit(1);
  }
}

async function main() {
  if (!process.argv.includes('--no-build')) step('building the extension', [join(repoRoot, 'scripts', 'build.mjs')]);
  step(`checking code-server ${CODE_SERVER_VERSION}`, [join(repoRoot, 'scripts', 'setup-code-server.mjs')]);
  if (!existsSync(folder)) throw new Error(`no such folder: ${folder}`);

  // Kept between runs (your open editors and settings), but never in your home folder.
  const dirs = preparePrivateDirs(join(repoRoot, '.vscode-test', 'start'), { keepUserSettings: true });
  const extensionId = installExtensionFromSource(dirs.extensions);
  const port = await findFreePort(preferredPort);
  const logFile = join(dirs.base, 'code-server.log');
  const log = createWriteStream(logFile);
  const server = await startCodeServer({
    dirs, port, folder,
    log: (text) => { log.write(text); if (verbose) process.stdout.write(text); },
  });
  const url = `${server.url}/?folder=${encodeURI(folder)}`;
  console.log(`
Transformer Explorer is running in VS Code ${VSCODE_VERSION} (code-server ${CODE_SERVER_VERSION}).

  Open:       ${url}
  Extension:  ${extensionId}, loaded from ${repoRoot}
  Workspace:  ${folder}
  Log:        ${logFile}

Select some text, press F1 and type "Transformer". Ctrl+C to stop.`);

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping code-server…`);
    await server.stop();
    log.end();
    console.log('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('Ctrl+C'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  server.child.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`code-server exited on its own (${code ?? signal}); see ${logFile}`);
    process.exit(1);
  });
}

main().catch((err) => {
  console.error(`npm start: ${err.message}`);
  process.exit(1);
});
