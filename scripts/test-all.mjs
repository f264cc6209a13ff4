// `npm test`: build once, then the tiers in order — unit (Node's test runner), integration (Mocha
// inside a real VS Code's extension host), e2e (Chromium driving the workbench), e2e (French: the
// same checks with the French language pack and --locale fr, our French text read in each view), then the installed
// extension: `npm run package` (every platform, each VSIX verified), the linux-x64 one installed into a fresh profile with
// --install-extension, where the e2e checks and the smoke test of every palette command run again.
// Every tier runs even if an earlier one failed; the exit code is non-zero if any failed. A failed
// tier's last lines are printed again at the very end, so a log read from its tail shows why.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node = process.execPath;
const TAIL_LINES = 80;
const failures = [];
/** Tiers that passed only on a later run (test/integration/run-code-server.mjs says when and why). */
const notes = [];

/** Runs one tier, its output passed through as it comes; keeps its last lines for the summary. */
function run(name, args) {
  console.log(`\n=== ${name} ===`);
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(node, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail = [];
    let partial = '';
    const keep = (chunk) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      tail.push(...lines);
      if (tail.length > TAIL_LINES) tail.splice(0, tail.length - TAIL_LINES);
    };
    child.stdout.on('data', (c) => { process.stdout.write(c); keep(c); });
    child.stderr.on('data', (c) => { process.stderr.write(c); keep(c); });
    const forward = (sig) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('close', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      if (partial) tail.push(partial);
      const ok = code === 0;
      const seconds = ((Date.now() - t0) / 1000).toFixed(1);
      console.log(`=== ${name}: ${ok ? 'ok' : `FAILED (exit ${code ?? signal})`} in ${seconds} s ===`);
      if (!ok) failures.push({ name, tail });
      const rerun = tail.find((l) => /run \d+ passed; the runs? before failed/.test(l));
      if (ok && rerun) notes.push(`${name}: ${rerun.replace(/^\[[^\]]*\]\s*/, '')}`);
      resolve(ok);
    });
  });
}

if (!(await run('build', [join(root, 'scripts', 'build.mjs')]))) process.exit(1);
const results = [
  ['unit', await run('unit', ['--test', '--test-reporter=spec', join(root, 'out', 'test', 'unit')])],
  ['integration', await run('integration', [join(root, 'test', 'integration', 'run-code-server.mjs')])],
  ['e2e', await run('e2e', [join(root, 'test', 'e2e', 'run.mjs')])],
  ['e2e (French)', await run('e2e (French)', [join(root, 'test', 'e2e', 'run.mjs'), '--locale', 'fr'])],
];
const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsix = join(root, 'vsix', `${name}-linux-x64-${version}.vsix`);
if (await run('package (every platform; the linux-x64 VSIX is installed below)', [join(root, 'scripts', 'package.mjs')])) {
  results.push(['e2e (installed VSIX)', await run('e2e (installed VSIX)', [join(root, 'test', 'e2e', 'run.mjs'), '--vsix', vsix])]);
  results.push(['smoke (installed VSIX)', await run('smoke (installed VSIX)', [join(root, 'test', 'e2e', 'smoke.mjs'), '--vsix', vsix])]);
} else {
  results.push(['package', false]);
}
for (const { name: tier, tail } of failures) {
  console.log(`\n--- ${tier} failed; its last ${tail.length} lines again ---\n${tail.join('\n')}`);
}
for (const note of notes) console.log(`\nnote: ${note}`);
const failed = results.filter(([, ok]) => !ok).map(([n]) => n);
console.log(`\nnpm test: ${failed.length ? `failed: ${failed.join(', ')}` : 'all tiers passed'}`);
process.exit(failed.length ? 1 : 0);
