/**
 * Built graphs cached on disk: `<cacheDir>/<key>/model.onnx` (+ `model.onnx.data`), where the key
 * hashes the builder version, the graph options and the checkpoint's identity. A graph is built
 * in a temporary folder and renamed into place, so a crash or a concurrent builder never leaves a
 * half-written graph where a reader looks; the loser of a race drops its copy.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphBuilder } from './onnxBuilder';
import { GRAPH_BUILDER_VERSION } from './modelGraph';

export const GRAPH_FILE = 'model.onnx';

/**
 * The identity of checkpoint files without reading them: real path (in the HF cache that is
 * `blobs/<sha256>`), size and modification time of each.
 */
export function checkpointIdentity(files: readonly string[]): string {
  return files.map((file) => {
    const real = realpathSync(file);
    const { size, mtimeMs } = statSync(real);
    return `${real}:${size}:${Math.floor(mtimeMs)}`;
  }).join('|');
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
