/**
 * Enable GPU acceleration, without a GPU: the CUDA provider install against a local NuGet v3 feed
 * on 127.0.0.1 (service index, flat container, gzip-encoded registration leaf, catalog entry with
 * the SHA-512, and a small .nupkg built here with adm-zip holding fake libraries). Checks what
 * lands next to the binding, what a bad hash, a 404, a cut connection, a cancel, a wrong platform,
 * no network or no NVIDIA driver leave behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import AdmZip from 'adm-zip';
import {
  CUDA_PROVIDER_MARKER,
  CUDA_PROVIDER_PACKAGE,
  enableCudaProvider,
  gpuRuntimeIn,
  installCudaProvider,
  installedCudaProvider,
  onnxRuntimeInstall,
  planCudaProvider,
  storageRuntime,
  type CudaProviderOptions,
  type InstallProgress,
} from '../../../../src/engine/runtime/cudaProviderInstall';
import { isCudaProviderError, type CudaProviderErrorKind } from '../../../../src/engine/runtime/cudaProviderErrors';
import { nugetIndexUrl, NUGET_ORG_INDEX } from '../../../../src/engine/runtime/nugetFeed';

const VERSION = '1.30.0';
const ID = CUDA_PROVIDER_PACKAGE.toLowerCase();
const NATIVE = 'runtimes/linux-x64/native/';

/** Fake libraries: random bytes (incompressible) plus text (deflates), large enough to arrive in many chunks. */
function fakeLibrary(name: string, kb: number): Buffer {
  return Buffer.concat([Buffer.from(`ELF fake ${name}\n`.repeat(2000)), randomBytes(kb * 1024)]);
}
const LIBRARIES: Record<string, Buffer> = {
  'libonnxruntime_providers_shared.so': fakeLibrary('shared', 16),
  'libonnxruntime_providers_cuda.so': fakeLibrary('cuda', 600),
  'libonnxruntime_providers_tensorrt.so': fakeLibrary('tensorrt', 8),
};

function buildNupkg(): Buffer {
  const zip = new AdmZip();
  zip.addFile('[Content_Types].xml', Buffer.from('<?xml version="1.0"?><Types/>'));
  zip.addFile(`${CUDA_PROVIDER_PACKAGE}.nuspec`, Buffer.from(`<package><metadata><id>${CUDA_PROVIDER_PACKAGE}</id><version>${VERSION}</version></metadata></package>`));
  for (const [name, bytes] of Object.entries(LIBRARIES)) zip.addFile(NATIVE + name, bytes);
  zip.addFile(`${NATIVE}libonnxruntime.so`, Buffer.from('not extracted'));
  return zip.toBuffer();
}
const NUPKG = buildNupkg();
const SHA512 = createHash('sha512').update(NUPKG).digest('base64');

interface FeedBehaviour {
  versions?: string[];
  /** Hash the catalog announces (default: the real one). */
  sha512?: string;
  /** The .nupkg answers 404. */
  missingPackage?: boolean;
  /** First full download: send this many bytes, then cut the connection. */
  cutAfter?: number;
  /** Send this many bytes, then stall (never finish). */
  stallAfter?: number;
}

interface Feed {
  index: string;
  requests: Array<{ url: string; range?: string }>;
  behaviour: FeedBehaviour;
  close(): Promise<void>;
}

