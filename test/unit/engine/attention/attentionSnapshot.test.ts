/** The attention snapshot JSON: written, read back, and every malformed variant refused with a reason. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromRows, parseSnapshot, revisionOfFolder, SNAPSHOT_FORMAT, SnapshotError, toRows, type AttentionSnapshot } from '../../../../src/engine/attention/snapshot';

const good: AttentionSnapshot = {
  format: SNAPSHOT_FORMAT,
  version: 1,
  model: { id: 'gpt2', label: 'gpt2', family: 'gpt2', revision: '607a30d783dfa663caf39e06633721c8d4cfcd7e' },
  text: 'The cat sat',
  tokens: ['The', 'cat', 'sat'],
  layer: 3,
  head: 5,
  causal: true,
  options: { hideSpecial: false, mergeSubwords: false },
  weights: toRows(Float32Array.from([1, 0, 0, 0.4, 0.6, 0, 0.2, 0.3, 0.5]), 3),
  created: '2026-11-24T02:00:00.000Z',
};

test('a snapshot survives JSON and back, weights included', () => {
  const read = parseSnapshot(JSON.stringify(good));
  assert.deepEqual(read, good);
  assert.deepEqual(Array.from(fromRows(read.weights)), Array.from(Float32Array.from([1, 0, 0, 0.4, 0.6, 0, 0.2, 0.3, 0.5])));
  assert.equal(parseSnapshot({ ...good, head: 'rollout' }).head, 'rollout');
});

test('malformed snapshots are refused with the reason', () => {
  const bad = (patch: Record<string, unknown>, reason: RegExp) =>
    assert.throws(() => parseSnapshot({ ...good, ...patch }), (e: unknown) => e instanceof SnapshotError && reason.test(e.message));
  assert.throws(() => parseSnapshot('{not json'), /not JSON/);
  bad({ format: 'other' }, /not an attention snapshot/);
  bad({ version: 2 }, /unsupported snapshot version 2/);
  bad({ model: { id: 'x' } }, /"model"/);
  bad({ tokens: ['a', 1] }, /"tokens"/);
  bad({ layer: -1 }, /"layer"/);
  bad({ head: 'max' }, /"head"/);
  bad({ weights: [[1, 0, 0], [0, 1, 0]] }, /one row per token \(3\)/);
  bad({ weights: [[1, 0], [0, 1, 0], [0, 0, 1]] }, /row 0 of "weights" must have 3 values/);
  bad({ weights: [[1, 0, 0], [0, 1.5, 0], [0, 0, 1]] }, /weights\[1\]\[1\]/);
  bad({ causal: 'yes' }, /"causal"/);
  bad({ options: { hideSpecial: true } }, /"options"/);
});

test('revision of a Hugging Face cache snapshot folder', () => {
  assert.equal(revisionOfFolder('/h/hub/models--gpt2/snapshots/607a30d783dfa663caf39e06633721c8d4cfcd7e'), '607a30d783dfa663caf39e06633721c8d4cfcd7e');
  assert.equal(revisionOfFolder('/home/me/models/tiny-gpt2'), undefined);
});
