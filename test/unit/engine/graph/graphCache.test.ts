/** Graphs written to disk with external data, and the on-disk graph cache (built once per key). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineGpt2Graph, Gpt2Config } from '../../../../src/engine/graph/gpt2Graph';
import { cachedGraph, checkpointIdentity, graphCacheKey } from '../../../../src/engine/graph/graphCache';
import { gpt2TensorSpecs } from '../../../../src/engine/graph/tensorSpecs';
import { randomWeights } from '../../../support/randomWeights';
import { flatten, gpt2DecodeLogits, maxAbsDiff, readFixture } from '../../../support/graphGolden';

const golden = readFixture<{ seed: number; config: Gpt2Config; cases: Array<{ inputIds: number[]; logits: number[][] }> }>('gpt2-golden.json');
const { config } = golden;
const weights = randomWeights(gpt2TensorSpecs(config), golden.seed);
const define = () => defineGpt2Graph(config, weights, { variant: 'decode' });

const logitsFrom = (model: string | Uint8Array): Promise<Float32Array> => gpt2DecodeLogits(model, config, golden.cases[1].inputIds);

test('a graph written with external data runs from its path and gives the golden logits', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trex-graph-files-'));
  const path = join(dir, 'model.onnx');
  define().writeFiles(path, 1024);
  const inlineSize = define().toBytes().byteLength;
  assert.ok(statSync(path).size < inlineSize / 4, 'the big tensors left the .onnx file');
  assert.ok(statSync(`${path}.data`).size > inlineSize / 2, 'and went to model.onnx.data');
  assert.ok(maxAbsDiff(await logitsFrom(path), flatten(golden.cases[1].logits)) < 1e-4);
});

test('the graph cache builds once per key and serves the same graph afterwards', async () => {
  const cacheDir = join(mkdtempSync(join(tmpdir(), 'trex-graph-cache-')), 'graphs');
  const ckpt = join(cacheDir, '..', 'model.safetensors');
  writeFileSync(ckpt, 'weights v1');
  const key = graphCacheKey(checkpointIdentity([ckpt]), { variant: 'decode' });
  assert.match(key, /^[0-9a-f]{32}$/);
  let builds = 0;
  const counted = () => { builds++; return define(); };
  const first = cachedGraph(cacheDir, key, counted);
  const second = cachedGraph(cacheDir, key, counted);
  assert.deepEqual([first.built, second.built, builds], [true, false, 1]);
  assert.equal(first.path, second.path);
  assert.deepEqual(readdirSync(cacheDir), [key], 'no temporary folder left behind');
  assert.ok(existsSync(`${first.path}.data`));
  assert.ok(maxAbsDiff(await logitsFrom(first.path), flatten(golden.cases[1].logits)) < 1e-4);

  assert.notEqual(graphCacheKey(checkpointIdentity([ckpt]), { variant: 'inspect' }), key, 'options are part of the key');
  writeFileSync(ckpt, 'weights v2, longer');
  utimesSync(ckpt, new Date(), new Date(Date.now() + 5000));
  assert.notEqual(graphCacheKey(checkpointIdentity([ckpt]), { variant: 'decode' }), key, 'a changed checkpoint changes the key');
});

test('a failing build leaves nothing in the cache', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'trex-graph-cache-'));
  assert.throws(() => cachedGraph(cacheDir, 'k', () => { throw new Error('boom'); }), /boom/);
  assert.deepEqual(readdirSync(cacheDir), []);
});

test('the checkpoint identity is the sha256 of the content: the same weights elsewhere share a graph, HF blobs are not re-read', () => {
  const root = mkdtempSync(join(tmpdir(), 'trex-graph-id-'));
  const a = join(root, 'a.safetensors');
  const b = join(root, 'b.safetensors');
  writeFileSync(a, 'same weights');
  writeFileSync(b, 'same weights');
  const sha = createHash('sha256').update('same weights').digest('hex');
  assert.equal(checkpointIdentity([a]), sha);
  assert.equal(checkpointIdentity([b]), sha, 'a copy at another path has the same identity');

  // Remembered on disk by path, size and mtime: the next process does not read the file again.
  const memo = join(root, 'memo');
  const c = join(root, 'c.safetensors');
  writeFileSync(c, 'other weights');
  const cHash = checkpointIdentity([c], memo);
  const remembered = JSON.parse(readFileSync(join(memo, 'weights-sha256.json'), 'utf8')) as { files: Record<string, { sha256: string }> };
  assert.deepEqual(Object.values(remembered.files).map((r) => r.sha256), [cHash]);

  // In the Hugging Face cache the blob's name is its sha256: taken as it is.
  const blobs = join(root, 'blobs');
  mkdirSync(blobs);
  const blobName = 'f'.repeat(64);
  writeFileSync(join(blobs, blobName), 'anything');
  symlinkSync(join(blobs, blobName), join(root, 'model.safetensors'));
  assert.equal(checkpointIdentity([join(root, 'model.safetensors')]), blobName);
});
