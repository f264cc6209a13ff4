// `npm run package`: platform-specific VSIX files, each holding only what runs on that platform.
//
//   node scripts/package.mjs [--target linux-x64,win32-x64] [--out dir] [--skip-build]
//
// For every target it stages a folder with: the manifest (package.json without the development
// fields), the production bundles from dist/ (no source maps), media/, l10n/, the bundled tokenizers,
// the shipped offline models (models/), README/CHANGELOG/LICENSE/third-party notices, and of
// node_modules only onnxruntime-node's JavaScript plus *that platform's* native binaries (and
// onnxruntime-common, which it requires). Then `vsce package --target T` zips the stage: its dependency walk finds
// exactly the two staged runtime packages. It prints each VSIX with its size against the budget and fails when one is over it,
// then checks every VSIX it built with scripts/verify-vsix.mjs (platform, binaries, contents) and fails when one is wrong.
// The targets and what ships are in scripts/vsixTargets.mjs, shared with the verifier.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyVsixFiles } from './verify-vsix.mjs';
import { SHIPPED, TARGETS, shipsFromDist } from './vsixTargets.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Size budget per VSIX in MB (the target for linux-x64 with the offline models: under 60 MB). */
const BUDGET_MB = 60;

function option(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

function sizeOf(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The manifest as shipped: what VS Code and the marketplace read, none of the development fields. */
function shippedManifest() {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  delete manifest.devDependencies;
  delete manifest.scripts;
  delete manifest.allowScripts;
  delete manifest.bin;
  manifest.dependencies = { 'onnxruntime-node': manifest.dependencies['onnxruntime-node'] };
  return manifest;
}

function copyRuntime(stage, binFolder) {
  const ort = join(root, 'node_modules', 'onnxruntime-node');
  const common = join(root, 'node_modules', 'onnxruntime-common');
  const to = join(stage, 'node_modules');
  for (const f of ['README.md', 'LICENSE']) if (existsSync(join(ort, f))) cpSync(join(ort, f), join(to, 'onnxruntime-node', f));
  // Its install script (and the packages only that script needs) does not ship: the binaries are already here.
  const manifest = JSON.parse(readFileSync(join(ort, 'package.json'), 'utf8'));
  manifest.dependencies = { 'onnxruntime-common': manifest.dependencies['onnxruntime-common'] };
  delete manifest.scripts;
  delete manifest.devDependencies;
  mkdirSync(join(to, 'onnxruntime-node'), { recursive: true });
  writeFileSync(join(to, 'onnxruntime-node', 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  cpSync(join(ort, 'dist'), join(to, 'onnxruntime-node', 'dist'), { recursive: true, filter: (p) => !p.endsWith('.map') && !p.endsWith('.d.ts') });
  const bin = join(ort, 'bin', 'napi-v6', binFolder);
  if (!existsSync(bin)) fail(`onnxruntime-node has no binaries for ${binFolder} (${relative(root, bin)})`);
  cpSync(bin, join(to, 'onnxruntime-node', 'bin', 'napi-v6', binFolder), { recursive: true });
  for (const f of ['package.json', 'README.md', 'LICENSE']) if (existsSync(join(common, f))) cpSync(join(common, f), join(to, 'onnxruntime-common', f));
  cpSync(join(common, 'dist', 'cjs'), join(to, 'onnxruntime-common', 'dist', 'cjs'), { recursive: true, filter: (p) => !p.endsWith('.map') && !p.endsWith('.d.ts') });
}

function stageTarget(target, stage) {
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(shippedManifest(), null, 2)}\n`);
  for (const entry of SHIPPED) if (existsSync(join(root, entry))) cpSync(join(root, entry), join(stage, entry), { recursive: true });
  cpSync(join(root, 'dist'), join(stage, 'dist'), { recursive: true, filter: shipsFromDist });
  copyRuntime(stage, TARGETS[target]);
  // Everything staged ships; the stage holds nothing else.
  writeFileSync(join(stage, '.vscodeignore'), '.vscodeignore\n');
}

const targets = (option('--target') ?? Object.keys(TARGETS).join(',')).split(',').map((t) => t.trim()).filter(Boolean);
for (const t of targets) if (!(t in TARGETS)) fail(`unknown target "${t}": one of ${Object.keys(TARGETS).join(', ')}`);
const outDir = join(root, option('--out') ?? 'vsix');
mkdirSync(outDir, { recursive: true });

if (!process.argv.includes('--skip-build')) {
  console.log('package: production build');
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--no-tsc'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
}
for (const f of ['dist/extension.js', 'dist/modelHost.js']) if (!existsSync(join(root, f))) fail(`${f} is missing: the build did not produce it`);

const { version, name } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const results = [];
for (const target of targets) {
  const stage = join(root, '.tools', 'package', target);
  stageTarget(target, stage);
  const file = join(outDir, `${name}-${target}-${version}.vsix`);
  rmSync(file, { force: true });
  console.log(`package: ${target} (staged ${mb(sizeOf(stage))})`);
  // vsce lists every file it zips; the checks below say what the VSIX holds, so print its
  // "Packaged" line only, and all it said when it fails.
  const packed = spawnSync(process.execPath, [vsce, 'package', '--target', target, '--dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', file], {
    cwd: stage,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  const said = `${packed.stdout ?? ''}${packed.stderr ?? ''}`.replace(/\x1b\[[0-9;]*m/g, '');
  if (packed.status !== 0) {
    process.stderr.write(said);
    fail(`vsce package --target ${target} failed (exit ${packed.status ?? packed.signal})`);
  }
  const warnings = said.split('\n').filter((l) => /^\s*WARNING\b/.test(l));
  for (const line of [...warnings, ...said.split('\n').filter((l) => /Packaged:/.test(l))]) console.log(`  ${line.trim()}`);
  results.push({ target, file, bytes: statSync(file).size });
}

console.log('\nVSIX files (budget per file: %d MB)', BUDGET_MB);
for (const r of results) console.log(`  ${r.bytes / 1024 / 1024 <= BUDGET_MB ? 'ok  ' : 'OVER'}  ${mb(r.bytes).padStart(9)}  ${relative(root, r.file)}`);
const over = results.filter((r) => r.bytes / 1024 / 1024 > BUDGET_MB);
if (over.length) fail(`${over.map((r) => r.target).join(', ')} over the ${BUDGET_MB} MB budget`);
if (!verifyVsixFiles(results.map((r) => r.file), { repo: root })) fail('a VSIX is wrong (FAIL lines above)');
