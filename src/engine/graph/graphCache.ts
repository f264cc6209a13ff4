/**
 * Built graphs cached on disk: `<cacheDir>/<key>/model.onnx` (+ `model.onnx.data`) and
 * `manifest.json`, the size and sha256 of each file. The key hashes the builder version, the graph
 * options and the sha256 of the checkpoint's files.
 *
 * An entry is built in a temporary folder, its manifest written last, and the folder renamed into
 * place, so a crash or a concurrent builder never leaves a half-written graph where a reader looks;
 * the loser of a race drops its copy. Every read checks the files against the manifest (0.33 s
 * for GPT-2 small's 498 MB graph on a 2-core machine, from the page cache): an entry that does
 * not match — truncated, garbled at the same size, from before manifests, not a folder — is
 * removed and built again, never loaded.
 *
 * A cache folder that cannot be written (a file in its place, no permission, a full disk) is a
 * GraphBuildError naming the path and the fix: building into a private temporary folder instead
 * would rebuild the graph (seconds, hundreds of MB) on every load, often on the same full disk.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { oneLine, quoteValue } from '../errorText';
import { hashFile } from './fileHash';
import { GraphBuildError } from './graphBuildError';
import type { GraphBuilder } from './onnxBuilder';
import { GRAPH_BUILDER_VERSION } from './modelGraph';

export { checkpointIdentity } from './checkpointIdentity';

export const GRAPH_FILE = 'model.onnx';
export const MANIFEST_FILE = 'manifest.json';
const MANIFEST_FORMAT = 'trex-graph-cache/1';
/** A manifest lists two files; anything much larger is not ours. */
const MAX_MANIFEST_BYTES = 64 * 1024;

/** What the cache says about itself (an entry found damaged and rebuilt); one line each. */
export type GraphCacheLog = (message: string) => void;

export function graphCacheKey(weightsIdentity: string, options: object): string {
  const text = JSON.stringify({ builder: GRAPH_BUILDER_VERSION, weights: weightsIdentity, options });
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

export interface CachedGraph {
  /** The .onnx file to open (its external data sits next to it). */
  path: string;
  /** False when it came from the cache. */
  built: boolean;
}

interface ManifestEntry {
  name: string;
  size: number;
  sha256: string;
}

function readManifest(dir: string): ManifestEntry[] | string {
  let text: string;
  try {
    const fd = openSync(join(dir, MANIFEST_FILE), 'r');
    try {
      if (fstatSync(fd).size > MAX_MANIFEST_BYTES) return 'its manifest is too large';
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it has no manifest' : `its manifest cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'its manifest is not JSON';
  }
  const files = (json as { format?: unknown; files?: unknown } | null)?.files;
  if ((json as { format?: unknown } | null)?.format !== MANIFEST_FORMAT || !Array.isArray(files)) return 'its manifest is not a graph-cache manifest';
  const entries = files.filter((f: unknown): f is ManifestEntry => {
    const e = f as Partial<ManifestEntry> | null;
    return typeof e?.name === 'string' && /^[\w.-]+$/.test(e.name) && !['.', '..', MANIFEST_FILE].includes(e.name) && Number.isSafeInteger(e.size) && typeof e.sha256 === 'string' && /^[0-9a-f]{64}$/.test(e.sha256);
  });
  if (entries.length !== files.length || !entries.some((e) => e.name === GRAPH_FILE)) return 'its manifest is not a graph-cache manifest';
  return entries;
}

/** Why the entry in `dir` cannot be used, or undefined when every file matches its manifest. */
function entryProblem(dir: string): string | undefined {
  const manifest = readManifest(dir);
  if (typeof manifest === 'string') return manifest;
  let present: string[];
  try {
    present = readdirSync(dir).filter((name) => name !== MANIFEST_FILE);
  } catch (e) {
    return `it cannot be listed (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  const listed = new Set(manifest.map((m) => m.name));
  const extra = present.find((name) => !listed.has(name));
  if (extra !== undefined || present.length !== listed.size) return extra !== undefined ? `it holds a file its manifest does not list (${quoteValue(extra)})` : 'a file of its manifest is missing';
  for (const m of manifest) {
    let actual: { size: number; sha256: string };
    try {
      actual = hashFile(join(dir, m.name));
    } catch (e) {
      return `${m.name} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
    }
    if (actual.size !== m.size) return `${m.name} has ${actual.size} bytes instead of ${m.size}`;
    if (actual.sha256 !== m.sha256) return `${m.name} does not match its sha256`;
  }
  return undefined;
}

/** The fix for a cache folder that cannot be written, by error code. */
function cacheFix(code: string | undefined, path: string): string {
  switch (code) {
    case 'EEXIST':
    case 'ENOTDIR':
      return `a file stands where a folder should be on the way to ${path}; remove it`;
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return `${path} cannot be written (${code}); make it writable`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `the disk holding ${path} is full (${code}); free some space`;
    default:
      return `${path} cannot be written (${code ?? 'error'})`;
  }
}

/** A file-system error in the cache as a one-line user error; any other error as it is. */
function cacheError(e: unknown, cacheDir: string, path: string): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return e;
  return new GraphBuildError(`the graph cache ${cacheDir} cannot be used: ${cacheFix(code, path)}, or set TREX_CACHE_DIR to another folder`);
}

