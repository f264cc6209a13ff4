/** `trex logits --model ORG/NAME` downloading from a fake Hub on 127.0.0.1: confirmation rules, progress, then offline reuse. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeHub, type FakeRepo } from '../../support/fakeHub';
import { tempDir, tinyModelDir } from '../../support/tinyModels';
import { REPO_ROOT } from '../../support/repoRoot';

const BIN = join(REPO_ROOT, 'bin', 'trex.js');

/** Async, so the fake Hub in this process can answer while trex runs. */
function trex(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.stdin.end();
    const timer = setTimeout(() => child.kill(), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function repoFromFolder(id: string, dir: string): FakeRepo {
  return {
    id,
    commit: 'ab'.repeat(20),
    files: [
      { path: 'config.json', content: readFileSync(join(dir, 'config.json')), lfs: false },
      { path: 'tokenizer.json', content: readFileSync(join(dir, 'tokenizer.json')), lfs: false },
      { path: 'model.safetensors', content: readFileSync(join(dir, 'model.safetensors')), lfs: true },
    ],
  };
}

test('trex downloads a Hub model only with --yes when not on a terminal, shows progress, then runs offline from the cache', async () => {
  const id = 'trex-tests/tiny-gpt2-download';
  const hub = await startFakeHub([repoFromFolder(id, tinyModelDir('gpt2'))]);
  try {
    const hfCache = tempDir('trex-cli-dl-');
    const env: NodeJS.ProcessEnv = { ...process.env, HF_ENDPOINT: hub.url, HF_HUB_CACHE: hfCache, TREX_CACHE_DIR: tempDir('trex-cli-dl-graphs-') };
    delete env['HF_HUB_OFFLINE'];

    const refused = await trex(['logits', '--model', id, '--top-k', '1', '--json', 'Le chat'], env);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /not in the Hugging Face cache: add --yes to download it/);
    assert.equal(refused.stderr.trim().split('\n').length, 1);
    assert.equal(hub.cdnBytesSent, 0, 'no weight byte moved before the confirmation');

    const r = await trex(['logits', '--model', id, '--top-k', '1', '--yes', '--json', 'Le chat'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /downloading trex-tests\/tiny-gpt2-download \(.* to download, 3 files\)/);
    assert.match(r.stderr, /100% of /);
    const out = JSON.parse(r.stdout) as { model: string; ids: number[]; top: unknown[][] };
    assert.equal(out.model, id);
    assert.deepEqual(out.ids, [3123, 8537]);
    assert.ok(readdirSync(join(hfCache, 'models--trex-tests--tiny-gpt2-download', 'blobs')).length === 3);

    const before = hub.requests.length;
    const offline = await trex(['model-card', '--model', id, '--json'], { ...env, HF_HUB_OFFLINE: '1' });
    assert.equal(offline.code, 0, offline.stderr);
    assert.equal(hub.requests.length, before, 'the cached model needs no request');
  } finally {
    await hub.stop();
  }
});
