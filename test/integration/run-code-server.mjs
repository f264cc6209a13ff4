// Integration tests inside the extension host of a real VS Code, with no internet:
// code-server 4.100.3 (VS Code 1.100.3) + headless Debian Chromium. This is what
// `@vscode/test-electron` does on a desktop, done through the web workbench's `payload` URL
// parameter (extensionDevelopmentPath + extensionTestsPath). The suite's `run()` output arrives
// through `codeAutomationLog`, its result through `codeAutomationExit`. When the suite fails while
// a webview of the extension never started (a code-server quirk, see
// src/webviews/reloadUntilReady.ts), it runs again in a fresh code-server (3 runs at most), and says so.
// Then a second, small run (test/integration/untrusted/) in a fresh code-server with workspace
// trust on and a workspace that is NOT trusted (no prompt): Restricted Mode, with hostile
// settings in the workspace (see restrictedRun below). `--tests` runs only the suite it names.
// Usage: node test/integration/run-code-server.mjs [--tests <index.js>] [--extension <dir>]
//        [--workspace <dir>] [--timeout <seconds>] [--headed]
// Needs: node scripts/build.mjs (dist/ and out/) and node scripts/setup-code-server.mjs.
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  findFreePort, launchChromium, preparePrivateDirs, repoRoot, requireCodeServer,
  startCodeServer, workbenchUrl,
} from '../../scripts/code-server.mjs';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const testsGiven = option('tests', undefined);
const testsPath = resolve(testsGiven ?? join(repoRoot, 'out', 'test', 'integration', 'suite', 'index.js'));
const extensionPath = resolve(option('extension', repoRoot));
const sourceWorkspace = resolve(option('workspace', join(repoRoot, 'sample-workspace')));
const timeoutS = Number(option('timeout', process.env.TREX_INTEGRATION_TIMEOUT_S ?? '600'));
const headed = process.argv.includes('--headed');
const verbose = process.argv.includes('--verbose') || process.env.TREX_TEST_VERBOSE === '1';
const t0 = Date.now();
/** The workbench's own start-up chatter (the same channel carries the suite's output); --verbose shows it. */
const WORKBENCH_NOISE = [
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket/,
  /^Ignoring fetching additional builtin extensions/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\]/,
  /^ChatSessionStore:/,
  /^Creation of workbench contribution .* took \d+ms/,
  /^Started local extension host/,
];
const say = (msg) => console.log(`[integration ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${msg}`);

function preflight() {
  requireCodeServer();
  const missing = [
    [join(extensionPath, 'package.json'), 'the extension manifest'],
    ...RUNS.map((r) => [r.testsPath, 'the compiled test suite (node scripts/build.mjs)']),
    ...RUNS.map((r) => [r.sourceWorkspace, 'the workspace to open']),
  ].filter(([p]) => !existsSync(p));
  if (extensionPath === repoRoot && !existsSync(join(repoRoot, 'dist', 'extension.js'))) {
    missing.push([join(repoRoot, 'dist', 'extension.js'), 'the bundled extension (node scripts/build.mjs)']);
  }
  if (missing.length) {
    throw new Error(`missing:\n${missing.map(([p, what]) => `  ${p}  (${what})`).join('\n')}`);
  }
}

/** What the webview frames said about their service workers (the last 40 lines). */
const workerLines = [];
function printWorkerLines() {
  if (workerLines.length) console.error(`--- webview service worker lines (last ${workerLines.length}) ---\n${workerLines.join('\n')}`);
}

/** The notice the extension gives when a webview's page never started (src/webviews/reloadUntilReady.ts). */
const WEBVIEW_STALLED = /did not start\. Reloading the window starts it again\./;

/**
 * One run of the suite in a fresh code-server and browser. `stalled` says whether a webview of
 * the extension never started during it: code-server's webviews share one service-worker scope,
 * and a frame can wait for good for its worker (see reloadUntilReady.ts), which no test can undo.
 */
