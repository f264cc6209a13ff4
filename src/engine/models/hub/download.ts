/**
 * Step two: fetch what a DownloadPlan lists. Each blob goes to `blobs/<etag>.incomplete`
 * (resumed with `Range: bytes=N-`; a server answering 200 instead of 206 restarts it from zero),
 * is hashed while it streams, and is renamed to `blobs/<etag>` only once its sha256 (LFS files)
 * or git blob sha1 (small files) matches. A mismatch deletes the partial file. Snapshot links
 * are made for verified blobs only and `refs/<revision>` is written last, so an interrupted or
 * cancelled download never leaves a snapshot that looks complete.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HubError } from './errors';
import { resolveUrl } from './hubApi';
import { cancelledError, hubFetch, statusError, toHubError } from './http';
import { isFile, RepoCache } from './cacheLayout';
import { acquireBlobLock } from './blobLock';
import type { DownloadPlan, PlannedFile } from './plan';
import type { HubSettings } from './settings';

export interface DownloadProgress {
  readonly file: string;
  /** Bytes of this file on disk so far (resumed bytes included). */
  readonly received: number;
  readonly total: number;
  /** Over all files of the plan, cached ones included. */
  readonly overallReceived: number;
  readonly overallTotal: number;
}

export interface DownloadOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: DownloadProgress) => void;
}

/** Download every missing file of the plan; returns the snapshot folder. */
export async function downloadPlan(plan: DownloadPlan, settings: HubSettings, options: DownloadOptions = {}): Promise<string> {
  const cache = new RepoCache(settings.cacheDir, plan.repoId);
  let done = plan.files.reduce((sum, f) => sum + f.presentBytes, 0);
  for (const file of plan.files) {
    if (options.signal?.aborted) throw cancelledError(`model '${plan.repoId}'`);
    const before = done - file.presentBytes;
    await fetchBlobOnce(cache, plan, file, settings, options.signal, (received) => {
      done = before + received;
      options.onProgress?.({ file: file.path, received, total: file.size, overallReceived: done, overallTotal: plan.totalBytes });
    });
    done = before + file.size;
    cache.linkIntoSnapshot(plan.commit, file.path, file.etag);
  }
  cache.writeRef(plan.revision, plan.commit);
  return plan.snapshotDir;
}

/** Blob downloads in flight in this process, by blob path: concurrent resolves of one model share them. */
const inFlight = new Map<string, Promise<void>>();

function fetchBlobOnce(...args: Parameters<typeof fetchBlob>): Promise<void> {
  const key = args[0].blobPath(args[2].etag);
  const running = inFlight.get(key);
  if (running) return running;
  const started = (async (): Promise<void> => {
    const [cache, plan, file, , signal] = args;
    mkdirSync(dirname(key), { recursive: true });
    const lock = await acquireBlobLock(`${cache.blobPath(file.etag)}.lock`, `model '${plan.repoId}'`, signal);
    try {
      await fetchBlob(...args);
    } finally {
      lock.release();
    }
  })().finally(() => inFlight.delete(key));
  inFlight.set(key, started);
  return started;
}

type Verifier = { readonly algorithm: 'sha256' | 'git-sha1'; hash: Hash };

/** sha256 for a 64-hex etag, git's `blob <size>\0…` sha1 for a 40-hex one (the plan accepts no other blob name). */
function newVerifier(etag: string, size: number): Verifier {
  if (etag.length === 64) return { algorithm: 'sha256', hash: createHash('sha256') };
  return { algorithm: 'git-sha1', hash: createHash('sha1').update(`blob ${size}\0`) };
}

function partialSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

async function hashExisting(path: string, verifier: Verifier): Promise<void> {
  for await (const chunk of createReadStream(path)) verifier.hash.update(chunk as Buffer);
}

async function fetchBlob(cache: RepoCache, plan: DownloadPlan, file: PlannedFile, settings: HubSettings, signal: AbortSignal | undefined, progress: (received: number) => void): Promise<void> {
  const blob = cache.blobPath(file.etag);
  if (isFile(blob)) return;
  const partial = cache.incompletePath(file.etag);
  const subject = `'${file.path}' of model '${plan.repoId}'`;
  mkdirSync(dirname(blob), { recursive: true });
  let offset = partialSize(partial);
  if (offset > file.size) {
    rmSync(partial, { force: true });
    offset = 0;
  }
  let verifier = newVerifier(file.etag, file.size);
  if (offset > 0) await hashExisting(partial, verifier);
  if (offset < file.size || file.size === 0) {
    const res = await hubFetch(resolveUrl(settings, plan.repoId, plan.commit, file.path), {
      subject,
      signal,
      token: settings.token,
      timeoutMs: settings.timeoutMs,
      headers: { 'accept-encoding': 'identity', ...(offset > 0 ? { range: `bytes=${offset}-` } : {}) },
    });
    const resumed = res.status === 206 && offset > 0 && String(res.headers['content-range'] ?? '').startsWith(`bytes ${offset}-`);
    if (res.status !== 200 && !resumed) {
      res.body.resume();
      if (res.status === 206 || res.status === 416) throw new HubError('protocol', `The server answered a resume request for ${subject} with the wrong range; delete ${partial} and try again.`);
      throw statusError(res.status, subject, `File '${file.path}' of model '${plan.repoId}'`, settings.endpoint);
    }
    if (!resumed && offset > 0) {
      offset = 0; // the server ignored Range and sends the whole file: start over
      verifier = newVerifier(file.etag, file.size);
    }
    let received = offset;
    progress(received);
    const hash = verifier.hash;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, callback): void {
        received += chunk.length;
        if (received > file.size) return callback(new HubError('integrity', `${subject} is larger than the ${file.size} bytes the Hub announced.`));
        hash.update(chunk);
        progress(received);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(res.body, counter, createWriteStream(partial, { flags: offset > 0 ? 'a' : 'w' }));
    } catch (e) {
      if (e instanceof HubError && e.kind === 'integrity') rmSync(partial, { force: true });
      if (signal?.aborted) throw cancelledError(`model '${plan.repoId}'`);
      const error = toHubError(e, res.url, subject);
      if (error.kind === 'network') {
        throw new HubError('network', `The connection to ${res.url.host} was lost after ${received} of ${file.size} bytes of ${subject}; run again to resume.`);
      }
      throw error;
    }
    if (received < file.size) throw new HubError('network', `The server closed ${subject} after ${received} of ${file.size} bytes; run again to resume.`);
  }
  verify(partial, file, verifier, subject);
  renameSync(partial, blob);
}

function verify(partial: string, file: PlannedFile, verifier: Verifier, subject: string): void {
  const size = partialSize(partial);
  const fail = (what: string): never => {
    rmSync(partial, { force: true });
    throw new HubError('integrity', `${subject} failed verification (${what}); the partial file was deleted, the cache is unchanged — try again.`);
  };
  if (size !== file.size) fail(`${size} bytes instead of ${file.size}`);
  const digest = verifier.hash.digest('hex');
  if (digest !== file.etag) fail(`${verifier.algorithm} ${digest.slice(0, 12)}… instead of ${file.etag.slice(0, 12)}…`);
}
