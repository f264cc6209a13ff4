/** Hub download faults: resume, 200 instead of 206, sha mismatch, 401/404, cancel, timeout, network down — clear errors, consistent cache. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeHub, tinyModelRepo, sha256, type FakeHub } from '../../../../support/fakeHub';
import { hubSettings, type HubSettings } from '../../../../../src/engine/models/hub/settings';
import { resolveModel, findCachedModel } from '../../../../../src/engine/models/hub/resolve';
import { planModelDownload } from '../../../../../src/engine/models/hub/plan';
import { HubError, type HubErrorKind } from '../../../../../src/engine/models/hub/errors';

const repo = tinyModelRepo();
const weights = repo.files.find((f) => f.path === 'model.safetensors')!.content;
const weightsSha = sha256(weights);
const hubs: FakeHub[] = [];
after(() => Promise.all(hubs.map((h) => h.stop())));

async function setup(timeoutMs = 5000): Promise<{ hub: FakeHub; settings: HubSettings; root: string }> {
  const hub = await startFakeHub([repo]);
  hubs.push(hub);
  const settings = hubSettings({}, { cacheDir: mkdtempSync(join(tmpdir(), 'trex-hubf-')), endpoint: hub.url, timeoutMs });
  return { hub, settings, root: join(settings.cacheDir, 'models--trex-test--tiny-gpt2') };
}

function isHubError(kind: HubErrorKind, pattern: RegExp) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof HubError, `not a HubError: ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes('\n'));
    return true;
  };
}

/** No snapshot entry for the weights, no ref, no verified blob: the cache does not look complete. */
function assertNotCompleted(settings: HubSettings, root: string): void {
  assert.equal(findCachedModel(repo.id, settings), undefined);
  assert.ok(!existsSync(join(root, 'refs', 'main')), 'ref written for an incomplete download');
  assert.ok(!existsSync(join(root, 'blobs', weightsSha)), 'unverified blob moved into place');
  assert.ok(!existsSync(join(root, 'snapshots', repo.commit, 'model.safetensors')), 'snapshot links an unfinished file');
}

test('a download cut mid-file keeps the .incomplete part; the next run requests only the remaining bytes', async () => {
  const { hub, settings, root } = await setup();
  hub.switches.dropAfterBytes = 70_000;
  await assert.rejects(resolveModel(repo.id, settings), isHubError('network', /lost after \d+ of \d+ bytes.*run again to resume/));
  assertNotCompleted(settings, root);
  const partial = join(root, 'blobs', `${weightsSha}.incomplete`);
  const have = statSync(partial).size;
  assert.ok(have > 0 && have < weights.length, `partial size ${have}`);
  const plan = await planModelDownload(repo.id, settings);
  assert.equal(plan.files.find((f) => f.path === 'model.safetensors')!.state, 'partial');
  assert.equal(plan.bytesToDownload, weights.length - have);

  const sentBefore = hub.cdnBytesSent;
  const resolved = await resolveModel(repo.id, settings);
  const cdnGets = hub.requests.filter((r) => r.path === `/cdn/${weightsSha}`);
  assert.equal(cdnGets[cdnGets.length - 1].range, `bytes=${have}-`);
  assert.equal(hub.cdnBytesSent - sentBefore, weights.length - have, 'more than the remaining bytes were sent');
  assert.deepEqual(readFileSync(join(resolved.snapshotDir, 'model.safetensors')), weights);
  assert.ok(!existsSync(partial));
});

test('a server answering 200 instead of 206 to a resume restarts the file cleanly', async () => {
  const { hub, settings } = await setup();
  hub.switches.dropAfterBytes = 50_000;
  await assert.rejects(resolveModel(repo.id, settings), isHubError('network', /resume/));
  hub.switches.ignoreRange = true;
  const resolved = await resolveModel(repo.id, settings);
  assert.ok(hub.requests.some((r) => r.range !== undefined), 'no Range request was made');
  assert.deepEqual(readFileSync(join(resolved.snapshotDir, 'model.safetensors')), weights);
});