async function runOnce(run) {
  const base = join(repoRoot, '.vscode-test', run.dir);
  const dirs = preparePrivateDirs(base, { fresh: true, settings: run.userSettings ?? {} });
  // Tests change settings; work on a copy so the repository's sample workspace stays as it is.
  const workspace = join(base, 'workspace');
  rmSync(workspace, { recursive: true, force: true });
  mkdirSync(workspace, { recursive: true });
  cpSync(run.sourceWorkspace, workspace, { recursive: true });
  run.prepare?.(workspace);

  const port = await findFreePort();
  let server;
  let browser;
  let finished = false;
  const cleanup = async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
  };
  const onSignal = (sig) => {
    console.error(`\n[integration] ${sig}: stopping code-server and Chromium`);
    cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let stalled = false;
  /** Tests passed, from the suite's closing line; undefined while it has not printed it. */
  let passed;

  try {
    say(`${run.name}: starting code-server on 127.0.0.1:${port}${run.workspaceTrust ? ' (workspace trust on)' : ''}`);
    server = await startCodeServer({ dirs, port, folder: workspace, workspaceTrust: run.workspaceTrust, log: verbose ? (t) => process.stdout.write(`[code-server] ${t}`) : undefined });
    browser = await launchChromium({ headless: !headed });
    const page = await browser.context.newPage();

    let resolveExit;
    const exited = new Promise((r) => { resolveExit = r; });
    await page.exposeFunction('codeAutomationLog', (level, message) => {
      const text = String(message);
      if (WEBVIEW_STALLED.test(text)) stalled = true;
      const closing = /^integration: (\d+) passed/.exec(text);
      if (closing) passed = Number(closing[1]);
      if (!verbose && WORKBENCH_NOISE.some((re) => re.test(text))) return;
      if (level === 'error') console.error(text); else console.log(text);
    });
    await page.exposeFunction('codeAutomationExit', (code) => {
      finished = true;
      resolveExit(Number(code));
    });
    page.on('pageerror', (err) => { if (verbose) console.error(`[page error] ${err.message}`); });
    // Each webview frame says in its console when it waits for its resource service worker (see
    // src/webviews/reloadUntilReady.ts). Every new webview waits a moment, so these lines
    // are kept, with their time, and printed only when the suite fails.
    page.on('console', (msg) => {
      const text = msg.text();
      if (!/service worker (controller|version)|register service worker/i.test(text)) return;
      workerLines.push(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${text}`);
      if (workerLines.length > 40) workerLines.shift();
    });
    page.on('crash', () => resolveExit(-2));

    const url = workbenchUrl({ port, folder: workspace, extensionDevelopmentPath: extensionPath, extensionTestsPath: run.testsPath });
    say(`opening the workbench (extension ${extensionPath}, tests ${run.testsPath})`);
    await page.goto(url);
    const timer = new Promise((r) => setTimeout(() => r(-1), run.timeoutS * 1000).unref());
    const code = await Promise.race([exited, timer]);
    if (code === -1) {
      console.error(`\n[integration] TIMEOUT: the suite did not report an exit code within ${run.timeoutS} s.\n` +
        'The extension host may have failed to start, or a test hangs. Re-run with --verbose (code-server log)\n' +
        'or --headed; check that dist/extension.js and out/test/integration/suite/index.js are built.');
      if (!verbose) console.error(`--- code-server log (tail) ---\n${server.output().slice(-4000)}`);
      printWorkerLines();
      const shot = join(repoRoot, 'test-results', 'integration', 'timeout.png');
      mkdirSync(dirname(shot), { recursive: true });
      await page.screenshot({ path: shot }).then(() => console.error(`screenshot of the workbench: ${shot}`), () => {});
      return { code: 1, stalled, passed: passed ?? 0 };
    }
    if (code === -2) {
      console.error('[integration] the browser page crashed');
      return { code: 1, stalled, passed: passed ?? 0 };
    }
    say(`${run.name}: suite finished with exit code ${code}`);
    if (code === 0 && passed === undefined) {
      // The workbench reports 0 when the extension host dies under the tests (seen when it hung).
      console.error(`[integration] ${run.name}: the suite ended without its closing line: the extension host stopped or crashed`);
      return { code: 1, stalled, passed: 0 };
    }
    if (code !== 0) printWorkerLines();
    return { code, stalled, passed: passed ?? 0 };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
    if (!finished) say('stopped code-server and Chromium');
  }
}

/** Runs in all when each failed while a webview never started. */
const MAX_RUNS = 3;

/**
 * The Restricted Mode run: workspace trust on, no prompt, so the opened folder is simply not
 * trusted. Its workspace (test/integration/untrusted-workspace/: a hostile tokenizer.json, a model
 * folder, an `aaaa…a🐱` document) gets a .vscode/settings.json naming them by absolute path.
 */
const restrictedRun = {
  name: 'Restricted Mode',
  dir: 'code-server-untrusted',
  testsPath: join(repoRoot, 'out', 'test', 'integration', 'untrusted', 'index.js'),
  sourceWorkspace: join(repoRoot, 'test', 'integration', 'untrusted-workspace'),
  workspaceTrust: true,
  userSettings: {
    'security.workspace.trust.enabled': true,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'never',
    'security.workspace.trust.untrustedFiles': 'open',
    'security.workspace.trust.emptyWindow': false,
  },
  prepare(workspace) {
    const hostile = join(workspace, 'hostile', 'tokenizer.json');
    const model = join(workspace, 'evil-model');
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({
      'transformerExplorer.tokenizer': hostile,
      'transformerExplorer.compareTokenizer': hostile,
      'transformerExplorer.model': model,
      'transformerExplorer.defaultModels': { causal: model, masked: model },
      // An executable of the workspace's own as the training Python: never run in Restricted Mode.
      'transformerExplorer.training.python': join(workspace, 'hostile', 'python'),
      'transformerExplorer.training.outputFolder': join(workspace, 'hostile'),
    }, null, 2) + '\n');
  },
  // Hung on the hostile tokenizer, the extension host never reports: fail in minutes, not ten.
  timeoutS: Math.min(timeoutS, 180),
};

/** The main suite in a trusted workspace, then the Restricted Mode run (unless --tests names one suite). */
const RUNS = [
  { name: 'suite', dir: 'code-server-integration', testsPath, sourceWorkspace, workspaceTrust: false, timeoutS },
  ...(testsGiven ? [] : [restrictedRun]),
];

/**
 * A run, and again in a fresh VS Code (up to MAX_RUNS in all) while it fails after one of the
 * extension's webviews never started (code-server's doing, not the extension's; said loudly).
 * Any other failure stands.
 */
async function runWithRetries(run) {
  for (let attempt = 1; ; attempt++) {
    const result = await runOnce(run);
    if (result.code === 0) {
      if (attempt > 1) say(`${run.name}: run ${attempt} passed; the run${attempt > 2 ? 's' : ''} before failed with a stalled webview (above)`);
      return result;
    }
    if (!result.stalled || attempt === MAX_RUNS) {
      if (attempt > 1) say(`${run.name}: run ${attempt} failed too`);
      return result;
    }
    console.log(`\n[integration] ${run.name}: run ${attempt} FAILED while a webview never started (code-server: its frame waited for good\n` +
      'for its service worker; see src/webviews/reloadUntilReady.ts). The failures above are from that run.\n' +
      'Running it again in a fresh code-server and browser.\n');
    workerLines.length = 0;
  }
}

/** Every run (each runs even when one before failed); fails when one failed, or when TREX_TEST_GREP matched nothing anywhere. */
async function main() {
  preflight();
  let code = 0;
  let passed = 0;
  for (const run of RUNS) {
    const result = await runWithRetries(run);
    passed += result.passed;
    if (result.code !== 0) code = result.code;
  }
  if (code === 0 && passed === 0) {
    console.error(`[integration] no test ran${process.env.TREX_TEST_GREP ? ` (TREX_TEST_GREP=${process.env.TREX_TEST_GREP} matches none)` : ''}`);
    return 1;
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[integration] ${err.message}`);
    process.exit(1);
  },
);
