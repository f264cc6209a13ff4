/** The Hugging Face cache without a network: env resolution, file choice, and models made by Python used offline with zero requests. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeHub, tinyModelRepo, sha256, gitBlobSha1, type FakeHub, type FakeRepo } from '../../../../support/fakeHub';
import { hubCacheDir, hubSettings } from '../../../../../src/engine/models/hub/settings';
import { RepoCache, repoFolderName } from '../../../../../src/engine/models/hub/cacheLayout';
import { selectModelFiles } from '../../../../../src/engine/models/hub/modelFiles';
import { resolveModel, findCachedModel, looksLikeHubModelId } from '../../../../../src/engine/models/hub/resolve';
import { formatBytes } from '../../../../../src/engine/models/hub/plan';
import { HubError } from '../../../../../src/engine/models/hub/errors';

const hubs: FakeHub[] = [];
after(() => Promise.all(hubs.map((h) => h.stop())));

test('cache folder: HF_HUB_CACHE, then HF_HOME/hub, then XDG_CACHE_HOME/huggingface/hub, then ~/.cache/huggingface/hub', () => {
  const home = '/home/ada';
  const rows: Array<[Record<string, string>, string]> = [
    [{ HF_HUB_CACHE: '/data/hub', HF_HOME: '/x', XDG_CACHE_HOME: '/y' }, '/data/hub'],
    [{ HF_HOME: '/srv/hf', XDG_CACHE_HOME: '/y' }, '/srv/hf/hub'],
    [{ HF_HOME: '~/hf' }, '/home/ada/hf/hub'],
    [{ XDG_CACHE_HOME: '/var/cache' }, '/var/cache/huggingface/hub'],
    [{ HF_HUB_CACHE: '  ' }, '/home/ada/.cache/huggingface/hub'],
    [{}, '/home/ada/.cache/huggingface/hub'],
  ];
  for (const [env, expected] of rows) assert.equal(hubCacheDir(env, home), expected, JSON.stringify(env));
});

test('settings: endpoint without trailing slash, token, offline flag', () => {
  const s = hubSettings({ HF_ENDPOINT: 'https://hf-mirror.example/', HF_TOKEN: 'hf_x', HF_HUB_OFFLINE: '1' }, {}, '/home/ada');
  assert.equal(s.endpoint, 'https://hf-mirror.example');
  assert.equal(s.token, 'hf_x');
  assert.equal(s.offline, true);
  const d = hubSettings({}, {}, '/home/ada');
  assert.deepEqual([d.endpoint, d.token, d.offline], ['https://huggingface.co', undefined, false]);
  assert.equal(hubSettings({ HF_HUB_OFFLINE: '0' }).offline, false);
});

test('repo folder names and model ids', () => {
  assert.equal(repoFolderName('gpt2'), 'models--gpt2');
  assert.equal(repoFolderName('FacebookAI/roberta-base'), 'models--FacebookAI--roberta-base');
  assert.ok(looksLikeHubModelId('almanach/camembert-base'));
  assert.ok(!looksLikeHubModelId('./models/gpt2'));
  assert.ok(!looksLikeHubModelId('/tmp/x'));
  assert.ok(!looksLikeHubModelId('a/b/c'));
});

test('file choice: config, tokenizer files and safetensors; .bin, ONNX, Flax and sub-folders skipped', () => {
  assert.deepEqual(selectModelFiles('gpt2', ['.gitattributes', 'config.json', 'merges.txt', 'vocab.json', 'tokenizer.json', 'model.safetensors', 'pytorch_model.bin', 'tf_model.h5', 'onnx/decoder_model.onnx', 'generation_config.json']), [
    'config.json', 'generation_config.json', 'tokenizer.json', 'vocab.json', 'merges.txt', 'model.safetensors',
  ]);
  assert.throws(() => selectModelFiles('old/model', ['config.json', 'pytorch_model.bin']), (e: unknown) => e instanceof HubError && e.kind === 'no-weights' && /only pytorch_model\.bin/.test(e.message));
  assert.equal(formatBytes(548_105_171), '548.1 MB');
  assert.equal(formatBytes(999), '999 B');
});

/** Lay out a cache the way Python's huggingface_hub does: blobs, relative symlinks (or copies), refs/main. */
function pythonMadeCache(cacheDir: string, repo: FakeRepo, paths: string[], copies = false): string {
  const root = join(cacheDir, repoFolderName(repo.id));
  const snapshot = join(root, 'snapshots', repo.commit);
  mkdirSync(join(root, 'blobs'), { recursive: true });
  mkdirSync(snapshot, { recursive: true });
  mkdirSync(join(root, 'refs'), { recursive: true });
  for (const path of paths) {
    const file = repo.files.find((f) => f.path === path)!;
    const etag = file.lfs ? sha256(file.content) : gitBlobSha1(file.content);
    writeFileSync(join(root, 'blobs', etag), file.content);
    if (copies) writeFileSync(join(snapshot, path), file.content);
    else symlinkSync(`../../blobs/${etag}`, join(snapshot, path));
  }
  writeFileSync(join(root, 'refs', 'main'), repo.commit);
  return snapshot;
}

