/**
 * The Hub's side of the engine's HTTP client (net/httpGet.ts: redirects, as when the Hub sends LFS
 * files to a CDN, an idle timeout, an AbortSignal): every failure turned into a one-line HubError.
 */
import type * as http from 'node:http';
import { httpGet, type HttpResponse } from '../../net/httpGet';
import { HubError } from './errors';

export interface HubRequest {
  readonly method?: 'GET' | 'HEAD';
  readonly headers?: Readonly<Record<string, string>>;
  /** Bearer token; sent to the first host only (dropped when a redirect leaves it, like `requests`). */
  readonly token?: string;
  readonly signal?: AbortSignal;
  readonly timeoutMs: number;
  /** Follow 301/302/303/307/308 (default true). */
  readonly followRedirects?: boolean;
  /** What the request is about, for error messages ("model 'gpt2'"). */
  readonly subject: string;
}

/** The final response (after redirects), as net/httpGet.ts gives it. */
export type HubResponse = HttpResponse;

export function cancelledError(subject: string): HubError {
  return new HubError('cancelled', `Download of ${subject} was cancelled.`);
}

/** One request; resolves with the final response once its headers arrived (any status). */
export function hubFetch(url: string, options: HubRequest): Promise<HubResponse> {
  const { subject } = options;
  return httpGet(url, {
    method: options.method,
    headers: options.headers,
    firstOriginHeaders: options.token ? { authorization: `Bearer ${options.token}` } : undefined,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    followRedirects: options.followRedirects,
    errors: {
      cancelled: () => cancelledError(subject),
      timeout: (at, ms) => new HubError('timeout', `No data from ${at.host} for ${seconds(ms)} s while fetching ${subject}.`),
      network: (e, at) => toHubError(e, at, subject),
      unsupported: (at) => new HubError('protocol', `Unsupported URL protocol in ${at.href}.`),
      tooManyRedirects: (from) => new HubError('protocol', `Too many redirects while fetching ${subject} from ${from}.`),
    },
  });
}

const seconds = (ms: number): string => (ms < 10_000 ? (ms / 1000).toFixed(1) : String(Math.round(ms / 1000)));

/** Network-level failures (refused, DNS, reset) → one-line HubError; HubErrors pass through. */
export function toHubError(e: unknown, url: URL, subject: string): HubError {
  if (e instanceof HubError) return e;
  const code = (e as NodeJS.ErrnoException).code ?? '';
  if (code === 'ABORT_ERR') return cancelledError(subject);
  const why = code || (e instanceof Error ? e.message : String(e));
  return new HubError('network', `Cannot reach ${url.host} while fetching ${subject} (${why}). Check the network, or set HF_HUB_OFFLINE=1 to use cached models only.`);
}

/** A non-2xx status → the error a user can act on (token for 401/403, name check for 404). */
export function statusError(status: number, subject: string, what: string, endpoint: string): HubError {
  if (status === 401 || status === 403) {
    return new HubError('unauthorized', `Access to ${subject} was refused by ${endpoint} (HTTP ${status}): it may not exist, or be private or gated. Check the id, or set HF_TOKEN to a token allowed to read it.`, status);
  }
  if (status === 404) return new HubError('not-found', `${what} was not found on ${endpoint} (HTTP 404). Check the model id and revision.`, status);
  return new HubError('http', `${endpoint} answered HTTP ${status} for ${subject}.`, status);
}

/** Read a whole (small) body as text, bounded. */
export async function readText(body: http.IncomingMessage, limit = 16 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) {
      body.destroy();
      throw new HubError('protocol', `Answer larger than ${limit} bytes.`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Header value without quotes or the weak-etag prefix: `W/"abc"` → `abc`. */
export function cleanEtag(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  return v.replace(/^W\//, '').replace(/^"|"$/g, '') || undefined;
}

export function headerNumber(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || !/^\d+$/.test(v.trim())) return undefined;
  return Number(v);
}
