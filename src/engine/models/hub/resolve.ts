/**
 * Model id → local folder. A model already in the cache (downloaded by us or by Python's
 * `huggingface_hub`) resolves from `refs/` and `snapshots/` with zero requests; otherwise, unless
 * HF_HUB_OFFLINE=1, the download is planned, confirmed by the caller (the UI asks the user with
 * the size), then fetched.
 */
import { HubError } from './errors';
import { COMMIT_HASH, isValidRepoId, RepoCache } from './cacheLayout';
import { downloadPlan, type DownloadOptions } from './download';
import { missingModelFiles } from './modelFiles';
import { formatBytes, planModelDownload, type DownloadPlan } from './plan';
import type { HubSettings } from './settings';

export interface CachedModel {
  readonly repoId: string;
  readonly commit: string;
  readonly snapshotDir: string;
}

export interface ResolveOptions extends DownloadOptions {
  readonly revision?: string;
  /**
   * Ask the Hub where the revision points now even if a complete snapshot is cached (one listing
   * request; blobs already cached are not fetched again). Default false: a cached model is used
   * as is, with zero requests.
   */
  readonly refresh?: boolean;
  /** Asked once before anything is downloaded; resolve false to decline (→ a 'cancelled' HubError). */
  readonly confirm?: (plan: DownloadPlan) => Promise<boolean> | boolean;
}

export interface ResolvedModel extends CachedModel {
  /** True when files were fetched by this call. */
  readonly downloaded: boolean;
}

function checkRepoId(repoId: string): void {
  if (!isValidRepoId(repoId)) throw new HubError('not-found', `'${repoId}' is not a valid Hugging Face model id (expected 'name' or 'org/name').`);
}

/** The cached snapshot of a model if it is complete (config, tokenizer, weights); no network. */
export function findCachedModel(repoId: string, settings: HubSettings, revision = 'main'): CachedModel | undefined {
  checkRepoId(repoId);
  const cache = new RepoCache(settings.cacheDir, repoId);
  const commit = cache.commitFor(revision);
  if (!commit) return undefined;
  const snapshotDir = cache.snapshotDir(commit);
  return missingModelFiles(snapshotDir).length === 0 ? { repoId, commit, snapshotDir } : undefined;
}

function offlineError(repoId: string, revision: string, settings: HubSettings): HubError {
  const cache = new RepoCache(settings.cacheDir, repoId);
  const commit = cache.commitFor(revision);
  const where = commit ? `its snapshot ${commit.slice(0, 8)} lacks ${missingModelFiles(cache.snapshotDir(commit)).join(', ')}` : `no '${revision}' revision of it is in ${settings.cacheDir}`;
  return new HubError('offline-not-cached', `Model '${repoId}' is not available offline: ${where}. Unset HF_HUB_OFFLINE to download it.`);
}

/** Resolve a model id to its snapshot folder, downloading only when it is not complete in the cache. */
export async function resolveModel(repoId: string, settings: HubSettings, options: ResolveOptions = {}): Promise<ResolvedModel> {
  const revision = options.revision ?? 'main';
  const cached = findCachedModel(repoId, settings, revision);
  if (cached && (settings.offline || !options.refresh)) return { ...cached, downloaded: false };
  if (settings.offline) throw offlineError(repoId, revision, settings);
  const plan = await planModelDownload(repoId, settings, { revision, signal: options.signal });
  if (plan.bytesToDownload > 0 && options.confirm && !(await options.confirm(plan))) {
    throw new HubError('cancelled', `Download of model '${repoId}' (${formatBytes(plan.bytesToDownload)}) was declined.`);
  }
  const snapshotDir = await downloadPlan(plan, settings, options);
  return { repoId, commit: plan.commit, snapshotDir, downloaded: plan.bytesToDownload > 0 };
}

/** True if a spec (CLI argument, setting) looks like a Hub model id rather than a path. */
export function looksLikeHubModelId(spec: string): boolean {
  return isValidRepoId(spec) && !spec.startsWith('.') && !COMMIT_HASH.test(spec);
}