test('HF_HUB_OFFLINE=1: a Python-made cache (symlinks or copies) resolves with zero requests', async () => {
  const repo = tinyModelRepo();
  const hub = await startFakeHub([repo]);
  hubs.push(hub);
  for (const copies of [false, true]) {
    const cacheDir = mkdtempSync(join(tmpdir(), 'trex-hubc-'));
    const snapshot = pythonMadeCache(cacheDir, repo, ['config.json', 'tokenizer.json', 'model.safetensors'], copies);
    for (const offline of ['1', '']) {
      const settings = hubSettings({ HF_HUB_CACHE: cacheDir, HF_ENDPOINT: hub.url, HF_HUB_OFFLINE: offline });
      const resolved = await resolveModel(repo.id, settings);
      assert.deepEqual(resolved, { repoId: repo.id, commit: repo.commit, snapshotDir: snapshot, downloaded: false });
    }
  }
  assert.equal(hub.requests.length, 0);
});

test('HF_HUB_OFFLINE=1 with the model absent or incomplete: a clear error naming the model and what is missing, no request', async () => {
  const repo = tinyModelRepo();
  const hub = await startFakeHub([repo]);
  hubs.push(hub);
  const cacheDir = mkdtempSync(join(tmpdir(), 'trex-hubo-'));
  const settings = hubSettings({ HF_HUB_CACHE: cacheDir, HF_ENDPOINT: hub.url, HF_HUB_OFFLINE: 'true' });
  await assert.rejects(resolveModel(repo.id, settings), (e: unknown) => e instanceof HubError && e.kind === 'offline-not-cached' && /Model 'trex-test\/tiny-gpt2' is not available offline: no 'main' revision of it is in .*HF_HUB_OFFLINE/.test(e.message));
  pythonMadeCache(cacheDir, repo, ['config.json', 'tokenizer.json', 'pytorch_model.bin']);
  assert.equal(findCachedModel(repo.id, settings), undefined);
  await assert.rejects(resolveModel(repo.id, settings), (e: unknown) => e instanceof HubError && /snapshot [0-9a-f]{8} lacks model\.safetensors/.test(e.message));
  assert.equal(hub.requests.length, 0);
});

test('online with an incomplete Python cache: only the missing weights are downloaded, into the same snapshot', async () => {
  const repo = tinyModelRepo();
  const hub = await startFakeHub([repo]);
  hubs.push(hub);
  const cacheDir = mkdtempSync(join(tmpdir(), 'trex-hubp-'));
  const snapshot = pythonMadeCache(cacheDir, repo, ['config.json', 'tokenizer.json', 'pytorch_model.bin']);
  const settings = hubSettings({ HF_HUB_CACHE: cacheDir, HF_ENDPOINT: hub.url });
  const resolved = await resolveModel(repo.id, settings, { confirm: (plan) => plan.bytesToDownload === repo.files.find((f) => f.path === 'model.safetensors')!.content.length });
  assert.equal(resolved.snapshotDir, snapshot);
  assert.deepEqual(hub.requests.filter((r) => r.path.includes('/resolve/')).map((r) => r.path), [`/${repo.id}/resolve/${repo.commit}/model.safetensors`]);
});

test('snapshot entries fall back to copies where symlinks are refused', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'trex-hubl-'));
  const cache = new RepoCache(cacheDir, 'org/name');
  mkdirSync(join(cache.root, 'blobs'), { recursive: true });
  const blob = 'c'.repeat(64);
  writeFileSync(cache.blobPath(blob), 'weights');
  const commit = 'a'.repeat(40);
  cache.linkIntoSnapshot(commit, 'sub/model.safetensors', blob, () => {
    throw Object.assign(new Error('EPERM: operation not permitted, symlink'), { code: 'EPERM' });
  });
  const copied = cache.snapshotFile(commit, 'sub/model.safetensors');
  assert.ok(!lstatSync(copied).isSymbolicLink());
  assert.equal(readFileSync(copied, 'utf8'), 'weights');
  cache.linkIntoSnapshot(commit, 'sub/model.safetensors', blob);
  assert.equal(readlinkSync(copied), `../../../blobs/${blob}`);
  assert.throws(() => cache.blobPath('..'), /Refusing the blob name "\.\.": not a 40- or 64-digit hex blob id/);
  assert.throws(() => cache.snapshotFile(commit, '../../escape'), /outside the snapshot/);
});
