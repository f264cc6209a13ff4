// Static check of platform VSIX files: each holds what its platform needs and nothing of the others.
//
//   node scripts/verify-vsix.mjs [--file a.vsix]... [--repo dir]
//
// Only linux-x64 can be installed and run here; the other VSIX files are built and never started,
// so this reads them instead. For each file (default: every vsix/*.vsix) it prints one line per check:
//   manifest   extension.vsixmanifest says TargetPlatform="<the target in the file name>";
//   runtime    onnxruntime-node's bin/ holds only that target's napi-v6 folder;
//   binaries   every native binary (*.node, *.so*, *.dylib, *.dll) is that platform's format and
//              CPU, read from its header (ELF e_machine, Mach-O cputype — fat ones list their
//              archs —, PE machine), and both the binding and the onnxruntime library are there;
//   required   everything package.mjs ships from the repository (--repo, default this checkout) at
//              verify time — dist/ without maps and the CLI, models/, l10n/, media/, the notices —
//              plus a fixed minimum that holds even without a built dist/;
//   unwanted   no source maps, src/, test/, out/, .tools/, dist/cli.js, nor node_modules other
//              than onnxruntime-node and onnxruntime-common;
//   binding    the path template in onnxruntime-node's JavaScript, evaluated for the target's
//              platform/arch (never run), names a binding that is in the zip.
// Then a summary table; the exit code is 1 when any check failed. scripts/package.mjs calls
// verifyVsixFiles() on the files it has just built.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, crc32, inflateRawSync } from 'node:zlib';
import { SHIPPED, TARGETS, shipsFromDist } from './vsixTargets.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const defaultRepo = join(here, '..');

// ---------------------------------------------------------------------------------------------
// Zip reading: the central directory, then single entries (whole, or only their first bytes).
// Stored (0) and deflated (8) entries; no zip64 (a VSIX this size needs none), no encryption.

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** An open zip: `entries` by name (method, sizes, crc, local header offset), `read`/`head` for content. A VSIX is a few tens of MB: it is read whole. */
export function openZip(file) {
  const data = readFileSync(file);
  const size = data.length;
  const tail = data.subarray(Math.max(0, size - 22 - 0xffff));
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = tail.readUInt16LE(eocd + 10);
  const directorySize = tail.readUInt32LE(eocd + 12);
  const directoryOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || directoryOffset === 0xffffffff) throw new Error('zip64 archives are not supported');
  if (directoryOffset + directorySize > size) throw new Error('the central directory lies past the end of the file');
  const directory = data.subarray(directoryOffset, directoryOffset + directorySize);
  const entries = new Map();
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL) throw new Error(`bad central directory entry ${i}`);
    const nameLength = directory.readUInt16LE(at + 28);
    const entry = {
      name: directory.toString('utf8', at + 46, at + 46 + nameLength),
      method: directory.readUInt16LE(at + 10),
      crc32: directory.readUInt32LE(at + 16),
      compressedSize: directory.readUInt32LE(at + 20),
      size: directory.readUInt32LE(at + 24),
      localHeaderOffset: directory.readUInt32LE(at + 42),
    };
    entries.set(entry.name, entry);
    at += 46 + nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
  }
  return { file, data, size, entries };
}

/** `length` bytes of the zip from `position` (fewer at its end). */
function readAt(zip, position, length) {
  return zip.data.subarray(position, position + length);
}

/** Where an entry's data starts: past its local header, whose name and extra lengths may differ from the central ones. */
function dataStart(zip, entry) {
  const header = readAt(zip, entry.localHeaderOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL) throw new Error(`${entry.name}: no local header`);
  const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (start + entry.compressedSize > zip.size) throw new Error(`${entry.name} lies past the end of the file`);
  return start;
}

