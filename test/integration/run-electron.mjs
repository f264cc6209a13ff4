// The same integration suite as run-code-server.mjs, in a desktop VS Code, through
// @vscode/test-electron — for a developer's own machine. It downloads VS Code 1.100.3 into
// .vscode-test/ (needs internet), or uses an installed one:
//   VSCODE_EXECUTABLE=/usr/share/code/code node test/integration/run-electron.mjs
// On a machine with no display, run it under `xvfb-run -a`. On this project's build machines
// (no internet) use test/integration/run-code-server.mjs instead.
// Usage: node test/integration/run-electron.mjs [--version 1.100.3] [--workspace <dir>]
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { quietUserSettings, repoRoot } from '../../scripts/code-server.mjs';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

async function main() {
  const { runTests } = await import('@vscode/test-electron');
  const extensionTestsPath = join(repoRoot, 'out', 'test', 'integration', 'suite', 'index.js');
  for (const [p, what] of [[join(repoRoot, 'dist', 'extension.js'), 'the bundled extension'], [extensionTestsPath, 'the compiled suite']]) {
    if (!existsSync(p)) throw new Error(`missing ${what}: ${p} — run node scripts/build.mjs`);
  }
  // A copy of the sample workspace and fresh user data: tests change settings and open editors.
  const base = join(repoRoot, '.vscode-test', 'electron-integration');
  rmSync(base, { recursive: true, force: true });
  const workspace = join(base, 'workspace');
  mkdirSync(workspace, { recursive: true });
  cpSync(resolve(option('workspace', join(repoRoot, 'sample-workspace'))), workspace, { recursive: true });
  mkdirSync(join(base, 'user-data', 'User'), { recursive: true });
  writeFileSync(join(base, 'user-data', 'User', 'settings.json'), JSON.stringify(quietUserSettings, null, 2));

  const vscodeExecutablePath = process.env.VSCODE_EXECUTABLE || undefined;
  const version = option('version', '1.100.3'); // matches engines.vscode and @types/vscode
  console.log(vscodeExecutablePath ? `Using VS Code at ${vscodeExecutablePath}` : `Using VS Code ${version} (downloaded into .vscode-test/ if needed)`);
  const code = await runTests({
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath,
    ...(vscodeExecutablePath ? { vscodeExecutablePath } : { version }),
    extensionTestsEnv: { TREX_TEST_GREP: process.env.TREX_TEST_GREP },
    launchArgs: [
      workspace,
      '--disable-extensions', // only the extension under development
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      '--user-data-dir', join(base, 'user-data'),
      '--extensions-dir', join(base, 'extensions'),
    ],
  });
  return code;
}

main().then(
  (code) => process.exit(code ?? 0),
  (err) => {
    const hint = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|getaddrinfo/.test(String(err?.message ?? err))
      ? '\nNo internet to download VS Code: set VSCODE_EXECUTABLE to an installed VS Code, or use test/integration/run-code-server.mjs.'
      : '';
    console.error(`[integration:electron] ${err?.message ?? err}${hint}`);
    process.exit(typeof err?.code === 'number' ? err.code : 1);
  },
);
