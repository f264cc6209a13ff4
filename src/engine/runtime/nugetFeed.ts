/**
 * A NuGet v3 feed, read the way onnxruntime-node's own installer reads it (script/install-utils.js):
 * service index → `PackageBaseAddress/3.0.0` → `<id>/index.json` (the versions) and
 * `<id>/<version>/<id>.<version>.nupkg`. In addition we read the package's registration leaf and
 * its catalog entry for `packageHash` (SHA-512, base64) and `packageSize`, and download the .nupkg
 * to `<file>.part` (resumed with `Range`, hashed while it streams) that is renamed to `<file>` only
 * once size and hash match. Plain Node (net/httpGet.ts), no vscode.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gunzipSync } from 'node:zlib';
import { httpGet, type HttpErrors, type HttpResponse } from '../net/httpGet';
import { CudaProviderError, diskError } from './cudaProviderErrors';

export const NUGET_ORG_INDEX = 'https://api.nuget.org/v3/index.json';

/** The feed's service index: `TREX_NUGET_INDEX` (tests, mirrors) or nuget.org, as onnxruntime-node's installer uses. */
export function nugetIndexUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env['TREX_NUGET_INDEX'] || NUGET_ORG_INDEX;
}

export interface FeedOptions {
  readonly signal?: AbortSignal;
  /** Idle timeout per request (no byte for this long). */
  readonly timeoutMs?: number;
}

