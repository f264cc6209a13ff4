// `npm test`: build once, then the tiers in order — unit (Node's test runner), integration (Mocha
// inside a real VS Code's extension host), e2e (Chromium driving the workbench), then the installed
// extension: `npm run package` (every platform, each VSIX verified), the linux-x64 one installed into a fresh profile with
// --install-extension, where the e2e checks and the smoke test of every palette command run again.
// Every tier runs even if an earlier one failed; the exit code is non-zero if any failed.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node = process.execPath;
const run = (name, args) => {
  console.log(`\n=== ${name} ===`);
  const t0 = Date.now();
  const r = spawnSync(node, args, { cwd: root, stdio: 'inherit' });
  const ok = r.status === 0;
  console.log(`=== ${name}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s ===`);
  return ok;
};

if (!run('build', [join(root, 'scripts', 'build.mjs')])) process.exit(1);
const results = [
  ['unit', run('unit', ['--test', '--test-reporter=spec', join(root, 'out', 'test', 'unit')])],
  ['integration', run('integration', [join(root, 'test', 'integration', 'run-code-server.mjs')])],
  ['e2e', run('e2e', [join(root, 'test', 'e2e', 'run.mjs')])],
];
const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsix = join(root, 'vsix', `${name}-linux-x64-${version}.vsix`);
if (run('package (every platform; the linux-x64 VSIX is installed below)', [join(root, 'scripts', 'package.mjs')])) {
  results.push(['e2e (installed VSIX)', run('e2e (installed VSIX)', [join(root, 'test', 'e2e', 'run.mjs'), '--vsix', vsix])]);
  results.push(['smoke (installed VSIX)', run('smoke (installed VSIX)', [join(root, 'test', 'e2e', 'smoke.mjs'), '--vsix', vsix])]);
} else {
  results.push(['package', false]);
}
const failed = results.filter(([, ok]) => !ok).map(([n]) => n);
console.log(`\nnpm test: ${failed.length ? `failed: ${failed.join(', ')}` : 'all tiers passed'}`);
process.exit(failed.length ? 1 : 0);
