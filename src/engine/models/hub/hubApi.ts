/**
 * The two Hub endpoints we read before downloading:
 *   GET  {endpoint}/api/models/{repo}/revision/{rev}?blobs=true → { sha, siblings: [{ rfilename, size, blobId, lfs: { sha256, size } }] }
 *   HEAD {endpoint}/{repo}/resolve/{commit}/{path} (no redirect) → X-Repo-Commit, X-Linked-Etag / ETag, X-Linked-Size / Content-Length
 * The HEAD is only needed when the listing lacks sizes or hashes (older or third-party endpoints).
 */
import { HubError } from './errors';
import { cleanEtag, headerNumber, hubFetch, readText, statusError } from './http';
import type { HubSettings } from './settings';
import { COMMIT_HASH } from './cacheLayout';

export interface RepoFileInfo {
  readonly path: string;
  /** Bytes, when the listing gave it. */
  readonly size?: number;
  /** sha256 for LFS files, git blob sha1 for the others — the blob's name in the cache. */
  readonly etag?: string;
}

export interface RevisionInfo {
  readonly commit: string;
  readonly files: readonly RepoFileInfo[];
}

interface Sibling {
  rfilename?: unknown;
  size?: unknown;
  blobId?: unknown;
  lfs?: { sha256?: unknown; size?: unknown } | null;
}

export function encodeRepoPath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

export function resolveUrl(settings: HubSettings, repoId: string, commit: string, path: string): string {
  return `${settings.endpoint}/${repoId}/resolve/${encodeURIComponent(commit)}/${encodeRepoPath(path)}`;
}

export async function fetchRevisionInfo(repoId: string, revision: string, settings: HubSettings, signal?: AbortSignal): Promise<RevisionInfo> {
  const subject = `model '${repoId}'`;
  const url = `${settings.endpoint}/api/models/${repoId}/revision/${encodeURIComponent(revision)}?blobs=true`;
  const res = await hubFetch(url, { subject, signal, token: settings.token, timeoutMs: settings.timeoutMs });
  if (res.status !== 200) {
    res.body.resume();
    throw statusError(res.status, subject, `Model '${repoId}' (revision '${revision}')`, settings.endpoint);
  }
  let json: { sha?: unknown; siblings?: unknown };
  try {
    json = JSON.parse(await readText(res.body)) as typeof json;
  } catch (e) {
    if (e instanceof HubError) throw e;
    throw new HubError('protocol', `${settings.endpoint} sent an unreadable model listing for '${repoId}'.`);
  }
  if (typeof json.sha !== 'string' || !COMMIT_HASH.test(json.sha) || !Array.isArray(json.siblings)) {
    throw new HubError('protocol', `${settings.endpoint} sent a model listing for '${repoId}' without a commit sha or file list.`);
  }
  const files = (json.siblings as Sibling[]).flatMap((s): RepoFileInfo[] => {
    if (typeof s?.rfilename !== 'string') return [];
    const lfsSha = typeof s.lfs?.sha256 === 'string' ? s.lfs.sha256 : undefined;
    const etag = lfsSha ?? (typeof s.blobId === 'string' ? s.blobId : undefined);
    const size = typeof s.lfs?.size === 'number' ? s.lfs.size : typeof s.size === 'number' ? s.size : undefined;
    return [{ path: s.rfilename, ...(size !== undefined ? { size } : {}), ...(etag ? { etag } : {}) }];
  });
  return { commit: json.sha, files };
}

/** HEAD a file without following the redirect: its blob name (etag) and size, like `huggingface_hub.get_hf_file_metadata`. */
export async function fetchFileMetadata(repoId: string, commit: string, path: string, settings: HubSettings, signal?: AbortSignal): Promise<Required<RepoFileInfo>> {
  const subject = `'${path}' of model '${repoId}'`;
  const res = await hubFetch(resolveUrl(settings, repoId, commit, path), {
    method: 'HEAD',
    followRedirects: false,
    subject,
    signal,
    token: settings.token,
    timeoutMs: settings.timeoutMs,
    headers: { 'accept-encoding': 'identity' },
  });
  res.body.resume();
  if (res.status >= 400) throw statusError(res.status, subject, `File '${path}' of model '${repoId}'`, settings.endpoint);
  const etag = cleanEtag(res.headers['x-linked-etag']) ?? cleanEtag(res.headers.etag);
  const size = headerNumber(res.headers['x-linked-size']) ?? headerNumber(res.headers['content-length']);
  if (!etag || size === undefined) throw new HubError('protocol', `${settings.endpoint} gave no ETag or size for ${subject}.`);
  return { path, etag, size };
}