/** A package version found on a feed, with what verifies its .nupkg. */
export interface NugetPackage {
  readonly id: string;
  readonly version: string;
  readonly url: string;
  /** Base64 SHA-512 of the .nupkg (the catalog's `packageHash`). */
  readonly sha512: string;
  /** Bytes of the .nupkg, when the catalog says. */
  readonly size?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_JSON_BYTES = 32 << 20;

function cancelled(): CudaProviderError {
  return new CudaProviderError('cancelled', 'Enabling GPU acceleration was cancelled.');
}

function networkError(e: unknown, url: URL): CudaProviderError {
  if (e instanceof CudaProviderError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ABORT_ERR') return cancelled();
  const why = code ?? (e instanceof Error ? e.message : String(e));
  return new CudaProviderError('network', `Cannot reach ${url.host} (${why}): enabling GPU acceleration needs a connection to the NuGet feed ${url.origin}.`);
}

const FEED_ERRORS: HttpErrors = {
  cancelled,
  timeout: (url, ms) => new CudaProviderError('timeout', `No data from ${url.host} for ${Math.round(ms / 1000)} s.`),
  network: networkError,
  unsupported: (url) => new CudaProviderError('protocol', `Unsupported URL ${url.href}.`),
  tooManyRedirects: (url) => new CudaProviderError('protocol', `Too many redirects from ${url}.`),
};

/** GET with redirects; resolves once the final response's headers arrived (any status). */
function get(url: string, headers: Record<string, string>, options: FeedOptions): Promise<HttpResponse> {
  return httpGet(url, { headers, signal: options.signal, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, errors: FEED_ERRORS });
}

function statusError(status: number, what: string, url: URL): CudaProviderError {
  if (status === 404) return new CudaProviderError('not-found', `${what} was not found on ${url.host} (HTTP 404).`, status);
  return new CudaProviderError('http', `${url.host} answered HTTP ${status} for ${what}.`, status);
}

/** A JSON document of the feed (gzip-encoded answers, as nuget.org's registration hives send, are unpacked). */
export async function getJson(url: string, what: string, options: FeedOptions = {}): Promise<unknown> {
  const res = await get(url, { accept: 'application/json', 'accept-encoding': 'gzip' }, options);
  if (res.status !== 200) {
    res.body.resume();
    throw statusError(res.status, what, res.url);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_JSON_BYTES) {
        res.body.destroy();
        throw new CudaProviderError('protocol', `${what} from ${res.url.host} is larger than ${MAX_JSON_BYTES} bytes.`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (e) {
    throw networkError(e, res.url);
  }
  try {
    const bytes = Buffer.concat(chunks);
    const text = (/gzip/i.test(String(res.headers['content-encoding'] ?? '')) ? gunzipSync(bytes) : bytes).toString('utf8');
    return JSON.parse(text);
  } catch {
    throw new CudaProviderError('protocol', `${what} from ${res.url.host} is not valid JSON.`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The `@id` of the service index's first resource whose `@type` is one of `types` (in that order of preference). */
export function findResource(index: unknown, types: readonly string[]): string | undefined {
  const resources = isRecord(index) && Array.isArray(index['resources']) ? index['resources'].filter(isRecord) : [];
  for (const type of types) {
    const found = resources.find((r) => r['@type'] === type && typeof r['@id'] === 'string');
    if (found) return found['@id'] as string;
  }
  return undefined;
}

const withSlash = (url: string): string => (url.endsWith('/') ? url : `${url}/`);

/** Registration resources, newest first (all answer `<id>/<version>.json` with a leaf). */
const REGISTRATION_TYPES = ['RegistrationsBaseUrl/3.6.0', 'RegistrationsBaseUrl/3.4.0', 'RegistrationsBaseUrl/Versioned', 'RegistrationsBaseUrl/3.0.0-rc', 'RegistrationsBaseUrl/3.0.0-beta', 'RegistrationsBaseUrl'];

/** Finds `id` at exactly `version` on the feed, with the SHA-512 its catalog entry records. */
export async function resolveNugetPackage(indexUrl: string, id: string, version: string, options: FeedOptions = {}): Promise<NugetPackage> {
  const lowerId = id.toLowerCase();
  const lowerVersion = version.toLowerCase();
  const index = await getJson(indexUrl, 'the NuGet service index', options);
  const base = findResource(index, ['PackageBaseAddress/3.0.0']);
  if (!base) throw new CudaProviderError('protocol', `The NuGet service index ${indexUrl} has no PackageBaseAddress/3.0.0 resource.`);
  const registrations = findResource(index, REGISTRATION_TYPES);
  if (!registrations) throw new CudaProviderError('protocol', `The NuGet service index ${indexUrl} has no RegistrationsBaseUrl: the package hash cannot be checked.`);

  const versionsJson = await getJson(`${withSlash(base)}${lowerId}/index.json`, `package ${id}`, options);
  const versions = isRecord(versionsJson) && Array.isArray(versionsJson['versions']) ? versionsJson['versions'] : undefined;
  if (!versions) throw new CudaProviderError('protocol', `The version list of ${id} on ${new URL(indexUrl).host} is malformed.`);
  if (!versions.some((v) => typeof v === 'string' && v.toLowerCase() === lowerVersion)) {
    throw new CudaProviderError('not-found', `${id} ${version} is not on ${new URL(indexUrl).host} (it has ${versions.slice(-5).join(', ') || 'no versions'}).`);
  }

  const leaf = await getJson(`${withSlash(registrations)}${lowerId}/${lowerVersion}.json`, `the registration of ${id} ${version}`, options);
  if (!isRecord(leaf)) throw new CudaProviderError('protocol', `The registration of ${id} ${version} is malformed.`);
  let entry: unknown = leaf['catalogEntry'];
  if (typeof entry === 'string') entry = await getJson(entry, `the catalog entry of ${id} ${version}`, options);
  else if (isRecord(entry) && entry['packageHash'] === undefined && typeof entry['@id'] === 'string') {
    entry = await getJson(entry['@id'], `the catalog entry of ${id} ${version}`, options);
  }
  if (!isRecord(entry)) throw new CudaProviderError('protocol', `The registration of ${id} ${version} has no catalog entry.`);
  const hash = entry['packageHash'];
  const algorithm = entry['packageHashAlgorithm'];
  if (typeof hash !== 'string' || typeof algorithm !== 'string' || algorithm.toUpperCase() !== 'SHA512' || Buffer.from(hash, 'base64').length !== 64) {
    throw new CudaProviderError('protocol', `The catalog entry of ${id} ${version} has no SHA512 packageHash (found ${String(algorithm)}): refusing to install an unverified package.`);
  }
  const size = entry['packageSize'];
  return {
    id,
    version,
    url: `${withSlash(base)}${lowerId}/${lowerVersion}/${lowerId}.${lowerVersion}.nupkg`,
    sha512: hash,
    ...(typeof size === 'number' && Number.isSafeInteger(size) && size > 0 ? { size } : {}),
  };
}

export interface DownloadProgress {
  /** Bytes on disk so far (resumed bytes included). */
  readonly received: number;
  /** Expected bytes, when known. */
  readonly total?: number;
}

export interface DownloadOptions extends FeedOptions {
  readonly onProgress?: (progress: DownloadProgress) => void;
}

function sizeOf(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

async function hashFile(path: string, hash: Hash, signal?: AbortSignal): Promise<void> {
  for await (const chunk of createReadStream(path)) {
    if (signal?.aborted) throw cancelled();
    hash.update(chunk as Buffer);
  }
}

function checkDigest(pkg: NugetPackage, hash: Hash, size: number, partial: string): void {
  const fail = (what: string): never => {
    rmSync(partial, { force: true });
    throw new CudaProviderError('integrity', `${pkg.id} ${pkg.version} failed verification (${what}); the download was deleted and nothing was installed.`);
  };
  if (pkg.size !== undefined && size !== pkg.size) fail(`${size} bytes instead of ${pkg.size}`);
  const digest = hash.digest('base64');
  if (digest !== pkg.sha512) fail(`SHA-512 ${digest.slice(0, 12)}… instead of ${pkg.sha512.slice(0, 12)}…`);
}

/**
 * Downloads `pkg` to `dest`, verified. A `dest.part` left by an interrupted run is resumed; `dest`
 * appears only with the right size and SHA-512 (a mismatch deletes the partial file). An existing
 * `dest` is checked again and fetched anew if it does not match.
 */
export async function downloadNugetPackage(pkg: NugetPackage, dest: string, options: DownloadOptions = {}): Promise<void> {
  const { signal, onProgress } = options;
  const partial = `${dest}.part`;
  try {
    mkdirSync(dirname(dest), { recursive: true });
  } catch (e) {
    throw diskError(e, `the download folder ${dirname(dest)}`);
  }
  const existing = sizeOf(dest);
  if (existing !== undefined) {
    const hash = createHash('sha512');
    await hashFile(dest, hash, signal);
    if ((pkg.size === undefined || existing === pkg.size) && hash.digest('base64') === pkg.sha512) {
      onProgress?.({ received: existing, total: existing });
      return;
    }
    rmSync(dest, { force: true });
  }
  let offset = sizeOf(partial) ?? 0;
  if (pkg.size !== undefined && offset > pkg.size) {
    rmSync(partial, { force: true });
    offset = 0;
  }
  let hash = createHash('sha512');
  if (offset > 0) await hashFile(partial, hash, signal);
  let received = offset;
  if (pkg.size === undefined || offset < pkg.size) {
    const res = await get(pkg.url, { 'accept-encoding': 'identity', ...(offset > 0 ? { range: `bytes=${offset}-` } : {}) }, options);
    const resumed = res.status === 206 && offset > 0 && String(res.headers['content-range'] ?? '').startsWith(`bytes ${offset}-`);
    if (res.status === 416 && offset > 0 && pkg.size === undefined) {
      res.body.resume(); // the partial file already holds everything
    } else if (res.status !== 200 && !resumed) {
      res.body.resume();
      throw statusError(res.status, `${pkg.id} ${pkg.version} (${pkg.url})`, res.url);
    } else {
      if (!resumed && offset > 0) {
        offset = 0; // the server ignored Range and sends the whole file: start over
        hash = createHash('sha512');
      }
      received = offset;
      const lengthHeader = Number(res.headers['content-length']);
      const total = pkg.size ?? (Number.isSafeInteger(lengthHeader) ? offset + lengthHeader : undefined);
      onProgress?.({ received, ...(total === undefined ? {} : { total }) });
      const digest = hash;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback): void {
          received += chunk.length;
          if (pkg.size !== undefined && received > pkg.size) {
            return callback(new CudaProviderError('integrity', `${pkg.id} ${pkg.version} is larger than the ${pkg.size} bytes its catalog entry announces.`));
          }
          digest.update(chunk);
          onProgress?.({ received, ...(total === undefined ? {} : { total }) });
          callback(null, chunk);
        },
      });
      const out = createWriteStream(partial, { flags: offset > 0 ? 'a' : 'w' });
      try {
        await pipeline(res.body, counter, out);
      } catch (e) {
        // Writes already queued may still land after the pipeline gave up: wait for the file to be
        // closed, so the next run resumes from its real size.
        if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
        if (e instanceof CudaProviderError && e.kind === 'integrity') rmSync(partial, { force: true });
        if (signal?.aborted) throw cancelled();
        if (e instanceof CudaProviderError) throw e;
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOSPC' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw diskError(e, partial);
        throw new CudaProviderError('network', `The connection to ${res.url.host} was lost after ${received}${total === undefined ? '' : ` of ${total}`} bytes of ${pkg.id} ${pkg.version}; run the command again to resume.`);
      }
      if (pkg.size !== undefined && received < pkg.size) {
        throw new CudaProviderError('network', `${res.url.host} closed the download of ${pkg.id} ${pkg.version} after ${received} of ${pkg.size} bytes; run the command again to resume.`);
      }
    }
  }
  checkDigest(pkg, hash, received, partial);
  try {
    renameSync(partial, dest);
  } catch (e) {
    throw diskError(e, dest);
  }
}