/** The whole content of an entry, checked against its size and CRC-32. */
export function readEntry(zip, name) {
  const entry = zip.entries.get(name);
  if (!entry) throw new Error(`${name} is not in the zip`);
  const raw = readAt(zip, dataStart(zip, entry), entry.compressedSize);
  let data;
  if (entry.method === 0) data = raw;
  else if (entry.method === 8) data = inflateRawSync(raw);
  else throw new Error(`${name} uses compression method ${entry.method}`);
  if (data.length !== entry.size || crc32(data) !== entry.crc32) throw new Error(`${name} is corrupt (size or CRC-32 mismatch)`);
  return data;
}

/**
 * The first `length` bytes of an entry (fewer if it is shorter), without inflating the rest: a
 * 45 MB library needs only its header read. Partial input is flushed, not treated as an error.
 */
export function readEntryHead(zip, name, length) {
  const entry = zip.entries.get(name);
  if (!entry) throw new Error(`${name} is not in the zip`);
  const start = dataStart(zip, entry);
  if (entry.method === 0) return readAt(zip, start, Math.min(length, entry.size));
  if (entry.method !== 8) throw new Error(`${name} uses compression method ${entry.method}`);
  // Deflate rarely expands by more than a little; read a generous prefix, more if it falls short.
  for (let take = Math.max(4096, length * 2); ; take *= 4) {
    const raw = readAt(zip, start, Math.min(take, entry.compressedSize));
    const data = inflateRawSync(raw, { finishFlush: constants.Z_SYNC_FLUSH });
    if (data.length >= length || raw.length === entry.compressedSize) return data.subarray(0, Math.min(length, data.length));
  }
}

// ---------------------------------------------------------------------------------------------
// Native binaries: format and CPU from the header bytes.

/** What each platform's binaries must be: the container format and the CPU of the target's arch. */
const FORMATS = { linux: 'ELF', darwin: 'Mach-O', win32: 'PE' };
const ELF_MACHINES = { 0x3e: 'x64', 0xb7: 'arm64', 0x03: 'ia32', 0x28: 'arm' };
const MACHO_CPUS = { 0x01000007: 'x64', 0x0100000c: 'arm64', 0x00000007: 'ia32', 0x0000000c: 'arm' };
const PE_MACHINES = { 0x8664: 'x64', 0xaa64: 'arm64', 0x014c: 'ia32', 0x01c4: 'arm' };
const hex = (n) => `0x${n.toString(16)}`;

/** `*.node`, `*.so`, `*.so.1`, `*.dylib`, `*.dll` — what the dynamic loader opens. */
export const isNativeBinary = (name) => /\.(node|dylib|dll)$|\.so(\.\d+)*$/.test(name);

/** How many header bytes describe a binary: PE puts its header at e_lfanew, usually under 1 KB in. */
const HEAD_BYTES = 4096;

/**
 * The format and CPU architectures of a binary, from its first bytes:
 * `{ format: 'ELF', archs: ['x64'] }`, `{ format: 'Mach-O', archs: ['x64', 'arm64'] }` for a fat one,
 * or `{ format: 'unknown', archs: [], detail }`.
 */