test('a sha256 mismatch deletes the partial file, names the file, and leaves the cache consistent', async () => {
  const { hub, settings, root } = await setup();
  hub.switches.wrongSha = true;
  await assert.rejects(resolveModel(repo.id, settings), isHubError('integrity', /'model\.safetensors' of model 'trex-test\/tiny-gpt2' failed verification \(sha256/));
  assertNotCompleted(settings, root);
  assert.deepEqual(readdirSync(join(root, 'blobs')).filter((n) => n.startsWith(weightsSha)), []);
  hub.switches.wrongSha = false;
  assert.ok((await resolveModel(repo.id, settings)).downloaded);
});

test('401 mentions HF_TOKEN; 404 names the model or the revision', async () => {
  const { hub, settings } = await setup();
  hub.switches.requireToken = 'needed';
  await assert.rejects(resolveModel(repo.id, settings), isHubError('unauthorized', /HTTP 401.*HF_TOKEN/));
  hub.switches.requireToken = undefined;
  await assert.rejects(resolveModel('trex-test/nope', settings), isHubError('not-found', /Model 'trex-test\/nope' \(revision 'main'\) was not found.*HTTP 404/));
  await assert.rejects(resolveModel(repo.id, settings, { revision: 'v9' }), isHubError('not-found', /revision 'v9'/));
  await assert.rejects(resolveModel('../etc', settings), isHubError('not-found', /not a valid Hugging Face model id/));
});

test('cancel through an AbortSignal mid-file: cancelled error, no corrupt snapshot, later resumable', async () => {
  const { settings, root } = await setup();
  const controller = new AbortController();
  const run = resolveModel(repo.id, settings, {
    signal: controller.signal,
    onProgress: (p) => {
      if (p.file === 'model.safetensors' && p.received > 20_000) controller.abort();
    },
  });
  await assert.rejects(run, isHubError('cancelled', /cancelled/));
  assertNotCompleted(settings, root);
  const resolved = await resolveModel(repo.id, settings);
  assert.deepEqual(readFileSync(join(resolved.snapshotDir, 'model.safetensors')), weights);
});

test('declining the confirmation downloads nothing', async () => {
  const { hub, settings, root } = await setup();
  await assert.rejects(resolveModel(repo.id, settings, { confirm: (plan) => (assert.ok(plan.bytesToDownload > weights.length), false) }), isHubError('cancelled', /declined/));
  assert.ok(!hub.requests.some((r) => r.path.includes('/resolve/') || r.path.startsWith('/cdn/')));
  assert.ok(!existsSync(join(root, 'snapshots')));
});

test('a silent server times out with a clear error', async () => {
  const { hub, settings, root } = await setup(300);
  hub.switches.stallCdn = true;
  await assert.rejects(resolveModel(repo.id, settings), isHubError('timeout', /No data from 127\.0\.0\.1:\d+ for 0\.3 s while fetching 'model\.safetensors'/));
  assertNotCompleted(settings, root);
});

test('an unreachable endpoint gives a network error suggesting HF_HUB_OFFLINE', async () => {
  const { hub, settings } = await setup();
  await hub.stop();
  await assert.rejects(resolveModel(repo.id, settings), isHubError('network', /Cannot reach 127\.0\.0\.1.*ECONNREFUSED.*HF_HUB_OFFLINE=1/));
});

test('an ETag that is not a 40- or 64-hex blob id is refused before it names a file: ".", "..", "x.lock", paths, suffixes', async () => {
  const { hub, settings, root } = await setup();
  const hex40 = 'a'.repeat(40);
  const invalid = ['.', '..', 'x.lock', `${hex40}.lock`, `${hex40}.incomplete`, `${'b'.repeat(64)}.tmp`, '../../config', 'a/b', 'A'.repeat(40), 'd41d8cd98f00b204e9800998ecf8427e', `${hex40}-2`, 'x'.repeat(5000)];
  for (const omitBlobInfo of [false, true]) {
    hub.switches.omitBlobInfo = omitBlobInfo; // the listing's blob ids, then the HEAD requests' ETags
    for (const etag of invalid) {
      hub.switches.etag = etag;
      const pattern = /^The Hub gave an invalid ETag ".*? for 'config\.json' of 'trex-test\/tiny-gpt2' \(expected a 40- or 64-digit hex blob id\)\.$/;
      await assert.rejects(planModelDownload(repo.id, settings), isHubError('protocol', pattern), etag);
      await assert.rejects(resolveModel(repo.id, settings, { confirm: () => true }), isHubError('protocol', pattern), etag);
    }
  }
  assert.ok(!existsSync(root), 'nothing written to the cache');
  hub.switches.etag = undefined;
  hub.switches.omitBlobInfo = false;
  const resolved = await resolveModel(repo.id, settings, { confirm: () => true });
  assert.ok(statSync(join(resolved.snapshotDir, 'config.json')).isFile(), 'valid ETags still download');
});
