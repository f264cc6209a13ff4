/**
 * Step one of a download: ask the Hub which files the model needs and how big they are, and
 * compare with the cache, before a single weight byte moves — so the UI can ask
 * "Download gpt2 (548 MB)?" first.
 */
import { statSync } from 'node:fs';
import { fetchFileMetadata, fetchRevisionInfo } from './hubApi';
import { HubError } from './errors';
import { BLOB_NAME, isFile, RepoCache } from './cacheLayout';
import { quoteValue } from '../../errorText';
import { selectModelFiles } from './modelFiles';
import type { HubSettings } from './settings';

export interface PlannedFile {
  /** Path inside the repo, e.g. `model.safetensors`. */
  readonly path: string;
  readonly size: number;
  /** Blob name: sha256 (LFS) or git blob sha1. */
  readonly etag: string;
  /** `cached`: blob present; `partial`: an `.incomplete` download to resume; `missing`: not started. */
  readonly state: 'cached' | 'partial' | 'missing';
  /** Bytes already on disk (whole size when cached). */
  readonly presentBytes: number;
}

export interface DownloadPlan {
  readonly repoId: string;
  readonly revision: string;
  readonly commit: string;
  readonly snapshotDir: string;
  readonly files: readonly PlannedFile[];
  /** Sum of every needed file's size. */
  readonly totalBytes: number;
  /** What still has to come over the network (total minus cached and partial bytes). */
  readonly bytesToDownload: number;
}

export interface PlanOptions {
  readonly revision?: string;
  readonly signal?: AbortSignal;
}

export async function planModelDownload(repoId: string, settings: HubSettings, options: PlanOptions = {}): Promise<DownloadPlan> {
  const revision = options.revision ?? 'main';
  if (settings.offline) throw new HubError('offline-not-cached', `Cannot plan a download of '${repoId}': HF_HUB_OFFLINE=1 forbids network access.`);
  const info = await fetchRevisionInfo(repoId, revision, settings, options.signal);
  const wanted = selectModelFiles(repoId, info.files.map((f) => f.path));
  const byPath = new Map(info.files.map((f) => [f.path, f]));
  const cache = new RepoCache(settings.cacheDir, repoId);
  const files: PlannedFile[] = [];
  for (const path of wanted) {
    const listed = byPath.get(path);
    const meta = listed?.etag && listed.size !== undefined ? { etag: listed.etag, size: listed.size } : await fetchFileMetadata(repoId, info.commit, path, settings, options.signal);
    checkBlobInfo(meta, path, repoId);
    files.push({ path, ...meta, ...presence(cache, meta.etag, meta.size) });
  }
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
  const present = files.reduce((sum, f) => sum + f.presentBytes, 0);
  return { repoId, revision, commit: info.commit, snapshotDir: cache.snapshotDir(info.commit), files, totalBytes, bytesToDownload: totalBytes - present };
}

/** The blob name must be one (see BLOB_NAME) and the size a byte count, before either names a file or sizes a download. */
function checkBlobInfo(meta: { etag: string; size: number }, path: string, repoId: string): void {
  if (!BLOB_NAME.test(meta.etag)) {
    throw new HubError('protocol', `The Hub gave an invalid ETag ${quoteValue(meta.etag)} for '${path}' of '${repoId}' (expected a 40- or 64-digit hex blob id).`);
  }
  if (!Number.isSafeInteger(meta.size) || meta.size < 0) {
    throw new HubError('protocol', `The Hub gave an invalid size ${quoteValue(meta.size)} for '${path}' of '${repoId}'.`);
  }
}

function presence(cache: RepoCache, etag: string, size: number): Pick<PlannedFile, 'state' | 'presentBytes'> {
  if (isFile(cache.blobPath(etag))) return { state: 'cached', presentBytes: size };
  try {
    const partial = statSync(cache.incompletePath(etag)).size;
    if (partial > 0 && partial <= size) return { state: 'partial', presentBytes: partial };
  } catch {
    // no partial download
  }
  return { state: 'missing', presentBytes: 0 };
}

/** "548.1 MB" — sizes for messages (decimal units, like the Hub's web pages). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