export function describeBinary(head) {
  if (head.length >= 20 && head.readUInt32BE(0) === 0x7f454c46) {
    // e_ident: class (1 = 32-bit, 2 = 64-bit), data (1 = little-endian, 2 = big); then e_type, e_machine.
    const machine = head[5] === 2 ? head.readUInt16BE(18) : head.readUInt16LE(18);
    return { format: 'ELF', archs: [ELF_MACHINES[machine] ?? `e_machine ${hex(machine)}`] };
  }
  if (head.length >= 8 && (head.readUInt32LE(0) === 0xfeedfacf || head.readUInt32LE(0) === 0xfeedface)) {
    const cpu = head.readUInt32LE(4);
    return { format: 'Mach-O', archs: [MACHO_CPUS[cpu] ?? `cputype ${hex(cpu)}`] };
  }
  if (head.length >= 8 && (head.readUInt32BE(0) === 0xcafebabe || head.readUInt32BE(0) === 0xcafebabf)) {
    // Universal binary: big-endian fat_arch records (20 bytes; 32 for the 64-bit 0xcafebabf form).
    const count = head.readUInt32BE(4);
    const record = head.readUInt32BE(0) === 0xcafebabf ? 32 : 20;
    if (count === 0 || count > 32 || head.length < 8 + count * record) return { format: 'unknown', archs: [], detail: `fat header with ${count} archs` };
    const archs = [];
    for (let i = 0; i < count; i++) {
      const cpu = head.readUInt32BE(8 + i * record);
      archs.push(MACHO_CPUS[cpu] ?? `cputype ${hex(cpu)}`);
    }
    return { format: 'Mach-O', archs, fat: true };
  }
  if (head.length >= 64 && head.toString('latin1', 0, 2) === 'MZ') {
    const peOffset = head.readUInt32LE(0x3c);
    if (peOffset + 6 > head.length) return { format: 'unknown', archs: [], detail: `MZ header with e_lfanew ${hex(peOffset)} past the bytes read` };
    if (head.readUInt32BE(peOffset) !== 0x50450000) return { format: 'unknown', archs: [], detail: 'MZ header without PE signature' };
    const machine = head.readUInt16LE(peOffset + 4);
    return { format: 'PE', archs: [PE_MACHINES[machine] ?? `machine ${hex(machine)}`] };
  }
  return { format: 'unknown', archs: [], detail: `magic ${head.subarray(0, 4).toString('hex') || '(empty)'}` };
}

// ---------------------------------------------------------------------------------------------
// The checks. Each returns { name, ok, summary, problems: string[] }.

const EXT = 'extension/';
const ORT = `${EXT}node_modules/onnxruntime-node/`;
const RUNTIME_PACKAGES = ['onnxruntime-node', 'onnxruntime-common'];

/** The target a file name carries (`transformer-explorer-linux-x64-0.1.0.vsix` → `linux-x64`), or undefined. */
export function targetOfFileName(file) {
  const name = basename(file);
  return Object.keys(TARGETS).find((t) => name.includes(`-${t}-`) || name.startsWith(`${t}-`) || name.endsWith(`-${t}.vsix`));
}

/** The onnxruntime shared library each platform's binding loads. */
const RUNTIME_LIBRARY = { linux: /^libonnxruntime\.so(\.\d+)*$/, darwin: /^libonnxruntime(\.\d+)*\.dylib$/, win32: /^onnxruntime\.dll$/ };

const check = (name, problems, summary) => ({ name, ok: problems.length === 0, summary, problems });

function checkManifest(zip, target) {
  if (!zip.entries.has('extension.vsixmanifest')) return check('manifest', ['extension.vsixmanifest is missing'], '');
  const xml = readEntry(zip, 'extension.vsixmanifest').toString('utf8');
  const declared = /<Identity\b[^>]*\bTargetPlatform="([^"]*)"/.exec(xml)?.[1];
  if (declared === undefined) return check('manifest', [`no TargetPlatform in extension.vsixmanifest (expected "${target}")`], '');
  return check('manifest', declared === target ? [] : [`TargetPlatform="${declared}", but the file name says ${target}`], `TargetPlatform="${declared}"`);
}

function checkRuntimeFolder(names, target) {
  const folder = `${ORT}bin/napi-v6/${TARGETS[target]}/`;
  const inBin = names.filter((n) => n.startsWith(`${ORT}bin/`) && !n.endsWith('/'));
  const foreign = inBin.filter((n) => !n.startsWith(folder));
  const problems = [];
  // Name the other folders once each rather than every file in them.
  const folders = [...new Set(foreign.map((n) => n.slice(EXT.length).split('/').slice(0, 6).join('/')))];
  for (const f of folders) problems.push(`${f} does not belong in a ${target} VSIX`);
  const own = inBin.length - foreign.length;
  if (own === 0) problems.push(`nothing under ${folder.slice(EXT.length)}`);
  return check('runtime', problems, `only bin/napi-v6/${TARGETS[target]}/ (${own} files)`);
}

