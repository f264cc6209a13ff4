/**
 * scripts/verify-vsix.mjs, called as `npm run package` calls it (and once as a command), on small fake VSIX files written here
 * (a tiny zip writer, fake ELF / Mach-O / PE headers, a fake repository to compare with): it accepts
 * a well-formed VSIX of every target and rejects a wrong CPU, a second platform's runtime, a missing
 * model file, a source map and a wrong TargetPlatform. Needs neither vsix/ nor a build.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';

/** The repository: the nearest folder above this file that holds the verifier (from out/test/unit), else the working directory. */
function repoRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, 'scripts', 'verify-vsix.mjs'))) return dir;
  return process.cwd();
}

const VERIFIER = join(repoRoot(), 'scripts', 'verify-vsix.mjs');
const TMP = mkdtempSync(join(tmpdir(), 'trex-verify-vsix-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------
// A zip writer: local headers, central directory, end record. The manifest is stored, the rest
// deflated, so that the verifier reads both methods.

function zip(entries: Map<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const method = name === 'extension.vsixmanifest' ? 0 : 8;
    const body = method === 8 ? deflateRawSync(data) : data;
    const nameBytes = Buffer.from(name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6); // version needed
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, body);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.size, 8);
  end.writeUInt16LE(entries.size, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

// ---------------------------------------------------------------------------------------------
// Native binary headers, padded to 2 KB: only the fields the verifier reads are set.

type Arch = 'x64' | 'arm64';

/** ELF64 little-endian shared object; e_machine 0x3E (x86-64) or 0xB7 (aarch64). */
function elf(arch: Arch): Buffer {
  const b = Buffer.alloc(2048);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = 2; // 64-bit
  b[5] = 1; // little-endian
  b[6] = 1;
  b.writeUInt16LE(3, 16); // ET_DYN
  b.writeUInt16LE(arch === 'x64' ? 0x3e : 0xb7, 18);
  return b;
}

/** Mach-O 64 (0xFEEDFACF) with one cputype, or a universal binary (0xCAFEBABE) listing several. */
function macho(...archs: Arch[]): Buffer {
  const cpu = (a: Arch): number => (a === 'x64' ? 0x01000007 : 0x0100000c);
  const b = Buffer.alloc(2048);
  if (archs.length === 1) {
    b.writeUInt32LE(0xfeedfacf, 0);
    b.writeUInt32LE(cpu(archs[0]), 4);
    return b;
  }
  b.writeUInt32BE(0xcafebabe, 0);
  b.writeUInt32BE(archs.length, 4);
  archs.forEach((a, i) => b.writeUInt32BE(cpu(a), 8 + i * 20));
  return b;
}

/** PE: 'MZ', e_lfanew = 0x80, 'PE\0\0', machine 0x8664 (x64) or 0xAA64 (arm64). */
function pe(arch: Arch): Buffer {
  const b = Buffer.alloc(2048);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.writeUInt32BE(0x50450000, 0x80);
  b.writeUInt16LE(arch === 'x64' ? 0x8664 : 0xaa64, 0x84);
  return b;
}

/** Each target's runtime folder as onnxruntime-node 1.30 lays it out (trimmed to the two files the verifier requires). */
const RUNTIMES: Record<string, Record<string, Buffer>> = {
  'linux-x64': { 'linux/x64/onnxruntime_binding.node': elf('x64'), 'linux/x64/libonnxruntime.so.1': elf('x64') },
  'linux-arm64': { 'linux/arm64/onnxruntime_binding.node': elf('arm64'), 'linux/arm64/libonnxruntime.so.1': elf('arm64') },
  'darwin-arm64': { 'darwin/arm64/onnxruntime_binding.node': macho('x64', 'arm64'), 'darwin/arm64/libonnxruntime.1.30.0.dylib': macho('arm64') },
  'win32-x64': { 'win32/x64/onnxruntime_binding.node': pe('x64'), 'win32/x64/onnxruntime.dll': pe('x64') },
  'win32-arm64': { 'win32/arm64/onnxruntime_binding.node': pe('arm64'), 'win32/arm64/onnxruntime.dll': pe('arm64') },
};

// ---------------------------------------------------------------------------------------------
// A fake repository (what the verifier compares with) and the VSIX packaging it would give.

const REPO = join(TMP, 'repo');
const REPO_FILES: Record<string, string> = {
  'dist/extension.js': 'require("./features.js");',
  'dist/features.js': '// features',
  'dist/modelHost.js': '// host',
  'dist/webview/tokens.main.js': '// webview',
  'dist/tokenizers/gpt2.json': '{}',
  'models/trex-gpt2-kjv/config.json': '{}',
  'models/trex-gpt2-kjv/model.safetensors': 'weights',
  'models/trex-bert-kjv/config.json': '{}',
  'models/trex-bert-kjv/model.safetensors': 'weights',
  'l10n/bundle.l10n.fr.json': '{}',
  'media/icon.png': 'png',
  'python/trex_train.py': '# trainer',
  'python/trex_models.py': '# models',
  'package.nls.json': '{}',
  'package.nls.fr.json': '{}',
  'THIRD_PARTY_NOTICES.md': 'notices',
};
/** vsce's renames: README.md and CHANGELOG.md in lower case, LICENSE with a .txt. */
const RENAMED: Record<string, string> = { 'README.md': 'readme.md', 'CHANGELOG.md': 'changelog.md', LICENSE: 'LICENSE.txt' };
/** In the repository, never in a VSIX. */
const NOT_SHIPPED: Record<string, string> = { 'dist/cli.js': '// trex', 'dist/extension.js.map': '{}' };

for (const [path, text] of Object.entries({ ...REPO_FILES, ...NOT_SHIPPED, ...Object.fromEntries(Object.keys(RENAMED).map((k) => [k, k])) })) {
  mkdirSync(dirname(join(REPO, path)), { recursive: true });
  writeFileSync(join(REPO, path), text);
}

const BINDING_JS = 'exports.binding = require(`../bin/napi-v6/${process.platform}/${process.arch}/onnxruntime_binding.node`);\n';

/** The entries of a well-formed VSIX for `target`. */
function wellFormed(target: string): Map<string, Buffer> {
  const e = new Map<string, Buffer>();
  const text = (name: string, s: string): void => void e.set(name, Buffer.from(s, 'utf8'));
  text('extension.vsixmanifest', `<?xml version="1.0"?><PackageManifest><Metadata><Identity Id="transformer-explorer" Version="0.1.0" TargetPlatform="${target}"/></Metadata></PackageManifest>`);
  text('[Content_Types].xml', '<Types/>');
  text('extension/package.json', JSON.stringify({ name: 'transformer-explorer', main: './dist/extension.js' }));
  for (const [path, s] of Object.entries(REPO_FILES)) text(`extension/${path}`, s);
  for (const [path, renamed] of Object.entries(RENAMED)) text(`extension/${renamed}`, path);
  const ort = 'extension/node_modules/onnxruntime-node/';
  text(`${ort}package.json`, JSON.stringify({ name: 'onnxruntime-node', main: 'dist/index.js' }));
  text(`${ort}dist/index.js`, 'require("./binding");');
  text(`${ort}dist/binding.js`, BINDING_JS);
  for (const [path, data] of Object.entries(RUNTIMES[target])) e.set(`${ort}bin/napi-v6/${path}`, data);
  text('extension/node_modules/onnxruntime-common/package.json', JSON.stringify({ name: 'onnxruntime-common', main: 'dist/cjs/index.js' }));
  text('extension/node_modules/onnxruntime-common/dist/cjs/index.js', '// common');
  return e;
}

let written = 0;
/** Writes a VSIX named as package.mjs names it, in its own folder. */
function writeVsix(target: string, entries: Map<string, Buffer>): string {
  const dir = join(TMP, String(written++));
  mkdirSync(dir);
  const file = join(dir, `transformer-explorer-${target}-0.1.0.vsix`);
  writeFileSync(file, zip(entries));
  return file;
}

/** What the tests use of scripts/verify-vsix.mjs (an ES module, loaded once). */
interface Verifier {
  verifyVsixFiles(files: string[], options: { repo: string; log: (line: string) => void }): boolean;
}
let verifier: Promise<Verifier> | undefined;

/** Verifies in this process (a spawned Node per case would cost more than the check): passed, and what it printed. */
async function verify(files: string[]): Promise<{ ok: boolean; output: string }> {
  verifier ??= import(pathToFileURL(VERIFIER).href) as Promise<Verifier>;
  const lines: string[] = [];
  const ok = (await verifier).verifyVsixFiles(files, { repo: REPO, log: (line) => lines.push(line) });
  return { ok, output: lines.join('\n') };
}

/** The command line, as `npm run package` users run it. */
function verifyCli(files: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [VERIFIER, '--repo', REPO, ...files.flatMap((f) => ['--file', f])], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Verifies one broken VSIX: the named checks fail, `problem` among their lines, every other check passes. */
async function assertRejected(target: string, entries: Map<string, Buffer>, checks: string[], problem: RegExp): Promise<void> {
  const r = await verify([writeVsix(target, entries)]);
  assert.equal(r.ok, false, r.output);
  assert.match(r.output, problem);
  const failed = [...r.output.matchAll(/^ {2}FAIL {2}(\w+)/gm)].map((m) => m[1]);
  assert.deepEqual(failed, checks, r.output);
}

// ---------------------------------------------------------------------------------------------

test('a well-formed VSIX of every target passes, universal Mach-O archs listed', async () => {
  const targets = Object.keys(RUNTIMES);
  const r = await verify(targets.map((t) => writeVsix(t, wellFormed(t))));
  assert.equal(r.ok, true, r.output);
  assert.doesNotMatch(r.output, /FAIL/);
  for (const t of targets) assert.match(r.output, new RegExp(`^ {2}${t} +[\\d.]+ +\\d+ +2 +ok$`, 'm'), `summary row for ${t}`);
  assert.match(r.output, /onnxruntime_binding\.node Mach-O \(universal\) x64\+arm64/);
  assert.match(r.output, /libonnxruntime\.so\.1 ELF arm64/);
  assert.match(r.output, /onnxruntime\.dll PE x64/);
  assert.match(r.output, /win32\/arm64 loads bin\/napi-v6\/win32\/arm64\/onnxruntime_binding\.node/);
});

test('the command line exits 0 on good files and 1 on a bad one, saying so on stderr', () => {
  const good = writeVsix('linux-x64', wellFormed('linux-x64'));
  const ok = verifyCli([good]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /1 VSIX file verified/);
  const entries = wellFormed('linux-x64');
  entries.delete('extension/dist/features.js');
  const bad = verifyCli([good, writeVsix('linux-x64', entries)]);
  assert.equal(bad.code, 1, bad.stdout + bad.stderr);
  assert.match(bad.stdout, /FAIL {2}required +dist\/features\.js is missing/);
  assert.match(bad.stderr, /some VSIX files are wrong/);
});

test('a binding built for the wrong CPU is rejected', async () => {
  const entries = wellFormed('linux-x64');
  entries.set('extension/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node', elf('arm64'));
  await assertRejected('linux-x64', entries, ['binaries'], /onnxruntime_binding\.node: ELF arm64, expected ELF x64/);
});

test("a VSIX holding a second platform's runtime is rejected", async () => {
  const entries = wellFormed('linux-x64');
  for (const [path, data] of Object.entries(RUNTIMES['win32-x64'])) entries.set(`extension/node_modules/onnxruntime-node/bin/napi-v6/${path}`, data);
  await assertRejected('linux-x64', entries, ['runtime', 'binaries'], /FAIL {2}runtime +node_modules\/onnxruntime-node\/bin\/napi-v6\/win32\/x64 does not belong in a linux-x64 VSIX/);
});

test('a VSIX missing a model file the repository ships is rejected', async () => {
  const entries = wellFormed('win32-arm64');
  entries.delete('extension/models/trex-bert-kjv/model.safetensors');
  await assertRejected('win32-arm64', entries, ['required'], /models\/trex-bert-kjv\/model\.safetensors is missing/);
});

test('a VSIX without the training script is rejected', async () => {
  const entries = wellFormed('linux-x64');
  entries.delete('extension/python/trex_train.py');
  await assertRejected('linux-x64', entries, ['required'], /python\/trex_train\.py is missing/);
});

test('a source map in a VSIX is rejected', async () => {
  const entries = wellFormed('darwin-arm64');
  entries.set('extension/dist/extension.js.map', Buffer.from('{}'));
  await assertRejected('darwin-arm64', entries, ['unwanted'], /extension\/dist\/extension\.js\.map: a source map/);
});

test('a manifest naming another platform than the file name is rejected', async () => {
  const entries = wellFormed('linux-arm64');
  entries.set('extension.vsixmanifest', Buffer.from('<PackageManifest><Metadata><Identity Id="x" TargetPlatform="linux-x64"/></Metadata></PackageManifest>'));
  await assertRejected('linux-arm64', entries, ['manifest'], /TargetPlatform="linux-x64", but the file name says linux-arm64/);
});
