/**
 * A fake Hugging Face Hub on 127.0.0.1 (random port) for tests: the listing endpoint
 * (`/api/models/{repo}/revision/{rev}`), `/{repo}/resolve/{rev}/{path}` (small files served
 * directly with a git-sha1 ETag, LFS files redirected to a CDN-like `/cdn/<sha256>` with
 * X-Linked-Etag/X-Linked-Size), Range requests, and switches to simulate failures.
 * Loopback only, bounded in requests, and it closes itself after a while without requests.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeFile {
  readonly path: string;
  readonly content: Buffer;
  /** Stored in LFS: redirected to the CDN and named by sha256. */
  readonly lfs: boolean;
}

export interface FakeRepo {
  readonly id: string;
  readonly commit: string;
  readonly files: readonly FakeFile[];
}

export interface FakeHubSwitches {
  /** Answer 401 unless `Authorization: Bearer <requireToken>` (CDN excepted, like signed URLs). */
  requireToken?: string;
  /** The next CDN GET sends this many body bytes then drops the connection (cleared after use). */
  dropAfterBytes?: number;
  /** The CDN serves LFS files with one byte flipped (same size, wrong sha256). */
  wrongSha?: boolean;
  /** The CDN ignores Range and answers 200 with the whole file. */
  ignoreRange?: boolean;
  /** The listing carries no sizes or hashes, so clients must HEAD each file. */
  omitBlobInfo?: boolean;
  /** The CDN sends headers then stays silent (to trigger client timeouts). */
  stallCdn?: boolean;
  /** Every file is announced with this ETag (listing blobId / lfs.sha256, HEAD ETag / X-Linked-Etag), to test the client's checks. */
  etag?: string;
}

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly range?: string;
  readonly authorization?: string;
}

export interface FakeHub {
  /** `http://127.0.0.1:<port>` — pass it as the endpoint (HF_ENDPOINT). */
  readonly url: string;
  readonly switches: FakeHubSwitches;
  readonly requests: LoggedRequest[];
  /** Body bytes sent by the CDN since start. */
  cdnBytesSent: number;
  stop(): Promise<void>;
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
export const gitBlobSha1 = (b: Buffer): string => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
const etagOf = (f: FakeFile): string => (f.lfs ? sha256(f.content) : gitBlobSha1(f.content));

/** A valid safetensors file holding one float32 tensor of `count` deterministic values. */
export function tinySafetensors(name: string, count: number, seed = 1): Buffer {
  const header = Buffer.from(JSON.stringify({ [name]: { dtype: 'F32', shape: [count], data_offsets: [0, count * 4] } }));
  const data = Buffer.alloc(count * 4);
  let x = seed;
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    data.writeFloatLE(x / 2147483648 - 0.5, i * 4);
  }
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([len, header, data]);
}

const text = (path: string, s: string): FakeFile => ({ path, content: Buffer.from(s), lfs: false });
const commitOf = (id: string): string => createHash('sha1').update(`commit ${id}`).digest('hex');

/** A tiny GPT-2-like repo with the files a real one has, including ones a client must skip. */
export function tinyModelRepo(id = 'trex-test/tiny-gpt2'): FakeRepo {
  return {
    id,
    commit: commitOf(id),
    files: [
      text('.gitattributes', '*.safetensors filter=lfs diff=lfs merge=lfs -text\n'),
      text('README.md', '# tiny test model\n'),
      text('config.json', JSON.stringify({ model_type: 'gpt2', n_layer: 1, n_embd: 8, n_head: 2, vocab_size: 16, n_positions: 32 })),
      text('tokenizer.json', JSON.stringify({ version: '1.0', model: { type: 'BPE', vocab: { a: 0, b: 1 }, merges: [] } })),
      { path: 'model.safetensors', content: tinySafetensors('wte.weight', 48_000), lfs: true },
      { path: 'pytorch_model.bin', content: Buffer.alloc(1000, 7), lfs: true },
      { path: 'flax_model.msgpack', content: Buffer.alloc(500, 3), lfs: true },
      { path: 'onnx/model.onnx', content: Buffer.alloc(300, 5), lfs: true },
    ],
  };
}

/** A repo with sharded weights: the index plus two shards. */
export function tinyShardedRepo(id = 'trex-test/tiny-sharded'): FakeRepo {
  const shards = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];
  const index = { metadata: { total_size: 800 }, weight_map: { 'a.weight': shards[0], 'b.weight': shards[1] } };
  return {
    id,
    commit: commitOf(id),
    files: [
      text('config.json', JSON.stringify({ model_type: 'bert', num_hidden_layers: 1 })),
      text('vocab.txt', '[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nle\nchat\n'),
      text('model.safetensors.index.json', JSON.stringify(index)),
      { path: shards[0], content: tinySafetensors('a.weight', 100, 2), lfs: true },
      { path: shards[1], content: tinySafetensors('b.weight', 100, 3), lfs: true },
    ],
  };
}

export interface FakeHubOptions {
  readonly switches?: FakeHubSwitches;
  /** After this many requests every answer is 503 (default 500). */
  readonly maxRequests?: number;
  /** The server closes itself after this long without a request (default 20 s). */
  readonly idleMs?: number;
}