async function startFeed(behaviour: FeedBehaviour = {}): Promise<Feed> {
  const requests: Feed['requests'] = [];
  const sockets = new Set<import('node:net').Socket>();
  let origin = '';
  const json = (res: http.ServerResponse, body: unknown, gzip = false): void => {
    const text = Buffer.from(JSON.stringify(body));
    res.writeHead(200, { 'content-type': 'application/json', ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
    res.end(gzip ? gzipSync(text) : text);
  };
  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    requests.push({ url, ...(req.headers.range ? { range: req.headers.range } : {}) });
    if (url === '/v3/index.json') {
      return json(res, {
        version: '3.0.0',
        resources: [
          { '@id': `${origin}/v3/search`, '@type': 'SearchQueryService' },
          { '@id': `${origin}/v3-flatcontainer/`, '@type': 'PackageBaseAddress/3.0.0' },
          { '@id': `${origin}/v3/registration5-gz-semver2/`, '@type': 'RegistrationsBaseUrl/3.6.0' },
        ],
      });
    }
    if (url === `/v3-flatcontainer/${ID}/index.json`) return json(res, { versions: behaviour.versions ?? ['1.29.0', VERSION] });
    if (url === `/v3/registration5-gz-semver2/${ID}/${VERSION}.json`) {
      return json(res, { '@id': `${origin}${url}`, catalogEntry: `${origin}/v3/catalog0/data/${ID}.${VERSION}.json`, listed: true, packageContent: `${origin}/v3-flatcontainer/${ID}/${VERSION}/${ID}.${VERSION}.nupkg` }, true);
    }
    if (url === `/v3/catalog0/data/${ID}.${VERSION}.json`) {
      return json(res, { id: CUDA_PROVIDER_PACKAGE, version: VERSION, packageHash: behaviour.sha512 ?? SHA512, packageHashAlgorithm: 'SHA512', packageSize: NUPKG.length });
    }
    if (url === `/v3-flatcontainer/${ID}/${VERSION}/${ID}.${VERSION}.nupkg` && !behaviour.missingPackage) {
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const start = range ? Number(range[1]) : 0;
      res.writeHead(range ? 206 : 200, {
        'content-type': 'application/octet-stream',
        'content-length': NUPKG.length - start,
        ...(range ? { 'content-range': `bytes ${start}-${NUPKG.length - 1}/${NUPKG.length}` } : {}),
      });
      if (behaviour.cutAfter !== undefined && !range) {
        const cut = behaviour.cutAfter;
        behaviour.cutAfter = undefined;
        res.write(NUPKG.subarray(0, cut), () => setTimeout(() => res.socket?.destroy(), 20));
        return;
      }
      if (behaviour.stallAfter !== undefined) {
        res.write(NUPKG.subarray(start, start + behaviour.stallAfter));
        return; // never ends: only a cancel gets out of this
      }
      res.end(NUPKG.subarray(start));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    index: `${origin}/v3/index.json`,
    requests,
    behaviour,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

interface Sandbox {
  root: string;
  binaryDir: string;
  downloadDir: string;
  options: CudaProviderOptions;
}

function sandbox(feed: Feed, version = VERSION): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'trex-cuda-'));
  const binaryDir = join(root, 'onnxruntime-node', 'bin', 'napi-v6', 'linux', 'x64');
  mkdirSync(binaryDir, { recursive: true });
  writeFileSync(join(binaryDir, 'libonnxruntime.so.1'), 'the bundled CPU runtime');
  const downloadDir = join(root, 'downloads');
  return { root, binaryDir, downloadDir, options: { indexUrl: feed.index, runtime: { version, binaryDir }, downloadDir, platform: 'linux', arch: 'x64', timeoutMs: 5000 } };
}

async function rejectsWith(promise: Promise<unknown>, kind: CudaProviderErrorKind, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(isCudaProviderError(e), `not a CudaProviderError: ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

/** Only the bundled runtime: no provider library, no marker, no temporary file. */
function assertNothingInstalled(box: Sandbox): void {
  assert.deepEqual(readdirSync(box.binaryDir), ['libonnxruntime.so.1']);
  assert.equal(installedCudaProvider(box.binaryDir), undefined);
}

function downloads(box: Sandbox): string[] {
  return existsSync(box.downloadDir) ? readdirSync(box.downloadDir) : [];
}

async function withFeed(behaviour: FeedBehaviour, body: (feed: Feed, box: Sandbox) => Promise<void>, version?: string): Promise<void> {
  const feed = await startFeed(behaviour);
  const box = sandbox(feed, version);
  try {
    await body(feed, box);
  } finally {
    await feed.close();
    rmSync(box.root, { recursive: true, force: true });
  }
}

test('the feed is nuget.org unless TREX_NUGET_INDEX says otherwise; the runtime is the installed onnxruntime-node', () => {
  assert.equal(nugetIndexUrl({}), NUGET_ORG_INDEX);
  assert.equal(nugetIndexUrl({ TREX_NUGET_INDEX: 'http://127.0.0.1:1/v3/index.json' }), 'http://127.0.0.1:1/v3/index.json');
  const runtime = onnxRuntimeInstall('linux', 'x64');
  const ortPackage = JSON.parse(readFileSync(join(runtime.binaryDir, '..', '..', '..', '..', 'package.json'), 'utf8')) as { name: string; version: string };
  assert.equal(ortPackage.name, 'onnxruntime-node');
  assert.equal(runtime.version, ortPackage.version);
  assert.ok(existsSync(join(runtime.binaryDir, 'onnxruntime_binding.node')), `${runtime.binaryDir} holds the binding the providers load next to`);
});

test('install: the exact version is resolved, downloaded, verified against the catalog SHA-512, and the libraries land next to the runtime', async () => {
  await withFeed({}, async (feed, box) => {
    const plan = await planCudaProvider(box.options);
    assert.equal(plan.package.version, VERSION);
    assert.equal(plan.package.sha512, SHA512);
    assert.equal(plan.package.size, NUPKG.length);
    assert.equal(plan.upToDate, false);
    const progress: InstallProgress[] = [];
    const installed = await installCudaProvider(plan, { ...box.options, onProgress: (p) => progress.push(p) });
    assert.deepEqual(installed.files, ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so']);
    for (const name of installed.files) assert.ok(readFileSync(join(box.binaryDir, name)).equals(LIBRARIES[name]), `${name} content`);
    assert.equal(existsSync(join(box.binaryDir, 'libonnxruntime_providers_tensorrt.so')), false, 'TensorRT only on request');
    assert.equal(readFileSync(join(box.binaryDir, 'libonnxruntime.so.1'), 'utf8'), 'the bundled CPU runtime');
    assert.deepEqual(readdirSync(box.binaryDir).sort(), [CUDA_PROVIDER_MARKER, 'libonnxruntime.so.1', ...installed.files].sort());
    assert.deepEqual(downloads(box), [], 'the verified package is deleted once installed');
    assert.deepEqual(installedCudaProvider(box.binaryDir), { version: VERSION, sha512: SHA512, binaryDir: box.binaryDir, files: installed.files });

    const downloading = progress.filter((p) => p.stage === 'downloading');
    assert.ok(downloading.length > 2 && downloading.every((p) => p.total === NUPKG.length));
    assert.equal(downloading.at(-1)?.done, NUPKG.length);
    assert.ok(downloading.every((p, i) => i === 0 || p.done >= downloading[i - 1].done), 'monotonic');
    const extracting = progress.filter((p) => p.stage === 'extracting');
    assert.equal(extracting.at(-1)?.done, LIBRARIES['libonnxruntime_providers_shared.so'].length + LIBRARIES['libonnxruntime_providers_cuda.so'].length);

    const again = await planCudaProvider(box.options);
    assert.equal(again.upToDate, true, 'the same version and hash are already installed');
    const downloadsBefore = feed.requests.filter((r) => r.url.endsWith('.nupkg')).length;
    assert.equal(downloadsBefore, 1);
  });
});

test('install into the extension storage: a copy of onnxruntime-node (this platform only) gets the providers, and only a complete copy is offered to the model host', async () => {
  await withFeed({}, async (_feed, box) => {
    // A package tree like the extension's: node_modules/onnxruntime-node beside onnxruntime-common.
    const modules = join(box.root, 'extension', 'node_modules');
    const source = join(modules, 'onnxruntime-node');
    const sourceBin = join(source, 'bin', 'napi-v6', 'linux', 'x64');
    mkdirSync(sourceBin, { recursive: true });
    mkdirSync(join(source, 'bin', 'napi-v6', 'win32', 'x64'), { recursive: true });
    writeFileSync(join(source, 'bin', 'napi-v6', 'win32', 'x64', 'onnxruntime.dll'), 'another platform');
    mkdirSync(join(source, 'dist'));
    writeFileSync(join(source, 'dist', 'index.js'), 'module.exports = {};');
    writeFileSync(join(source, 'package.json'), JSON.stringify({ name: 'onnxruntime-node', version: VERSION }));
    writeFileSync(join(sourceBin, 'libonnxruntime.so.1'), 'the bundled CPU runtime');
    writeFileSync(join(sourceBin, 'onnxruntime_binding.node'), 'the binding');
    mkdirSync(join(modules, 'onnxruntime-common', 'dist'), { recursive: true });
    writeFileSync(join(modules, 'onnxruntime-common', 'package.json'), JSON.stringify({ name: 'onnxruntime-common', version: VERSION }));
    writeFileSync(join(modules, 'onnxruntime-common', 'dist', 'index.js'), 'module.exports = {};');
    const storage = join(box.root, 'storage');
    const options = { ...box.options, runtime: { version: VERSION, binaryDir: sourceBin }, runtimeRoot: storage };

    assert.equal(gpuRuntimeIn(storage, options.runtime), undefined, 'nothing installed yet');
    const plan = await planCudaProvider(options);
    const copy = storageRuntime(storage, options.runtime);
    assert.equal(plan.runtime.binaryDir, copy.binaryDir);
    const installed = await installCudaProvider(plan, options);
    assert.equal(installed.binaryDir, copy.binaryDir);
    assert.deepEqual(readdirSync(copy.binaryDir).sort(), [CUDA_PROVIDER_MARKER, 'libonnxruntime.so.1', 'onnxruntime_binding.node', ...installed.files].sort());
    for (const name of installed.files) assert.ok(readFileSync(join(copy.binaryDir, name)).equals(LIBRARIES[name]), `${name} content`);
    assert.equal(existsSync(join(copy.packageDir, 'bin', 'napi-v6', 'win32')), false, 'other platforms are not copied');
    assert.ok(existsSync(join(copy.packageDir, 'dist', 'index.js')) && existsSync(join(copy.packageDir, 'package.json')));
    assert.ok(existsSync(join(copy.packageDir, '..', 'onnxruntime-common', 'package.json')), 'onnxruntime-common beside it');
    assert.deepEqual(readdirSync(sourceBin).sort(), ['libonnxruntime.so.1', 'onnxruntime_binding.node'], 'the extension folder is left as it was');
    assert.equal(gpuRuntimeIn(storage, options.runtime), copy.packageDir);
    assert.equal((await planCudaProvider(options)).upToDate, true);
    rmSync(join(copy.binaryDir, 'libonnxruntime_providers_cuda.so'));
    assert.equal(gpuRuntimeIn(storage, options.runtime), undefined, 'an incomplete copy is not offered');
  });
});

test('install with TensorRT: the optional library is extracted too', async () => {
  await withFeed({}, async (_feed, box) => {
    const installed = await installCudaProvider(await planCudaProvider(box.options), { ...box.options, tensorrt: true });
    assert.ok(installed.files.includes('libonnxruntime_providers_tensorrt.so'));
    assert.ok(readFileSync(join(box.binaryDir, 'libonnxruntime_providers_tensorrt.so')).equals(LIBRARIES['libonnxruntime_providers_tensorrt.so']));
  });
});

test('two installs at once (two windows): one downloads and installs, the other waits for it and finds it installed', async () => {
  await withFeed({}, async (feed, box) => {
    const plan = await planCudaProvider(box.options);
    const [a, b] = await Promise.all([installCudaProvider(plan, box.options), installCudaProvider(plan, box.options)]);
    assert.deepEqual(a, b);
    assert.equal(feed.requests.filter((r) => r.url.endsWith('.nupkg')).length, 1);
    assert.ok(readFileSync(join(box.binaryDir, 'libonnxruntime_providers_cuda.so')).equals(LIBRARIES['libonnxruntime_providers_cuda.so']));
    assert.deepEqual(downloads(box), [], 'no lock or package left');
  });
});

test('SHA-512 mismatch: nothing installed, no partial or downloaded file left', async () => {
  const wrong = createHash('sha512').update('something else').digest('base64');
  await withFeed({ sha512: wrong }, async (_feed, box) => {
    const plan = await planCudaProvider(box.options);
    await rejectsWith(installCudaProvider(plan, box.options), 'integrity', /SHA-512 .* instead of .*nothing was installed/);
    assertNothingInstalled(box);
    assert.deepEqual(downloads(box), []);
  });
});

test('404: a version the feed lacks, and a package file the feed does not serve', async () => {
  await withFeed({ versions: ['1.29.0'] }, async (feed, box) => {
    await rejectsWith(planCudaProvider(box.options), 'not-found', /Microsoft\.ML\.OnnxRuntime\.Gpu\.Linux 1\.30\.0 is not on 127\.0\.0\.1.*1\.29\.0/);
    assert.equal(feed.requests.some((r) => r.url.endsWith('.nupkg')), false);
    assertNothingInstalled(box);
  });
  await withFeed({}, async (_feed, box) => {
    await rejectsWith(planCudaProvider(box.options), 'not-found', /registration of .* 9\.9\.9|not on/);
  }, '9.9.9');
  await withFeed({ missingPackage: true }, async (_feed, box) => {
    const plan = await planCudaProvider(box.options);
    await assert.rejects(installCudaProvider(plan, box.options), (e: unknown) => isCudaProviderError(e, 'not-found') && e.status === 404);
    assertNothingInstalled(box);
    assert.deepEqual(downloads(box), []);
  });
});

test('interrupted download: the partial file stays, the next run resumes it with Range and installs', async () => {
  const cut = Math.floor(NUPKG.length / 3);
  await withFeed({ cutAfter: cut }, async (feed, box) => {
    const plan = await planCudaProvider(box.options);
    await rejectsWith(installCudaProvider(plan, box.options), 'network', /after \d+ of \d+ bytes.*resume/);
    assertNothingInstalled(box);
    const partial = join(box.downloadDir, `${ID}.${VERSION}.nupkg.part`);
    // What reached the client before the cut (all of it, unless the socket died before the last chunk arrived).
    const kept = statSync(partial).size;
    assert.ok(kept > 0 && kept <= cut, `partial file of ${kept} bytes (${cut} sent)`);

    const progress: InstallProgress[] = [];
    await installCudaProvider(plan, { ...box.options, onProgress: (p) => progress.push(p) });
    const fetches = feed.requests.filter((r) => r.url.endsWith('.nupkg'));
    assert.deepEqual(fetches.map((r) => r.range), [undefined, `bytes=${kept}-`], 'the second request asks for the rest only');
    assert.equal(progress[0]?.done, kept, 'progress starts from the bytes already there');
    assert.ok(readFileSync(join(box.binaryDir, 'libonnxruntime_providers_cuda.so')).equals(LIBRARIES['libonnxruntime_providers_cuda.so']));
    assert.deepEqual(downloads(box), []);
  });
});

test('cancelled download: nothing installed, the partial file is kept for the next run', async () => {
  await withFeed({ stallAfter: 64 * 1024 }, async (_feed, box) => {
    const plan = await planCudaProvider(box.options);
    const abort = new AbortController();
    const partial = join(box.downloadDir, `${ID}.${VERSION}.nupkg.part`);
    // Cancel once the stalled download has written some bytes.
    const poll = setInterval(() => existsSync(partial) && statSync(partial).size > 0 && abort.abort(), 10);
    try {
      await rejectsWith(installCudaProvider(plan, { ...box.options, signal: abort.signal }), 'cancelled');
    } finally {
      clearInterval(poll);
    }
    assertNothingInstalled(box);
    assert.deepEqual(downloads(box), [`${ID}.${VERSION}.nupkg.part`]);
  });
});

test('not linux-x64, offline, or an unwritable folder: a clear error and nothing changed', async () => {
  await withFeed({}, async (feed, box) => {
    await rejectsWith(planCudaProvider({ ...box.options, platform: 'darwin', arch: 'arm64' }), 'unsupported-platform', /Linux x64 only \(this is darwin-arm64\)/);
    await rejectsWith(planCudaProvider({ ...box.options, platform: 'linux', arch: 'arm64' }), 'unsupported-platform');
    assert.equal(feed.requests.length, 0, 'no network use on a platform without the provider');

    const closed = await startFeed();
    const offlineIndex = closed.index;
    await closed.close();
    await rejectsWith(planCudaProvider({ ...box.options, indexUrl: offlineIndex }), 'network', /Cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);

    const blocker = join(box.root, 'a-file');
    writeFileSync(blocker, '');
    const plan = await planCudaProvider({ ...box.options, runtime: { version: VERSION, binaryDir: join(blocker, 'x64') } });
    await rejectsWith(installCudaProvider(plan, box.options), 'disk', /Cannot write/);
    assertNothingInstalled(box);
  });
});

test('the command logic: no NVIDIA driver says so and changes nothing (no network either); declined changes nothing; accepted installs and restarts the model host once', async () => {
  await withFeed({}, async (feed, box) => {
    let asked = 0;
    let restarts = 0;
    const steps = (driver: string | undefined, accept: boolean) => ({
      detectDriver: async () => driver,
      confirm: async () => (asked++, accept),
      restartModelHost: () => void restarts++,
    });
    assert.deepEqual(await enableCudaProvider(steps(undefined, true), box.options), { outcome: 'no-driver' });
    assert.equal(feed.requests.length, 0);
    assert.equal(asked + restarts, 0);
    assertNothingInstalled(box);

    const declined = await enableCudaProvider(steps('550.54.15', false), box.options);
    assert.equal(declined.outcome, 'declined');
    assert.equal(asked, 1);
    assertNothingInstalled(box);
    assert.equal(feed.requests.some((r) => r.url.endsWith('.nupkg')), false);

    const done = await enableCudaProvider(steps('550.54.15', true), box.options);
    assert.equal(done.outcome, 'installed');
    assert.equal(restarts, 1);
    assert.ok(installedCudaProvider(box.binaryDir));

    const again = await enableCudaProvider(steps('550.54.15', true), box.options);
    assert.equal(again.outcome, 'up-to-date');
    assert.equal(asked, 2, 'not asked again when up to date');
    assert.equal(restarts, 1);
  });
});