function checkBinaries(zip, names, target) {
  const [platform, arch] = TARGETS[target].split('/');
  const format = FORMATS[platform];
  const binaries = names.filter((n) => !n.endsWith('/') && isNativeBinary(posix.basename(n)));
  const problems = [];
  const seen = [];
  for (const name of binaries) {
    const { format: found, archs, detail, fat } = describeBinary(readEntryHead(zip, name, HEAD_BYTES));
    const short = name.slice(EXT.length);
    const what = `${found}${fat ? ' (universal)' : ''} ${archs.join('+')}`.trim();
    if (found !== format) problems.push(`${short}: ${found === 'unknown' ? `not a binary (${detail})` : what}, expected ${format} ${arch}`);
    else if (!archs.includes(arch)) problems.push(`${short}: ${what}, expected ${format} ${arch}`);
    seen.push(`${posix.basename(name)} ${what}`);
  }
  const folder = `${ORT}bin/napi-v6/${TARGETS[target]}/`;
  const own = binaries.filter((n) => n.startsWith(folder)).map((n) => n.slice(folder.length));
  if (!own.includes('onnxruntime_binding.node')) problems.push(`${folder.slice(EXT.length)}onnxruntime_binding.node is missing`);
  if (!own.some((n) => RUNTIME_LIBRARY[platform].test(n))) problems.push(`the onnxruntime library (${RUNTIME_LIBRARY[platform].source}) is missing from ${folder.slice(EXT.length)}`);
  return { ...check('binaries', problems, seen.join(', ')), count: binaries.length };
}

/** `path` relative to the working directory when under it, else absolute. */
function displayPath(path) {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}

/** Every file under `dir` (relative, `/`-separated), or [] when it does not exist. */
function filesUnder(dir, prefix = '') {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(join(dir, d.name), `${prefix}${d.name}/`) : [`${prefix}${d.name}`]));
}

/**
 * The names a repository file may have in the VSIX: vsce renames the top-level README.md and
 * CHANGELOG.md to lower case and gives an extension-less LICENSE a `.txt`.
 */
function shippedNames(path) {
  if (path.includes('/')) return [EXT + path];
  if (/^readme\.md$/i.test(path)) return [EXT + path, `${EXT}readme.md`];
  if (/^changelog\.md$/i.test(path)) return [EXT + path, `${EXT}changelog.md`];
  if (/^licen[cs]e$/i.test(path)) return [EXT + path, `${EXT}${path}.txt`];
  return [EXT + path];
}

/** What must be there even when the repository holds no dist/ to compare with. */
const MINIMUM = ['package.json', 'dist/extension.js', 'dist/modelHost.js', 'python/trex_train.py', 'python/trex_models.py', 'package.nls.json', 'package.nls.fr.json', 'LICENSE', 'THIRD_PARTY_NOTICES.md', 'CHANGELOG.md', 'README.md'];
const MINIMUM_FOLDERS = ['dist/webview/', 'dist/tokenizers/', 'models/trex-gpt2-kjv/', 'models/trex-bert-kjv/', 'l10n/'];

/** The repository-relative files a VSIX must hold: what package.mjs ships from `repo` right now, and the minimum. */
export function requiredFiles(repo) {
  const required = new Set(MINIMUM);
  for (const f of filesUnder(join(repo, 'dist'))) if (shipsFromDist(f)) required.add(`dist/${f}`);
  for (const entry of SHIPPED) {
    const path = join(repo, entry);
    if (!existsSync(path)) continue;
    if (statSync(path).isDirectory()) for (const f of filesUnder(path)) required.add(`${entry}/${f}`);
    else required.add(entry);
  }
  return [...required].sort();
}

