/** The model host's options as flags: what the client writes, the host reads back. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostArgs, parseHostArgs } from '../../../src/host/hostOptions';

test('host options: flags written by the client are read back by the host', () => {
  const options = { backend: 'onnx', cacheDir: '/tmp/c', limits: { maxModels: 3, maxBytes: 4096 * 1024 * 1024 }, testModule: '/abs/fake.js' };
  const args = hostArgs(options);
  assert.deepEqual(args, ['--backend=onnx', '--cache-dir=/tmp/c', '--max-models=3', `--max-bytes=${4096 * 1024 * 1024}`, '--test-module=/abs/fake.js']);
  assert.deepEqual(parseHostArgs(args, {}), options);
  assert.deepEqual(parseHostArgs(hostArgs({ limits: { maxBytes: Number.POSITIVE_INFINITY } }), {}).limits, { maxBytes: Number.POSITIVE_INFINITY });
});

test('host options: defaults, the environment, and limits that are not numbers ≥ 1 (ignored: the default holds)', () => {
  assert.deepEqual(parseHostArgs([], {}), { backend: 'onnx', limits: {} });
  assert.equal(parseHostArgs([], { TREX_MODEL_BACKEND: 'other' }).backend, 'other');
  assert.deepEqual(parseHostArgs(['--max-models=0', '--max-bytes=lots'], {}).limits, {});
  assert.deepEqual(parseHostArgs(['--max-models=2.7'], {}).limits, { maxModels: 2 });
});
