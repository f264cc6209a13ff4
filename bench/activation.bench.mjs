// Activation of the installed extension, as VS Code itself measures it (Developer: Show Running
// Extensions), beside a baseline in the same window: the smallest extension activated by the same
// event (bench/activation-baseline: registers one command). The baseline is the floor this machine
// and its load give any extension; the difference is what our activation path costs.
//
// Each run is a fresh code-server profile with the linux-x64 VSIX installed (--install-extension)
// and the baseline beside it; opening a text file activates both (onLanguage:plaintext).
// Usage: npm run bench:activation   (packages linux-x64 first)
//        node bench/activation.bench.mjs [--runs 5] [--vsix file]
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../scripts/code-server.mjs';
import { argValue, stopwatch, withWorkbench } from '../test/e2e/session.mjs';

const { name, version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const vsix = argValue('--vsix') ?? join(repoRoot, 'vsix', `${name}-linux-x64-${version}.vsix`);
const runs = Number(argValue('--runs') ?? 5);
const baseline = join(repoRoot, 'bench', 'activation-baseline');
const say = stopwatch('bench-activation');

/** The activation time (ms) shown in the Running Extensions row whose text includes `label`. */
async function activationOf(wb, label) {
  const row = wb.page.locator('.runtime-extensions-editor .monaco-list-row').filter({ hasText: label });
  const text = await wb.poll(() => row.first().innerText(), (t) => /Activation:\s*\d+\s*ms/.test(t), `the Running Extensions row of ${label}`, 30_000);
  return Number(/Activation:\s*(\d+)\s*ms/.exec(text)[1]);
}

async function oneRun(i) {
  return withWorkbench({ profile: 'bench-activation', vsix, alsoInstall: [baseline], say: () => {}, timeoutS: 180 }, async (wb) => {
    await wb.waitForWorkbench();
    await wb.openFromExplorer('genesis.txt');
    await wb.runCommand('Developer: Show Running Extensions');
    const ours = await activationOf(wb, 'Transformer Explorer');
    const floor = await activationOf(wb, 'Activation Baseline');
    say(`run ${i + 1}/${runs}: Transformer Explorer ${ours} ms, baseline ${floor} ms (load ${loadavg()[0].toFixed(1)})`);
    return { ours, floor };
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];
for (let i = 0; i < runs; i++) results.push(await oneRun(i));

console.log(`\nActivation as VS Code reports it, ${runs} fresh profiles, ${cpus().length} cores (load ${loadavg()[0].toFixed(1)} at the end)`);
console.log('| | median | min | max |');
console.log('|---|---:|---:|---:|');
for (const [label, key] of [['Transformer Explorer (installed VSIX)', 'ours'], ['baseline (empty extension, same event)', 'floor']]) {
  const xs = results.map((r) => r[key]);
  console.log(`| ${label} | ${median(xs)} ms | ${Math.min(...xs)} ms | ${Math.max(...xs)} ms |`);
}
const over = results.map((r) => r.ours - r.floor);
console.log(`| difference per run | ${median(over)} ms | ${Math.min(...over)} ms | ${Math.max(...over)} ms |`);