function checkRequired(zip, names, repo) {
  const problems = [];
  const required = requiredFiles(repo);
  for (const path of required) if (!shippedNames(path).some((n) => zip.entries.has(n))) problems.push(`${path} is missing`);
  for (const folder of MINIMUM_FOLDERS) if (!names.some((n) => n.startsWith(EXT + folder) && !n.endsWith('/'))) problems.push(`${folder} is empty or missing`);
  if (zip.entries.has(`${EXT}package.json`)) {
    const main = JSON.parse(readEntry(zip, `${EXT}package.json`).toString('utf8')).main;
    if (typeof main !== 'string') problems.push('package.json has no "main"');
    else if (!zip.entries.has(EXT + posix.normalize(main))) problems.push(`package.json "main" (${main}) is not in the VSIX`);
  }
  const source = existsSync(join(repo, 'dist')) ? `what ${displayPath(repo) === '.' ? 'this checkout' : displayPath(repo)} ships now` : 'the minimum only: the repository has no dist/';
  return check('required', problems, `${required.length} files present (${source})`);
}

/** Path segments that never ship, wherever they appear. */
const FORBIDDEN_SEGMENTS = new Set(['src', 'test', 'out', '.tools', '.vscode-test', '.git']);

function checkUnwanted(names) {
  const problems = [];
  for (const name of names) {
    const segments = name.split('/');
    if (name.endsWith('.map')) problems.push(`${name}: a source map`);
    else if (name === `${EXT}dist/cli.js`) problems.push(`${name}: the CLI does not ship`);
    else if (segments.slice(0, -1).some((s) => FORBIDDEN_SEGMENTS.has(s))) problems.push(`${name}: under ${segments.find((s) => FORBIDDEN_SEGMENTS.has(s))}/`);
    else if (segments.includes('node_modules')) {
      const nested = segments.filter((s) => s === 'node_modules').length > 1;
      const pkg = segments[segments.indexOf('node_modules') + 1];
      if (nested || segments[1] !== 'node_modules' || !RUNTIME_PACKAGES.includes(pkg)) problems.push(`${name}: only ${RUNTIME_PACKAGES.join(' and ')} may ship from node_modules`);
    }
  }
  return check('unwanted', problems, 'no maps, sources, tests, build outputs, CLI or other node_modules');
}

/**
 * Evaluates the `require(\`../bin/napi-v6/${process.platform}/${process.arch}/...\`)` template of
 * onnxruntime-node's JavaScript for the target — never runs it — and looks the result up in the zip.
 */
