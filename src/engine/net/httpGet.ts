/**
 * GET and HEAD on node:http/https for the engine's downloads (the Hugging Face Hub, the NuGet
 * feed): redirects, an idle timeout and an AbortSignal. Each caller says, through `errors`, how
 * its failures read, so that every one of them is a single line the user can act on.
 */
import * as http from 'node:http';
import * as https from 'node:https';

/** The errors a caller gives for each way a request fails. */
export interface HttpErrors {
  cancelled(): Error;
  timeout(url: URL, timeoutMs: number): Error;
  /** A network failure (refused, DNS, reset); errors of the caller's own kind pass through it. */
  network(cause: unknown, url: URL): Error;
  unsupported(url: URL): Error;
  tooManyRedirects(url: string): Error;
}

export interface HttpRequest {
  readonly method?: 'GET' | 'HEAD';
  readonly headers?: Readonly<Record<string, string>>;
  /** Headers sent to the first origin only, dropped when a redirect leaves it (a bearer token). */
  readonly firstOriginHeaders?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  readonly timeoutMs: number;
  /** Follow 301/302/303/307/308 (default true). */
  readonly followRedirects?: boolean;
  readonly errors: HttpErrors;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly url: URL;
  /** The body stream (already ended for HEAD). */
  readonly body: http.IncomingMessage;
}

const MAX_REDIRECTS = 10;
const REDIRECTS = [301, 302, 303, 307, 308];

/** One request, redirects followed; resolves once the final response's headers arrived (any status). */
export async function httpGet(url: string, request: HttpRequest): Promise<HttpResponse> {
  let current = new URL(url);
  const firstOrigin = current.origin;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await requestOnce(current, request, current.origin === firstOrigin);
    const location = response.headers.location;
    if (request.followRedirects !== false && REDIRECTS.includes(response.status) && location) {
      response.body.resume();
      current = new URL(location, current);
      continue;
    }
    return response;
  }
  throw request.errors.tooManyRedirects(url);
}

function requestOnce(url: URL, request: HttpRequest, firstOrigin: boolean): Promise<HttpResponse> {
  const { signal, errors } = request;
  if (signal?.aborted) return Promise.reject(errors.cancelled());
  const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
  if (!client) return Promise.reject(errors.unsupported(url));
  const headers = { 'user-agent': 'transformer-explorer', ...request.headers, ...(firstOrigin ? request.firstOriginHeaders : {}) };
  return new Promise<HttpResponse>((resolve, reject) => {
    const req = client.request(url, { method: request.method ?? 'GET', headers });
    let res: http.IncomingMessage | undefined;
    // Destroy the response too (not only the request) so a reader sees our error, not a bare "aborted".
    const fail = (error: Error): void => {
      res?.destroy(error);
      req.destroy(error);
    };
    const onAbort = (): void => fail(errors.cancelled());
    signal?.addEventListener('abort', onAbort, { once: true });
    req.setTimeout(request.timeoutMs, () => fail(errors.timeout(url, request.timeoutMs)));
    req.on('error', (e) => {
      signal?.removeEventListener('abort', onAbort);
      reject(errors.network(e, url));
    });
    req.on('response', (response) => {
      res = response;
      response.on('close', () => signal?.removeEventListener('abort', onAbort));
      resolve({ status: response.statusCode ?? 0, headers: response.headers, url, body: response });
    });
    req.end();
  });
}
