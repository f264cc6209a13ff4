/**
 * The one model-spec resolver (src/engine/tasks/modelSpec.ts) that the CLI, the model host and the
 * extension share: folders (relative to a base), `builtin:NAME`, Hub ids from the cache, and a
 * missing Hub model handed to the caller's download wrapper (which asks and shows progress).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskError } from '../../../../src/engine/tasks/errors';
import { isHubSpec, locateModel, resolveModelSpec } from '../../../../src/engine/tasks/modelSpec';
import { hubSettings } from '../../../../src/engine/models/hub/settings';

function scratch(): { root: string; done: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'trex-spec-'));
  return { root, done: () => rmSync(root, { recursive: true, force: true }) };
}

test('a folder resolves as is, relative paths from the base folder, a file is refused', () => {
  const { root, done } = scratch();
  try {
    mkdirSync(join(root, 'my-model'));
    writeFileSync(join(root, 'weights.bin'), '');
    assert.deepEqual(locateModel(join(root, 'my-model')), { dir: join(root, 'my-model'), label: 'my-model' });
    assert.deepEqual(locateModel('my-model', { baseDir: root }), { dir: join(root, 'my-model'), label: 'my-model' });
    assert.throws(() => locateModel(join(root, 'weights.bin')), (e: unknown) => e instanceof TaskError && /is not a folder/.test(e.message));
    assert.throws(() => locateModel('  '), (e: unknown) => e instanceof TaskError && /no model given/.test(e.message));
    assert.throws(() => locateModel('./nowhere', { baseDir: root }), (e: unknown) => e instanceof TaskError && /no model folder .* is not a Hugging Face model id/.test(e.message));
  } finally {
    done();
  }
});

test('builtin:NAME is a folder of the built-in models only when the caller has them', () => {
  const { root, done } = scratch();
  try {
    mkdirSync(join(root, 'models', 'tiny'), { recursive: true });
    const builtinRoot = join(root, 'models');
    assert.deepEqual(locateModel('builtin:tiny', { builtinRoot }), { dir: join(builtinRoot, 'tiny'), label: 'tiny', builtin: 'tiny' });
    assert.throws(() => locateModel('builtin:absent', { builtinRoot }), (e: unknown) => e instanceof TaskError && /no model folder/.test(e.message));
    assert.throws(() => locateModel('builtin:../models', { builtinRoot, baseDir: root }), TaskError);
    assert.equal(isHubSpec('builtin:tiny', { builtinRoot }), false);
  } finally {
    done();
  }
});

test('a Hub id outside the cache: an error without a download wrapper, else the wrapper downloads it', async () => {
  const { root, done } = scratch();
  try {
    const hub = hubSettings({ HF_HUB_CACHE: join(root, 'hub') });
    assert.equal(isHubSpec('org/name', { baseDir: root }), true);
    assert.throws(() => locateModel('org/name', { hub, baseDir: root }), (e: unknown) => e instanceof TaskError && /is not in the Hugging Face cache/.test(e.message));
    await assert.rejects(resolveModelSpec('org/name', { hub, baseDir: root }), TaskError);
    const asked: string[] = [];
    const snapshotDir = join(root, 'hub', 'models--org--name', 'snapshots', 'abc');
    const location = await resolveModelSpec('org/name', {
      hub,
      baseDir: root,
      download: async (repoId) => {
        asked.push(repoId);
        return { repoId, commit: 'abc', snapshotDir, downloaded: true };
      },
    });
    assert.deepEqual(asked, ['org/name']);
    assert.deepEqual(location, { dir: snapshotDir, repoId: 'org/name', label: 'org/name', downloaded: true });
  } finally {
    done();
  }
});
