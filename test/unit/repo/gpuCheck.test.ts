/**
 * The GPU check rig (scripts/gpu-check/, docs/gpu-check.md), the halves that run without a GPU:
 * - fatbin.mjs on a small synthetic ELF: only the kept arch's payloads survive, headers, size and
 *   the bytes outside the section are untouched, and a file it does not understand is refused;
 * - check.ts bundled as assemble.mjs bundles it and run --cpu-only on tiny shapes with the repo's
 *   onnxruntime-node: the CPU figures are sane, the float16 graphs agree with float32, and asking
 *   our runtime for CUDA falls back to the CPU as on a user's machine, both with no provider file
 *   and with a provider file that does not load;
 * - the whole rig (assemble + `run.sh --cpu-only`) only with TREX_GPU_CHECK_E2E=1 and the npm
 *   tarballs in the cache (230 MB, and minutes of xz): never in CI, never a download.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../../support/repoRoot';
import { agreement, top1OrTie } from '../../../scripts/gpu-check/compare';

const ROOT = REPO_ROOT;
const RIG = join(ROOT, 'scripts', 'gpu-check');
const TMP = mkdtempSync(join(tmpdir(), 'trex-gpu-check-test-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

interface FatbinStats {
  containers: number;
  entries: number;
  keptBytes: number;
  zeroedBytes: number;
  byArch: Record<string, { entries: number; bytes: number; kept: boolean }>;
}
interface FatbinModule {
  keepOnlyArchs(buf: Buffer, archs: number[]): FatbinStats;
  FATBIN_MAGIC: number;
}
const fatbinModule = (): Promise<FatbinModule> => import(pathToFileURL(join(RIG, 'fatbin.mjs')).href) as Promise<FatbinModule>;

// ---------------------------------------------------------------------------------------------
// A synthetic ELF: an ELF64 header, a `.text` section, a `.nv_fatbin` section, the section-name
// table and the section headers.

interface Entry {
  kind: 1 | 2;
  arch: number;
  payload: Buffer;
}

function fatbinEntry(e: Entry): Buffer {
  const header = Buffer.alloc(64);
  header.writeUInt16LE(e.kind, 0);
  header.writeUInt16LE(0x0101, 2);
  header.writeUInt32LE(64, 4);
  header.writeBigUInt64LE(BigInt(e.payload.length), 8);
  header.writeUInt32LE(e.arch, 28);
  return Buffer.concat([header, e.payload]);
}

function container(entries: Entry[]): Buffer {
  const body = Buffer.concat(entries.map(fatbinEntry));
  const header = Buffer.alloc(16);
  header.writeUInt32LE(0xba55ed50, 0);
  header.writeUInt16LE(1, 4);
  header.writeUInt16LE(16, 6);
  header.writeBigUInt64LE(BigInt(body.length), 8);
  return Buffer.concat([header, body]);
}

function elf(sections: { name: string; data: Buffer }[]): Buffer {
  const names = Buffer.from(`\0${sections.map((s) => s.name).join('\0')}\0.shstrtab\0`, 'latin1');
  const all = [...sections, { name: '.shstrtab', data: names }];
  const parts: Buffer[] = [Buffer.alloc(64)];
  let offset = 64;
  const placed = all.map((s) => {
    const at = offset;
    parts.push(s.data);
    offset += s.data.length;
    return at;
  });
  const pad = (8 - (offset % 8)) % 8;
  parts.push(Buffer.alloc(pad));
  offset += pad;
  const shoff = offset;
  const headers = Buffer.alloc(64 * (all.length + 1)); // section 0 is the null section
  let nameAt = 1;
  all.forEach((s, i) => {
    const h = 64 * (i + 1);
    headers.writeUInt32LE(nameAt, h);
    nameAt += s.name.length + 1;
    headers.writeUInt32LE(s.name === '.shstrtab' ? 3 : 1, h + 4);
    headers.writeBigUInt64LE(BigInt(placed[i]), h + 24);
    headers.writeBigUInt64LE(BigInt(s.data.length), h + 32);
  });
  parts.push(headers);
  const file = Buffer.concat(parts);
  file.writeUInt32BE(0x7f454c46, 0);
  file[4] = 2;
  file[5] = 1;
  file.writeBigUInt64LE(BigInt(shoff), 0x28);
  file.writeUInt16LE(64, 0x3a);
  file.writeUInt16LE(all.length + 1, 0x3c);
  file.writeUInt16LE(all.length, 0x3e);
  return file;
}

const filled = (n: number, byte: number): Buffer => Buffer.alloc(n, byte);

function syntheticLibrary(): Buffer {
  const first = container([
    { kind: 2, arch: 75, payload: filled(40, 0x75) },
    { kind: 2, arch: 90, payload: filled(48, 0x90) },
    { kind: 1, arch: 90, payload: filled(24, 0x91) },
  ]);
  const second = container([{ kind: 2, arch: 120, payload: filled(32, 0xc0) }]);
  // Containers are 8-byte aligned with zero padding between them.
  const fatbin = Buffer.concat([first, Buffer.alloc((8 - (first.length % 8)) % 8 + 8), second]);
  return elf([{ name: '.text', data: filled(100, 0xcc) }, { name: '.nv_fatbin', data: fatbin }]);
}

function count(buf: Buffer, byte: number): number {
  let n = 0;
  for (const b of buf) if (b === byte) n++;
  return n;
}

test('fatbin: keeps the sm_90 payloads, zeroes the others, and leaves everything else as it was', async () => {
  const { keepOnlyArchs } = await fatbinModule();
  const original = syntheticLibrary();
  const buf = Buffer.from(original);
  const stats = keepOnlyArchs(buf, [90]);
  assert.equal(buf.length, original.length);
  assert.equal(stats.containers, 2);
  assert.equal(stats.entries, 4);
  assert.equal(stats.keptBytes, 48 + 24);
  assert.equal(stats.zeroedBytes, 40 + 32);
  assert.deepEqual(stats.byArch['elf sm_75'], { entries: 1, bytes: 40, kept: false });
  assert.deepEqual(stats.byArch['ptx sm_90'], { entries: 1, bytes: 24, kept: true });
  assert.equal(count(buf, 0x75), 0, 'sm_75 payload zeroed');
  assert.equal(count(buf, 0xc0), 0, 'sm_120 payload zeroed');
  assert.equal(count(buf, 0x90), 48, 'sm_90 cubin kept');
  assert.equal(count(buf, 0x91), 24, 'sm_90 PTX kept');
  assert.equal(count(buf, 0xcc), 100, '.text untouched');
  // Only payload bytes changed: every differing byte was one of a zeroed payload.
  let changed = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] !== original[i]) {
      changed++;
      assert.ok(original[i] === 0x75 || original[i] === 0xc0, `byte ${i} changed from ${original[i]}`);
    }
  }
  assert.equal(changed, 72);
});

test('fatbin: refuses a library with no entry for the kept arch, an entry past its container, and a non-ELF file', async () => {
  const { keepOnlyArchs } = await fatbinModule();
  assert.throws(() => keepOnlyArchs(syntheticLibrary(), [100]), /no fatbin entry for sm_100/);
  assert.throws(() => keepOnlyArchs(Buffer.from('not an elf file at all, just text, long enough to hold a header.....'), [90]), /not an ELF file/);
  const broken = container([{ kind: 2, arch: 90, payload: filled(16, 0x90) }]);
  broken.writeBigUInt64LE(1000n, 16 + 8); // the entry claims 1000 payload bytes
  const lib = elf([{ name: '.nv_fatbin', data: broken }]);
  const before = Buffer.from(lib);
  assert.throws(() => keepOnlyArchs(lib, [90]), /runs past its container/);
  assert.ok(lib.equals(before), 'nothing written before the error');
  assert.throws(() => keepOnlyArchs(elf([{ name: '.text', data: filled(8, 1) }]), [90]), /no \.nv_fatbin section/);
});

test('compare: max|Δ|, relative error, top-1; a flipped near-tie is told apart from a real disagreement; NaN never passes', () => {
  const tie = agreement(Float32Array.from([0.98, 0.995, 5, 1]), Float32Array.from([1, 0.99, 5, 1]), 2);
  assert.ok(Math.abs(tie.maxAbs - 0.02) < 1e-6);
  assert.ok(Math.abs(tie.relative - 0.004) < 1e-6);
  assert.equal(tie.top1, 0.5);
  assert.equal(tie.nearTies, 0.5);
  assert.equal(top1OrTie(tie), 1);
  const flipped = agreement(Float32Array.from([0, 1]), Float32Array.from([1, 0]), 2);
  assert.equal(flipped.top1, 0);
  assert.equal(flipped.nearTies, 1, 'max|Δ| of 1 covers a gap of 1');
  const wrong = agreement(Float32Array.from([0.9, 1.1, 0, 3]), Float32Array.from([1, 1, 0, 3]), 2);
  assert.equal(wrong.nearTies, 0.5);
  const far = agreement(Float32Array.from([0, 1, 0, 0]), Float32Array.from([1, 0.5, 0, 0]), 2);
  assert.equal(far.nearTies, 0.5, 'gap 0.5 within 2·max|Δ| = 2');
  const nan = agreement(Float32Array.from([NaN, 0]), Float32Array.from([1, 0]), 2);
  assert.equal(nan.maxAbs, Infinity);
});

// ---------------------------------------------------------------------------------------------
// The CPU half: check.ts, bundled, on tiny shapes.

interface Report {
  mode: string;
  rows: { model: string; graph: string; precision: string; pass: boolean; reference: { figures: Record<string, number> }; target?: { device: string; requested: string; error?: string }; agreement?: Record<string, { relative: number } | number> }[];
  probes: { case: string; device: string; providerInstalled: boolean; fallbackReason?: string; error?: string; ran?: string }[];
}

async function bundleCheck(dest: string): Promise<void> {
  const esbuild = (await import('esbuild')) as typeof import('esbuild');
  await esbuild.build({ entryPoints: [join(RIG, 'check.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['onnxruntime-node'], outfile: dest, logLevel: 'warning', absWorkingDir: ROOT });
}

test('check --cpu-only: sane CPU figures, float16 agrees with float32, and CUDA falls back to the CPU as on a user machine', async () => {
  const checkJs = join(TMP, 'check.js');
  await bundleCheck(checkJs);
  const ort = join(ROOT, 'node_modules', 'onnxruntime-node');
  // A copy of the runtime with a provider file that cannot load: ort's own failure, caught by our backend.
  const broken = join(TMP, 'ort-broken', 'node_modules', 'onnxruntime-node');
  cpSync(ort, broken, { recursive: true, dereference: true });
  cpSync(join(ROOT, 'node_modules', 'onnxruntime-common'), join(TMP, 'ort-broken', 'node_modules', 'onnxruntime-common'), { recursive: true, dereference: true });
  const providerPath = join(broken, 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime_providers_cuda.so');
  writeFileSync(providerPath, 'not a shared library');
  const out = join(TMP, 'report');
  const r = spawnSync(process.execPath, [checkJs, '--cpu-only', '--shapes', 'tiny', '--tokens', '32', '--decode-tokens', '6', '--repeats', '2', '--out', out, '--work', join(TMP, 'work'), '--ort-no-provider', ort], {
    env: { ...process.env, TREX_ONNXRUNTIME_PATH: broken }, encoding: 'utf8', timeout: 240_000,
  });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
  assert.equal(report.mode, 'cpu-only');
  assert.equal(report.probes.length, 3);
  const [absent, brokenEmpty, brokenAsRun] = report.probes;
  assert.equal(absent.providerInstalled, false);
  assert.equal(absent.device, 'cpu');
  assert.match(absent.fallbackReason ?? '', /^CUDA unavailable, running on CPU: the CUDA provider of onnxruntime-node is not installed/);
  assert.equal(absent.ran, '1×4×1000', 'the fallback session runs');
  for (const p of [brokenEmpty, brokenAsRun]) {
    assert.equal(p.providerInstalled, true);
    assert.equal(p.device, 'cpu', JSON.stringify(p));
    assert.match(p.fallbackReason ?? '', /^CUDA unavailable, running on CPU: .+/);
    assert.doesNotMatch(p.fallbackReason ?? '', /not installed/);
    assert.equal(p.ran, '1×4×1000');
  }
  assert.equal(report.rows.length, 8, 'GPT-2 and BERT × decode/fill-mask and inspect × float32 and float16');
  for (const row of report.rows) {
    assert.ok(row.pass, JSON.stringify(row));
    for (const [k, v] of Object.entries(row.reference.figures)) assert.ok(Number.isFinite(v) && v > 0, `${row.model} ${row.graph} ${k} = ${v}`);
    if (row.precision === 'float16') {
      assert.equal(row.target?.device, 'cpu');
      assert.equal(row.target?.error, undefined);
      for (const a of Object.values(row.agreement ?? {})) if (typeof a !== 'number') assert.ok(a.relative < 0.05, JSON.stringify(a));
    }
  }
  const md = readFileSync(join(out, 'report.md'), 'utf8');
  assert.match(md, /\| a runtime without the CUDA provider \| absent \| cpu \| CUDA unavailable, running on CPU: the CUDA provider of onnxruntime-node is not installed/);
});

test('check.ts, compare.ts and report.ts type-check (strict, as the rest of the repo; `tsc -p scripts/gpu-check`)', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', RIG], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
});

// ---------------------------------------------------------------------------------------------
// The whole rig, opt-in.

interface AssembleModule {
  cachedTarballs(): { paths: Record<string, string>; missing: string[] };
  defaultCache(): string;
}

test('assemble + run.sh --cpu-only from the assembled folder (opt-in: TREX_GPU_CHECK_E2E=1, tarballs cached)', async (t) => {
  const assembleModule = (await import(pathToFileURL(join(RIG, 'assemble.mjs')).href)) as AssembleModule;
  if (process.env['TREX_GPU_CHECK_E2E'] !== '1') {
    t.skip('set TREX_GPU_CHECK_E2E=1 to assemble the rig (minutes of xz) and run it --cpu-only');
    return;
  }
  const { missing } = assembleModule.cachedTarballs();
  if (missing.length > 0) {
    t.skip(`npm tarballs not cached in ${assembleModule.defaultCache()} (${missing.length} missing; assemble.mjs fetches them with npm pack): ${missing.join(', ')}`);
    return;
  }
  const rig = join(TMP, 'rig');
  const a = spawnSync(process.execPath, [join(RIG, 'assemble.mjs'), '--out', rig, '--offline'], { encoding: 'utf8', timeout: 1_200_000 });
  assert.equal(a.status, 0, `${a.stdout}\n${a.stderr}`);
  assert.match(a.stdout, /rig: .*MiB \(budget 60\.0 MiB\)/);
  const out = join(TMP, 'rig-report');
  const r = spawnSync('bash', [join(rig, 'run.sh'), '--cpu-only', '--shapes', 'tiny', '--tokens', '32', '--decode-tokens', '6', '--out', out], {
    encoding: 'utf8', timeout: 600_000, env: { ...process.env, TREX_GPU_CHECK_WORK: join(TMP, 'rig-work') },
  });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report & { runtime: { onnxruntimeVersion: string; providerInstalled: boolean } };
  assert.equal(report.runtime.onnxruntimeVersion, '1.29.0');
  assert.equal(report.runtime.providerInstalled, true);
  assert.equal(report.probes[0].device, 'cpu');
  assert.match(report.probes[0].fallbackReason ?? '', /not installed/);
  assert.ok(report.probes.slice(1).every((p) => p.device === 'cpu' && /^CUDA unavailable, running on CPU: /.test(p.fallbackReason ?? '')));
  const failed = report.rows.filter((row) => !row.pass);
  assert.deepEqual(failed, [], JSON.stringify(failed, null, 1));
});