function inCache<T>(cacheDir: string, path: string, work: () => T): T {
  try {
    return work();
  } catch (e) {
    throw cacheError(e, cacheDir, path);
  }
}

let folders = 0;

/** `<pid>-<time>-<n>`: unique for temporary folders, even for two in one process in one millisecond. */
function uniqueSuffix(): string {
  return `${process.pid}-${Date.now()}-${++folders}`;
}

/** Moves a damaged entry aside, then deletes it: a concurrent builder can rename its copy into place meanwhile. */
function removeEntry(cacheDir: string, dir: string): void {
  const aside = `${dir}.trash-${uniqueSuffix()}`;
  inCache(cacheDir, dir, () => {
    try {
      renameSync(dir, aside);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // another process removed it first
      throw e;
    }
    rmSync(aside, { recursive: true, force: true });
  });
}

/**
 * The verified cached graph for `key`, or undefined when there is none. A damaged entry is removed
 * (and said through `log`), so the caller builds it again.
 */
export function findCachedGraph(cacheDir: string, key: string, log?: GraphCacheLog): string | undefined {
  const dir = join(cacheDir, key);
  if (!existsSync(dir)) return undefined;
  const problem = entryProblem(dir);
  if (problem === undefined) return join(dir, GRAPH_FILE);
  log?.(oneLine(`The cached graph ${dir} was damaged (${problem}); it is removed and built again.`));
  removeEntry(cacheDir, dir);
  return undefined;
}

function writeManifest(dir: string): void {
  const files = readdirSync(dir).sort().map((name) => ({ name, ...hashFile(join(dir, name)) }));
  writeFileSync(join(dir, MANIFEST_FILE), `${JSON.stringify({ format: MANIFEST_FORMAT, files }, null, 1)}\n`);
}

/** A build takes seconds to a minute; a temporary folder this old whose process is gone was left by a crash. */
const LEFTOVER_AGE_MS = 10 * 60_000;

/** Temporary and set-aside folders left by processes that are gone (a crash mid-build): hundreds of MB each. */
function sweepLeftovers(cacheDir: string): void {
  let names: string[];
  try {
    names = readdirSync(cacheDir);
  } catch {
    return;
  }
  for (const name of names) {
    const match = /^[0-9a-f]{32}\.(?:tmp|trash)-(\d+)-(\d+)-\d+$/.exec(name);
    // The age guards a build of another machine sharing the folder, whose pid means nothing here.
    if (!match || Date.now() - Number(match[2]) < LEFTOVER_AGE_MS || processAlive(Number(match[1]))) continue;
    rmSync(join(cacheDir, name), { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The cached graph for `key`, building it with `define` when missing or damaged. */
export function cachedGraph(cacheDir: string, key: string, define: () => GraphBuilder, log?: GraphCacheLog): CachedGraph {
  const found = findCachedGraph(cacheDir, key, log);
  if (found !== undefined) return { path: found, built: false };
  const finalDir = join(cacheDir, key);
  inCache(cacheDir, cacheDir, () => mkdirSync(cacheDir, { recursive: true }));
  sweepLeftovers(cacheDir);
  const tmpDir = join(cacheDir, `${key}.tmp-${uniqueSuffix()}`);
  inCache(cacheDir, tmpDir, () => mkdirSync(tmpDir));
  try {
    const builder = define();
    inCache(cacheDir, tmpDir, () => {
      builder.writeFiles(join(tmpDir, GRAPH_FILE));
      writeManifest(tmpDir); // last: an entry with a manifest is complete
    });
    publish(cacheDir, tmpDir, finalDir, log);
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
  return { path: join(finalDir, GRAPH_FILE), built: true };
}

/** Renames the finished entry into place; if another process got there first, its copy is used when it verifies. */
function publish(cacheDir: string, tmpDir: string, finalDir: string, log?: GraphCacheLog): void {
  for (let attempt = 0; ; attempt++) {
    try {
      renameSync(tmpDir, finalDir);
      return;
    } catch (e) {
      if (!existsSync(finalDir) || attempt > 0) throw cacheError(e, cacheDir, finalDir);
      if (entryProblem(finalDir) === undefined) return; // another process finished first: use its copy
      log?.(oneLine(`The cached graph ${finalDir} was damaged; it is replaced by the one just built.`));
      removeEntry(cacheDir, finalDir);
    }
  }
}