function checkBindingPath(zip, names, target) {
  const [platform, arch] = TARGETS[target].split('/');
  const problems = [];
  for (const pkg of RUNTIME_PACKAGES) {
    const manifest = `${EXT}node_modules/${pkg}/package.json`;
    if (!zip.entries.has(manifest)) {
      problems.push(`${pkg}/package.json is missing`);
      continue;
    }
    const main = JSON.parse(readEntry(zip, manifest).toString('utf8')).main ?? 'index.js';
    const entry = posix.join(posix.dirname(manifest), main);
    if (![entry, `${entry}.js`, posix.join(entry, 'index.js')].some((n) => zip.entries.has(n))) problems.push(`${pkg}'s main (${main}) is not in the VSIX`);
  }
  const resolved = [];
  const scripts = names.filter((n) => n.startsWith(`${ORT}dist/`) && n.endsWith('.js'));
  for (const script of scripts) {
    const source = readEntry(zip, script).toString('utf8');
    for (const [, template] of source.matchAll(/require\(\s*`([^`]*onnxruntime_binding\.node)`\s*\)/g)) {
      const values = { 'process.platform': platform, 'process.arch': arch };
      const unknown = [...template.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1].trim()).filter((e) => !(e in values));
      if (unknown.length) {
        problems.push(`${script.slice(EXT.length)}: cannot evaluate \${${unknown.join('}, ${')}} in ${template}`);
        continue;
      }
      const relativePath = template.replace(/\$\{([^}]*)\}/g, (_, e) => values[e.trim()]);
      const loads = posix.normalize(posix.join(posix.dirname(script), relativePath));
      resolved.push(loads.slice(ORT.length));
      if (!zip.entries.has(loads)) problems.push(`${script.slice(EXT.length)} loads ${relativePath}, which is not in the VSIX`);
    }
  }
  if (resolved.length === 0) problems.push(`no require(\`…onnxruntime_binding.node\`) template found in ${ORT.slice(EXT.length)}dist/*.js`);
  return check('binding', problems, `${platform}/${arch} loads ${[...new Set(resolved)].join(', ') || '(nothing)'}`);
}

/** Runs every check on one VSIX. */
export function verifyVsix(file, { repo = defaultRepo } = {}) {
  const size = statSync(file).size;
  const target = targetOfFileName(file);
  if (!target) return { file, target: '?', size, entries: 0, binaries: 0, checks: [check('manifest', [`no target (${Object.keys(TARGETS).join(', ')}) in the file name`], '')] };
  let zip;
  try {
    zip = openZip(file);
  } catch (e) {
    return { file, target, size, entries: 0, binaries: 0, checks: [check('read', [e.message], '')] };
  }
  try {
    const names = [...zip.entries.keys()];
    const binaries = checkBinaries(zip, names, target);
    const checks = [checkManifest(zip, target), checkRuntimeFolder(names, target), binaries, checkRequired(zip, names, repo), checkUnwanted(names), checkBindingPath(zip, names, target)];
    return { file, target, size, entries: names.filter((n) => !n.endsWith('/')).length, binaries: binaries.count, checks };
  } catch (e) {
    return { file, target, size, entries: zip.entries.size, binaries: 0, checks: [check('read', [e.message], '')] };
  }
}

/** At most this many problems are printed per check; the rest are counted. */
const MAX_PROBLEMS = 12;

/** Verifies `files`, printing a line per check and a summary table; true when all passed. */
export function verifyVsixFiles(files, { repo = defaultRepo, log = console.log } = {}) {
  const reports = files.map((file) => verifyVsix(file, { repo }));
  for (const r of reports) {
    log(`\n${displayPath(r.file)}`);
    for (const c of r.checks) {
      log(`  ${c.ok ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(9)} ${c.ok ? c.summary : c.problems[0]}`);
      if (!c.ok) for (const p of c.problems.slice(1, MAX_PROBLEMS)) log(`                  ${p}`);
      if (c.problems.length > MAX_PROBLEMS) log(`                  … and ${c.problems.length - MAX_PROBLEMS} more`);
    }
  }
  log('\n  target        size MB  entries  binaries  result');
  for (const r of reports) {
    const failed = r.checks.filter((c) => !c.ok).map((c) => c.name);
    log(`  ${r.target.padEnd(12)} ${(r.size / 1024 / 1024).toFixed(1).padStart(8)}  ${String(r.entries).padStart(7)}  ${String(r.binaries).padStart(8)}  ${failed.length ? `FAIL (${failed.join(', ')})` : 'ok'}`);
  }
  return reports.every((r) => r.checks.every((c) => c.ok));
}

function main() {
  const files = [];
  let repo = defaultRepo;
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--file' && args[i + 1]) files.push(resolve(args[++i]));
    else if (args[i] === '--repo' && args[i + 1]) repo = resolve(args[++i]);
    else {
      console.error(`verify-vsix: unknown argument "${args[i]}" (usage: node scripts/verify-vsix.mjs [--file a.vsix]... [--repo dir])`);
      process.exit(2);
    }
  }
  if (files.length === 0) {
    const dir = join(defaultRepo, 'vsix');
    if (existsSync(dir)) for (const f of readdirSync(dir).sort()) if (f.endsWith('.vsix')) files.push(join(dir, f));
    if (files.length === 0) {
      console.error('verify-vsix: no VSIX files in vsix/ (run npm run package, or pass --file)');
      process.exit(1);
    }
  }
  for (const f of files) {
    if (!existsSync(f)) {
      console.error(`verify-vsix: ${f} does not exist`);
      process.exit(1);
    }
  }
  if (!verifyVsixFiles(files, { repo })) {
    console.error('\nverify-vsix: some VSIX files are wrong (FAIL lines above)');
    process.exit(1);
  }
  console.log(`\nverify-vsix: ${files.length} VSIX file${files.length === 1 ? '' : 's'} verified`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
