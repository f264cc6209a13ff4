// Activation of the installed extension, as VS Code itself measures it (Developer: Show Running
// Extensions), beside a baseline in the same window: the smallest extension activated by the same
// event (bench/activation-baseline: registers one command). The baseline is the floor this machine
// and its load give any extension; the difference is what our activation path costs.
//
// Each run is a fresh code-server profile with a VSIX installed (--install-extension) and the
// baseline beside it; opening a text file activates both (onLanguage:plaintext). Given several
// VSIX files (e.g. an older build to compare with), the runs alternate between them, so that each
// meets the same machine load.
// Usage: npm run bench:activation   (packages linux-x64 first)
//        node bench/activation.bench.mjs [--runs 5] [--vsix file [--vsix other.vsix]]
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, join, relative } from 'node:path';
import { repoRoot } from '../scripts/code-server.mjs';
import { stopwatch, withWorkbench } from '../test/e2e/session.mjs';

const { name, version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const given = process.argv.flatMap((a, i) => (a === '--vsix' ? [process.argv[i + 1]] : []));
const files = given.length ? given : [join(repoRoot, 'vsix', `${name}-linux-x64-${version}.vsix`)];
const runIndex = process.argv.indexOf('--runs');
const runs = runIndex >= 0 ? Number(process.argv[runIndex + 1]) : 5;
const baseline = join(repoRoot, 'bench', 'activation-baseline');
const say = stopwatch('bench-activation');
const label = (file) => (files.length === 1 ? 'Transformer Explorer (installed VSIX)' : `Transformer Explorer, ${relative(repoRoot, file).startsWith('..') ? file : relative(repoRoot, file)}`);

async function oneRun(vsix, i) {
  return withWorkbench({ profile: 'bench-activation', vsix, alsoInstall: [baseline], say: () => {}, timeoutS: 180 }, async (wb) => {
    await wb.waitForWorkbench();
    await wb.openFromExplorer('genesis.txt');
    await wb.runCommand('Developer: Show Running Extensions');
    const ours = await wb.activationTime('Transformer Explorer');
    const floor = await wb.activationTime('Activation Baseline');
    say(`run ${i + 1}/${runs} ${basename(vsix)}: Transformer Explorer ${ours} ms, baseline ${floor} ms (load ${loadavg()[0].toFixed(1)})`);
    return { ours, floor };
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = new Map(files.map((f) => [f, []]));
for (let i = 0; i < runs; i++) for (const file of files) results.get(file).push(await oneRun(file, i));

console.log(`\nActivation as VS Code reports it, ${runs} fresh profiles each, ${cpus().length} cores (load ${loadavg()[0].toFixed(1)} at the end)`);
console.log('| | median | min | max |');
console.log('|---|---:|---:|---:|');
const row = (title, xs) => console.log(`| ${title} | ${median(xs)} ms | ${Math.min(...xs)} ms | ${Math.max(...xs)} ms |`);
for (const [file, rs] of results) {
  row(label(file), rs.map((r) => r.ours));
  row(`${files.length === 1 ? '' : `${basename(file)}: `}baseline (empty extension, same event)`, rs.map((r) => r.floor));
  row(`${files.length === 1 ? '' : `${basename(file)}: `}difference per run`, rs.map((r) => r.ours - r.floor));
}
