/** Hub downloads against the fake Hub: layout identical to huggingface_hub, plan first, zero requests once cached. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeHub, tinyModelRepo, tinyShardedRepo, sha256, gitBlobSha1, type FakeHub } from '../../../../support/fakeHub';
import { hubSettings, type HubSettings } from '../../../../../src/engine/models/hub/settings';
import { planModelDownload } from '../../../../../src/engine/models/hub/plan';
import { resolveModel, findCachedModel } from '../../../../../src/engine/models/hub/resolve';
import type { DownloadProgress } from '../../../../../src/engine/models/hub/download';

const repo = tinyModelRepo();
const sharded = tinyShardedRepo();
const hubs: FakeHub[] = [];
after(() => Promise.all(hubs.map((h) => h.stop())));

async function setup(token?: string): Promise<{ hub: FakeHub; settings: HubSettings }> {
  const hub = await startFakeHub([repo, sharded]);
  hubs.push(hub);
  const env = { HF_HUB_CACHE: mkdtempSync(join(tmpdir(), 'trex-hub-')), HF_ENDPOINT: hub.url, ...(token ? { HF_TOKEN: token } : {}) };
  return { hub, settings: hubSettings(env, { timeoutMs: 5000 }) };
}
const fileOf = (path: string) => repo.files.find((f) => f.path === path)!;

test('plan lists only the files a model needs, with sizes and blob names, before any download', async () => {
  const { hub, settings } = await setup();
  const plan = await planModelDownload(repo.id, settings);
  assert.deepEqual(plan.files.map((f) => f.path), ['config.json', 'tokenizer.json', 'model.safetensors']);
  assert.equal(plan.commit, repo.commit);
  const weights = plan.files[2];
  assert.equal(weights.etag, sha256(fileOf('model.safetensors').content));
  assert.equal(plan.files[0].etag, gitBlobSha1(fileOf('config.json').content));
  const total = ['config.json', 'tokenizer.json', 'model.safetensors'].reduce((s, p) => s + fileOf(p).content.length, 0);
  assert.equal(plan.totalBytes, total);
  assert.equal(plan.bytesToDownload, total);
  assert.ok(plan.files.every((f) => f.state === 'missing'));
  assert.deepEqual(hub.requests.map((r) => r.path), [`/api/models/${repo.id}/revision/main`]);
});

test('full download: blobs, relative snapshot symlinks, refs/main; progress reaches the total; second resolve makes zero requests', async () => {
  const { hub, settings } = await setup();
  const progress: DownloadProgress[] = [];
  let asked = 0;
  const first = await resolveModel(repo.id, settings, { onProgress: (p) => progress.push(p), confirm: (plan) => (asked++, plan.bytesToDownload > 0) });
  assert.equal(asked, 1);
  assert.equal(first.downloaded, true);
  const root = join(settings.cacheDir, 'models--trex-test--tiny-gpt2');
  assert.equal(first.snapshotDir, join(root, 'snapshots', repo.commit));
  assert.equal(readFileSync(join(root, 'refs', 'main'), 'utf8'), repo.commit);
  const blobNames = readdirSync(join(root, 'blobs')).sort();
  const expectedBlobs = ['config.json', 'tokenizer.json', 'model.safetensors'].map((p) => (fileOf(p).lfs ? sha256 : gitBlobSha1)(fileOf(p).content)).sort();
  assert.deepEqual(blobNames, expectedBlobs);
  assert.deepEqual(readdirSync(first.snapshotDir).sort(), ['config.json', 'model.safetensors', 'tokenizer.json']);
  for (const name of ['config.json', 'tokenizer.json', 'model.safetensors']) {
    const link = join(first.snapshotDir, name);
    assert.ok(lstatSync(link).isSymbolicLink(), `${name} is not a symlink`);
    assert.match(readlinkSync(link), /^\.\.\/\.\.\/blobs\/[0-9a-f]{40,64}$/);
    assert.deepEqual(readFileSync(link), fileOf(name).content);
  }
  const last = progress[progress.length - 1];
  assert.equal(last.overallReceived, last.overallTotal);
  assert.ok(progress.some((p) => p.file === 'model.safetensors' && p.received > 0 && p.received < p.total), 'no intermediate progress');
  assert.ok(hub.requests.some((r) => r.path.startsWith('/cdn/')), 'LFS file did not go through the CDN redirect');
  assert.ok(!hub.requests.some((r) => /pytorch_model|flax|onnx/.test(r.path)), 'skipped files were fetched');

  const before = hub.requests.length;
  const second = await resolveModel(repo.id, settings, { confirm: () => assert.fail('asked again') });
  assert.equal(second.downloaded, false);
  assert.equal(second.snapshotDir, first.snapshotDir);
  assert.equal(hub.requests.length, before, 'the second resolve touched the network');

  const refreshed = await resolveModel(repo.id, settings, { refresh: true, confirm: () => assert.fail('nothing to download') });
  assert.deepEqual([refreshed.downloaded, refreshed.snapshotDir], [false, first.snapshotDir]);
  assert.deepEqual(hub.requests.slice(before).map((r) => r.path), [`/api/models/${repo.id}/revision/main`]);
});

test('sharded weights: index and every shard; a listing without hashes falls back to HEAD requests', async () => {
  const { hub, settings } = await setup();
  hub.switches.omitBlobInfo = true;
  const plan = await planModelDownload(sharded.id, settings);
  assert.deepEqual(plan.files.map((f) => f.path), ['config.json', 'vocab.txt', 'model.safetensors.index.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
  assert.equal(hub.requests.filter((r) => r.method === 'HEAD').length, 5);
  assert.equal(plan.files[3].etag, sha256(sharded.files[3].content));
  const resolved = await resolveModel(sharded.id, settings);
  assert.deepEqual(readFileSync(join(resolved.snapshotDir, 'model-00002-of-00002.safetensors')), sharded.files[4].content);
  assert.ok(findCachedModel(sharded.id, settings));
});

test('HF_ENDPOINT and HF_TOKEN are honoured: the server sees the Bearer token; the CDN redirect does not need it', async () => {
  const { hub, settings } = await setup('hf_secret');
  hub.switches.requireToken = 'hf_secret';
  assert.equal(settings.endpoint, hub.url);
  const resolved = await resolveModel(repo.id, settings);
  assert.ok(resolved.downloaded);
  const hubSide = hub.requests.filter((r) => !r.path.startsWith('/cdn/'));
  assert.ok(hubSide.length >= 3);
  assert.ok(hubSide.every((r) => r.authorization === 'Bearer hf_secret'));
});

test('a revision given as a commit hash resolves to that snapshot without writing a ref', async () => {
  const { settings } = await setup();
  const resolved = await resolveModel(repo.id, settings, { revision: repo.commit });
  assert.equal(resolved.commit, repo.commit);
  assert.throws(() => readFileSync(join(settings.cacheDir, 'models--trex-test--tiny-gpt2', 'refs', 'main')));
  assert.ok(findCachedModel(repo.id, settings, repo.commit));
});

test('two concurrent resolves of one model share each blob download', async () => {
  const { hub, settings } = await setup();
  const [a, b] = await Promise.all([resolveModel(repo.id, settings), resolveModel(repo.id, settings)]);
  assert.equal(a.snapshotDir, b.snapshotDir);
  assert.equal(hub.requests.filter((r) => r.path.startsWith('/cdn/')).length, 1);
  assert.deepEqual(readFileSync(join(a.snapshotDir, 'model.safetensors')), fileOf('model.safetensors').content);
});

test('a blob locked by another live process is waited for; a stale lock (dead pid) is taken over', async (t) => {
  const { hub, settings } = await setup();
  const plan = await planModelDownload(repo.id, settings);
  const blobs = join(settings.cacheDir, 'models--trex-test--tiny-gpt2', 'blobs');
  mkdirSync(blobs, { recursive: true });
  const weightsLock = join(blobs, `${plan.files[2].etag}.lock`);
  writeFileSync(join(blobs, `${plan.files[0].etag}.lock`), `4194311 ${hostname()}`); // pid above Linux's pid_max: dead
  writeFileSync(weightsLock, `${process.ppid} ${hostname()}`); // our parent: alive
  // The lock's holder is checked with `process.kill(pid, 0)`: the second check of our parent shows
  // the downloader found the lock held, waited, and looked again instead of downloading.
  let checks = 0;
  let waitedOnce!: () => void;
  const lookedAgain = new Promise<void>((resolve) => (waitedOnce = resolve));
  const kill = process.kill.bind(process);
  t.mock.method(process, 'kill', (pid: number, signal?: string | number) => {
    if (pid === process.ppid && signal === 0 && ++checks === 2) waitedOnce();
    return kill(pid, signal);
  });
  const pending = resolveModel(repo.id, settings);
  await Promise.race([lookedAgain, pending.then(() => assert.fail('the download finished while a live process held a lock'))]);
  assert.ok(hub.requests.some((r) => r.path.endsWith('/config.json')), 'the stale lock was not taken over');
  assert.ok(!hub.requests.some((r) => r.path.startsWith('/cdn/')), 'downloaded a blob locked by a live process');
  rmSync(weightsLock);
  const resolved = await pending;
  assert.deepEqual(readFileSync(join(resolved.snapshotDir, 'model.safetensors')), fileOf('model.safetensors').content);
  assert.deepEqual(readdirSync(blobs).filter((n) => !/^[0-9a-f]+$/.test(n)), [], 'lock or partial files left behind');
});