export async function startFakeHub(repos: readonly FakeRepo[], options: FakeHubOptions = {}): Promise<FakeHub> {
  const maxRequests = options.maxRequests ?? 500;
  const idleMs = options.idleMs ?? 20_000;
  let idleTimer: NodeJS.Timeout | undefined;
  const byId = new Map(repos.map((r) => [r.id, r]));
  const blobs = new Map(repos.flatMap((r) => r.files.filter((f) => f.lfs).map((f) => [sha256(f.content), f.content] as const)));
  const server: Server = createServer((req, res) => {
    armIdle();
    const path = decodeURI(new URL(req.url ?? '/', 'http://x').pathname);
    hub.requests.push({ method: req.method ?? 'GET', path, ...(req.headers.range ? { range: req.headers.range } : {}), ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    if (hub.requests.length > maxRequests) return answer(res, 503, 'too many requests for the fake hub');
    route(req, res, path);
  });
  const hub: FakeHub = { url: '', switches: { ...options.switches }, requests: [], cdnBytesSent: 0, stop };

  function armIdle(): void {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => void stop(), idleMs);
    idleTimer.unref();
  }
  function stop(): Promise<void> {
    if (idleTimer) clearTimeout(idleTimer);
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }
  function answer(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ error: message }));
  }
  function authorized(req: IncomingMessage): boolean {
    const token = hub.switches.requireToken;
    return token === undefined || req.headers.authorization === `Bearer ${token}`;
  }
  function findRevision(repoId: string, rev: string, res: ServerResponse): FakeRepo | undefined {
    const repo = byId.get(repoId);
    if (!repo) answer(res, 404, 'Repository not found', { 'x-error-code': 'RepoNotFound' });
    else if (rev !== 'main' && rev !== repo.commit) answer(res, 404, `Invalid rev id: ${rev}`, { 'x-error-code': 'RevisionNotFound' });
    else return repo;
    return undefined;
  }

  function route(req: IncomingMessage, res: ServerResponse, path: string): void {
    const api = /^\/api\/models\/(.+)\/revision\/([^/]+)$/.exec(path);
    const resolve = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(path);
    if (cdn) return serveCdn(req, res, cdn[1]);
    if (!authorized(req)) return answer(res, 401, 'Invalid credentials in Authorization header');
    if (api) {
      const repo = findRevision(api[1], api[2], res);
      if (!repo) return;
      const siblings = repo.files.map((f) =>
        hub.switches.omitBlobInfo ? { rfilename: f.path } : { rfilename: f.path, size: f.content.length, blobId: hub.switches.etag ?? gitBlobSha1(f.content), ...(f.lfs ? { lfs: { sha256: hub.switches.etag ?? sha256(f.content), size: f.content.length, pointerSize: 134 } } : {}) },
      );
      return sendJson(res, { id: repo.id, sha: repo.commit, siblings });
    }
    if (resolve) {
      const repo = findRevision(resolve[1], resolve[2], res);
      if (!repo) return;
      const file = repo.files.find((f) => f.path === resolve[3]);
      if (!file) return answer(res, 404, 'Entry not found', { 'x-error-code': 'EntryNotFound' });
      const common = { 'x-repo-commit': repo.commit, etag: `"${hub.switches.etag ?? etagOf(file)}"` };
      if (file.lfs) {
        res.writeHead(302, { ...common, 'x-linked-etag': `"${hub.switches.etag ?? sha256(file.content)}"`, 'x-linked-size': String(file.content.length), location: `/cdn/${sha256(file.content)}?X-Amz-Signature=fake`, 'content-length': '0' });
        return void res.end();
      }
      res.writeHead(200, { ...common, 'content-length': String(file.content.length), 'content-type': 'application/octet-stream' });
      return void res.end(req.method === 'HEAD' ? undefined : file.content);
    }
    answer(res, 404, 'not a fake hub route');
  }

  function serveCdn(req: IncomingMessage, res: ServerResponse, sha: string): void {
    const original = blobs.get(sha);
    if (!original) return answer(res, 404, 'no such blob');
    const content = hub.switches.wrongSha ? Buffer.from(original.map((b, i) => (i === 10 ? b ^ 0xff : b))) : original;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    let start = 0;
    if (range && !hub.switches.ignoreRange) {
      start = Number(range[1]);
      if (start >= content.length) return answer(res, 416, 'range not satisfiable', { 'content-range': `bytes */${content.length}` });
      res.writeHead(206, { etag: `"${sha}"`, 'content-length': String(content.length - start), 'content-range': `bytes ${start}-${content.length - 1}/${content.length}` });
    } else {
      res.writeHead(200, { etag: `"${sha}"`, 'content-length': String(content.length), 'accept-ranges': 'bytes' });
    }
    if (req.method === 'HEAD') return void res.end();
    const body = content.subarray(start);
    if (hub.switches.stallCdn) return void res.flushHeaders();
    const drop = hub.switches.dropAfterBytes;
    if (drop !== undefined && drop < body.length) {
      hub.switches.dropAfterBytes = undefined;
      hub.cdnBytesSent += drop;
      return void res.write(body.subarray(0, drop), () => setTimeout(() => res.socket?.destroy(), 20));
    }
    hub.cdnBytesSent += body.length;
    res.end(body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  armIdle();
  (hub as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return hub;
}

function sendJson(res: ServerResponse, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
  res.end(body);
}
