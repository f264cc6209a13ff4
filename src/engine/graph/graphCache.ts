/**
 * Built graphs cached on disk: `<cacheDir>/<key>/model.onnx` (+ `model.onnx.data`), where the key
 * hashes the builder version, the graph options and the sha256 of the checkpoint's files. A graph is built
 * in a temporary folder and renamed into place, so a crash or a concurrent builder never leaves a
 * half-written graph where a reader looks; the loser of a race drops its copy.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { GraphBuilder } from './onnxBuilder';
import { GRAPH_BUILDER_VERSION } from './modelGraph';

export const GRAPH_FILE = 'model.onnx';

/** Remembered hashes, by real path, size and modification time (also kept on disk when a folder is given). */
const knownHashes = new Map<string, string>();
const HASHES_FILE = 'weights-sha256.json';

/**
 * The identity of checkpoint files: the sha256 of each one's content. Free for files in the
 * Hugging Face cache (a snapshot links to `blobs/<sha256>`); otherwise a file is read once and its
 * hash remembered by real path, size and modification time — in `<memoDir>/weights-sha256.json`
 * when `memoDir` is given, so the next session does not read 500 MB again.
 */
export function checkpointIdentity(files: readonly string[], memoDir?: string): string {
  const memoFile = memoDir === undefined ? undefined : join(memoDir, HASHES_FILE);
  const onDisk = memoFile === undefined ? {} : readHashes(memoFile);
  let changed = false;
  const hashes = files.map((file) => {
    const real = realpathSync(file);
    const blobName = basename(real);
    if (/^[0-9a-f]{64}$/.test(blobName)) return blobName;
    const { size, mtimeMs } = statSync(real);
    const stamp = `${real}:${size}:${Math.floor(mtimeMs)}`;
    let hash = knownHashes.get(stamp) ?? onDisk[stamp];
    if (hash === undefined) {
      hash = sha256OfFile(real);
      onDisk[stamp] = hash;
      changed = true;
    }
    knownHashes.set(stamp, hash);
    return hash;
  });
  if (memoFile !== undefined && changed) {
    mkdirSync(dirname(memoFile), { recursive: true });
    const tmp = `${memoFile}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(onDisk, null, 1));
    renameSync(tmp, memoFile);
  }
  return hashes.join('|');
}

function readHashes(file: string): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {}; // missing or damaged: hashes are recomputed
  }
}

function sha256OfFile(file: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(8 << 20);
  const fd = openSync(file, 'r');
  try {
    for (let n = readSync(fd, buffer, 0, buffer.length, null); n > 0; n = readSync(fd, buffer, 0, buffer.length, null)) {
      hash.update(buffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

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

/** The cached graph for `key`, building it with `define` when missing. */
export function cachedGraph(cacheDir: string, key: string, define: () => GraphBuilder): CachedGraph {
  const finalDir = join(cacheDir, key);
  const path = join(finalDir, GRAPH_FILE);
  if (existsSync(path)) return { path, built: false };
  mkdirSync(cacheDir, { recursive: true });
  const tmpDir = join(cacheDir, `${key}.tmp-${process.pid}-${Date.now()}`);
  mkdirSync(tmpDir);
  try {
    define().writeFiles(join(tmpDir, GRAPH_FILE));
    try {
      renameSync(tmpDir, finalDir);
    } catch (e) {
      if (!existsSync(path)) throw e; // another process finished first: use its copy
    }
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
  return { path, built: true };
}
