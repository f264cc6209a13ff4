/**
 * The graph cache never serves a damaged entry: each entry carries a manifest (size and sha256 of
 * its files, written last), every read checks it, and an entry that does not match — truncated,
 * garbled at the same size, without a manifest, not a folder — is removed and built again, with a
 * note in the log. Writes stay atomic under concurrent builders; a cache folder that cannot be
 * written is a one-line GraphBuildError naming the path and the fix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { MAX_MESSAGE_CHARS } from '../../../../src/engine/errorText';
import { defineGpt2Graph, type Gpt2Config } from '../../../../src/engine/graph/gpt2Graph';
import { cachedGraph, checkpointIdentity, findCachedGraph, GRAPH_FILE, MANIFEST_FILE } from '../../../../src/engine/graph/graphCache';
import { GraphBuildError } from '../../../../src/engine/graph/modelGraph';
import type { GraphBuilder } from '../../../../src/engine/graph/onnxBuilder';
import { gpt2TensorSpecs } from '../../../../src/engine/graph/tensorSpecs';
import { randomWeights } from '../../../support/randomWeights';
import { writeTinyModelFolder } from '../../../support/tinyModelFolder';
import { readModelConfig } from '../../../../src/engine/models/config';
import { modelGraphPath } from '../../../../src/engine/tasks/openModel';
import { flatten, gpt2DecodeLogits, maxAbsDiff, readFixture } from '../../../support/graphGolden';

const golden = readFixture<{ seed: number; config: Gpt2Config; cases: Array<{ inputIds: number[]; logits: number[][] }> }>('gpt2-golden.json');
const { config } = golden;
const weights = randomWeights(gpt2TensorSpecs(config), golden.seed);
const define = (): GraphBuilder => defineGpt2Graph(config, weights, { variant: 'decode' });
const root = mkdtempSync(join(tmpdir(), 'trex-graph-repair-'));
let count = 0;
const KEY = '0123456789abcdef0123456789abcdef';

async function goldenLogitsDiff(path: string): Promise<number> {
  return maxAbsDiff(await gpt2DecodeLogits(path, config, golden.cases[1].inputIds), flatten(golden.cases[1].logits));
}

function freshCache(): string {
  const dir = join(root, `cache-${count++}`);
  cachedGraph(dir, KEY, define);
  return dir;
}

/** Ways an entry gets damaged: a crash mid-copy, a bad disk, a user's or a tool's edit, an older version's entry. */
const damages: Array<[string, (entry: string) => void, RegExp]> = [
  ['model.onnx truncated', (e) => truncateSync(join(e, GRAPH_FILE), 100), /model\.onnx has 100 bytes instead of \d+/],
  ['model.onnx garbage at the same size', (e) => writeFileSync(join(e, GRAPH_FILE), Buffer.alloc(statSync(join(e, GRAPH_FILE)).size, 0x5a)), /model\.onnx does not match its sha256/],
  ['model.onnx.data truncated', (e) => truncateSync(join(e, `${GRAPH_FILE}.data`), 64), /model\.onnx\.data has 64 bytes/],
  ['model.onnx.data garbled at the same size', (e) => garble(join(e, `${GRAPH_FILE}.data`)), /model\.onnx\.data does not match its sha256/],
  ['model.onnx.data removed', (e) => rmSync(join(e, `${GRAPH_FILE}.data`)), /a file of its manifest is missing/],
  ['no manifest (an entry from before manifests)', (e) => rmSync(join(e, MANIFEST_FILE)), /it has no manifest/],
  ['manifest garbage', (e) => writeFileSync(join(e, MANIFEST_FILE), '{"files": 3'), /its manifest is not JSON/],
  ['manifest of something else', (e) => writeFileSync(join(e, MANIFEST_FILE), '{"format": "x", "files": []}'), /not a graph-cache manifest/],
  ['a file the manifest does not list', (e) => writeFileSync(join(e, 'extra.onnx'), 'x'), /a file its manifest does not list \("extra\.onnx"\)/],
  ['the entry is a file', (e) => { rmSync(e, { recursive: true }); writeFileSync(e, 'not a folder'); }, /it has no manifest|cannot be read/],
];

/** Flips bytes in the middle of a file, keeping its size and modification time. */
function garble(path: string): void {
  const bytes = readFileSync(path);
  const { atime, mtime } = statSync(path);
  for (let i = bytes.length >> 1; i < (bytes.length >> 1) + 64; i++) bytes[i] ^= 0xff;
  writeFileSync(path, bytes);
  utimesSync(path, atime, mtime);
}

test('each kind of damaged entry is found, said, removed and built again, with the golden logits', async () => {
  for (const [what, damage, reason] of damages) {
    const cacheDir = freshCache();
    damage(join(cacheDir, KEY));
    const log: string[] = [];
    let builds = 0;
    const again = cachedGraph(cacheDir, KEY, () => { builds++; return define(); }, (m) => log.push(m));
    assert.deepEqual([again.built, builds], [true, 1], what);
    assert.equal(log.length, 1, what);
    assert.match(log[0], reason, what);
    assert.match(log[0], /^The cached graph .* was damaged \(.*\); it is removed and built again\.$/);
    assert.equal(findCachedGraph(cacheDir, KEY), again.path, `${what}: the rebuilt entry verifies`);
    assert.deepEqual(readdirSync(cacheDir), [KEY], `${what}: nothing left over`);
  }
});

test('a .data garbled at the same size is never loaded: rebuilt, and the logits are the golden ones', async () => {
  const cacheDir = freshCache();
  const data = join(cacheDir, KEY, `${GRAPH_FILE}.data`);
  garble(data);
  // What the cache used to do: the garbled graph runs and gives wrong numbers with no error.
  assert.ok((await goldenLogitsDiff(join(cacheDir, KEY, GRAPH_FILE))) > 1e-3, 'the garbling changes the logits');
  const again = cachedGraph(cacheDir, KEY, define);
  assert.equal(again.built, true);
  assert.ok((await goldenLogitsDiff(again.path)) < 1e-4);
});

test('through modelGraphPath: a garbled cached graph is rebuilt (the build stage is reported) and said in the log', async () => {
  const dir = join(root, `model-${count++}`);
  writeTinyModelFolder(dir, { family: 'gpt2', config, seed: golden.seed });
  const model = { dir, config: await readModelConfig(join(dir, 'config.json')), tokenizerSpec: dir, tokenizerFiles: [], weightFiles: { kind: 'single' as const, file: join(dir, 'model.safetensors') } };
  const cacheDir = join(root, `graphs-${count++}`);
  let builds = 0;
  const log: string[] = [];
  const first = await modelGraphPath(model, cacheDir, { variant: 'decode' }, () => builds++, (m) => log.push(m));
  assert.equal(await modelGraphPath(model, cacheDir, { variant: 'decode' }, () => builds++, (m) => log.push(m)), first);
  assert.deepEqual([builds, log], [1, []]);
  garble(`${first}.data`);
  assert.equal(await modelGraphPath(model, cacheDir, { variant: 'decode' }, () => builds++, (m) => log.push(m)), first);
  assert.equal(builds, 2);
  assert.match(log.join('\n'), /model\.onnx\.data does not match its sha256/);
  assert.ok((await goldenLogitsDiff(first)) < 1e-4);
});

test('atomic writes: nothing appears under the key until the entry is complete; a concurrent builder that finishes first wins', () => {
  const cacheDir = join(root, `cache-${count++}`);
  const seen: string[][] = [];
  const result = cachedGraph(cacheDir, KEY, () => {
    seen.push(readdirSync(cacheDir));
    assert.equal(findCachedGraph(cacheDir, KEY), undefined, 'a reader finds nothing while the entry is being built');
    // Another builder finishes first, while this one is still building.
    assert.equal(cachedGraph(cacheDir, KEY, define).built, true);
    return define();
  });
  assert.equal(seen[0].length, 1);
  assert.match(seen[0][0], new RegExp(`^${KEY}\\.tmp-\\d+-\\d+-\\d+$`), 'only a temporary folder while building');
  assert.equal(result.path, join(cacheDir, KEY, GRAPH_FILE));
  assert.deepEqual(readdirSync(cacheDir), [KEY], 'the loser dropped its copy');
  assert.equal(findCachedGraph(cacheDir, KEY), result.path);
});

test('three processes building one entry at once all get a verified graph', async () => {
  const cacheDir = join(root, `cache-${count++}`);
  const out = join(__dirname, '..', '..', '..', '..', 'src', 'engine', 'graph');
  const script = `
    const { cachedGraph } = require(${JSON.stringify(join(out, 'graphCache'))});
    const { defineGpt2Graph } = require(${JSON.stringify(join(out, 'gpt2Graph'))});
    const { gpt2TensorSpecs } = require(${JSON.stringify(join(out, 'tensorSpecs'))});
    const { randomWeights } = require(${JSON.stringify(join(__dirname, '..', '..', '..', 'support', 'randomWeights'))});
    const config = ${JSON.stringify(config)};
    const weights = randomWeights(gpt2TensorSpecs(config), ${golden.seed});
    process.stdout.write(cachedGraph(${JSON.stringify(cacheDir)}, '${KEY}', () => defineGpt2Graph(config, weights, { variant: 'decode' })).path);`;
  const run = promisify(execFile);
  const results = await Promise.all([0, 1, 2].map(() => run(process.execPath, ['-e', script])));
  for (const r of results) assert.equal(r.stdout, join(cacheDir, KEY, GRAPH_FILE));
  assert.deepEqual(readdirSync(cacheDir), [KEY]);
  assert.equal(findCachedGraph(cacheDir, KEY), join(cacheDir, KEY, GRAPH_FILE));
  assert.ok((await goldenLogitsDiff(join(cacheDir, KEY, GRAPH_FILE))) < 1e-4);
});

function cacheUnusable(pattern: RegExp) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof GraphBuildError, `not a GraphBuildError: ${String(e)}`);
    assert.match(e.message, pattern);
    assert.match(e.message, /or set TREX_CACHE_DIR to another folder$/);
    assert.ok(!e.message.includes('\n') && e.message.length <= MAX_MESSAGE_CHARS);
    return true;
  };
}

test('a cache folder that cannot be used is a one-line GraphBuildError naming the path and the fix; nothing half-written stays', () => {
  const parent = join(root, `unusable-${count++}`);
  mkdirSync(parent);
  const asFile = join(parent, 'graphs');
  writeFileSync(asFile, 'a file where the cache folder should be');
  assert.throws(() => cachedGraph(asFile, KEY, define), cacheUnusable(/^the graph cache .*graphs cannot be used: a file stands where a folder should be on the way to .*graphs; remove it/));
  assert.throws(() => cachedGraph(join(asFile, 'deeper'), KEY, define), cacheUnusable(/a file stands where a folder should be/));
  // The memo of checkpoint hashes is only a speed-up: an unusable folder does not stop the identity.
  const weightsFile = join(parent, 'model.safetensors');
  writeFileSync(weightsFile, 'weights');
  assert.match(checkpointIdentity([weightsFile], asFile), /^[0-9a-f]{64}$/);

  const failing = (code: string): (() => GraphBuilder) => () => ({
    writeFiles: (path: string) => {
      writeFileSync(path, 'half');
      throw Object.assign(new Error(`${code}: simulated`), { code });
    },
  }) as unknown as GraphBuilder;
  const fixes: Array<[string, RegExp]> = [
    ['ENOSPC', /the disk holding .*\.tmp-\d+-\d+-\d+ is full \(ENOSPC\); free some space/],
    ['EDQUOT', /is full \(EDQUOT\)/],
    ['EACCES', /cannot be written \(EACCES\); make it writable/],
    ['EROFS', /cannot be written \(EROFS\)/],
    ['EIO', /cannot be written \(EIO\)/],
  ];
  for (const [code, pattern] of fixes) {
    const cacheDir = join(parent, `c-${code}`);
    assert.throws(() => cachedGraph(cacheDir, KEY, failing(code)), cacheUnusable(pattern), code);
    assert.deepEqual(readdirSync(cacheDir), [], `${code}: no temporary folder left`);
  }
  // A builder's own error stays what it is.
  assert.throws(() => cachedGraph(join(parent, 'c-own'), KEY, () => { throw new GraphBuildError('own'); }), /^GraphBuildError: own$/);
});

test('a cache folder without write permission is a user error too (not as root, which may write anywhere)', { skip: process.getuid?.() === 0 }, () => {
  const cacheDir = join(root, `readonly-${count++}`);
  mkdirSync(cacheDir, { mode: 0o555 });
  assert.throws(() => cachedGraph(cacheDir, KEY, define), cacheUnusable(/cannot be written \(EACCES\); make it writable/));
});

test('leftovers of a crashed build (old temporary folders of dead processes) are swept; a live one is kept', () => {
  const cacheDir = join(root, `cache-${count++}`);
  mkdirSync(cacheDir);
  const old = Date.now() - 3600_000;
  const dead = join(cacheDir, `${KEY}.tmp-4194311-${old}-1`); // pid above Linux's pid_max
  const live = join(cacheDir, `${KEY}.tmp-${process.pid}-${old}-1`);
  const recent = join(cacheDir, `${KEY}.trash-4194311-${Date.now()}-1`);
  for (const d of [dead, live, recent]) mkdirSync(d);
  cachedGraph(cacheDir, 'fedcba9876543210fedcba9876543210', define);
  assert.deepEqual([existsSync(dead), existsSync(live), existsSync(recent)], [false, true, true]);
});

/**
 * Waits until a file written now gets a later change time than `file` has: the test then changes
 * `file` and relies on its change time moving, whatever the file system clock's resolution.
 */
async function afterChangeTimeOf(file: string): Promise<void> {
  const probe = join(dirname(file), 'clock-probe');
  const deadline = Date.now() + 10_000;
  for (;;) {
    writeFileSync(probe, '');
    if (statSync(probe).ctimeMs > statSync(file).ctimeMs) break;
    if (Date.now() > deadline) assert.fail(`the file system clock did not move past the change time of ${file} in 10 s`);
    await new Promise((r) => setTimeout(r, 1));
  }
  rmSync(probe);
}

test('the weights memo cannot make a changed checkpoint look unchanged: same size, modification time kept (cp -p)', async () => {
  const dir = join(root, `memo-${count++}`);
  mkdirSync(dir);
  const file = join(dir, 'model.safetensors');
  writeFileSync(file, 'weights AAAA');
  const stamp = 1_700_000_000; // whole seconds: read back exactly
  utimesSync(file, stamp, stamp);
  const memo = join(dir, 'graphs');
  const first = checkpointIdentity([file], memo);
  await afterChangeTimeOf(file);
  // What `cp -p new.safetensors model.safetensors` does: new content, same size, the old mtime.
  writeFileSync(join(dir, 'new.safetensors'), 'weights BBBB');
  copyFileSync(join(dir, 'new.safetensors'), file);
  utimesSync(file, stamp, stamp);
  assert.equal(statSync(file).mtimeMs, stamp * 1000);
  const second = checkpointIdentity([file], memo);
  assert.notEqual(second, first);
  assert.equal(second, checkpointIdentity([join(dir, 'new.safetensors')]));

  // A Hugging Face blob (named by its sha256) overwritten through its snapshot link is hashed again.
  const blobs = join(dir, 'blobs');
  mkdirSync(blobs);
  const blob = join(blobs, 'e'.repeat(64));
  writeFileSync(blob, 'blob weights');
  utimesSync(blob, stamp, stamp);
  const link = join(dir, 'snapshot.safetensors');
  symlinkSync(blob, link);
  assert.equal(checkpointIdentity([link], memo), 'e'.repeat(64), 'a blob seen for the first time is taken by its name');
  await afterChangeTimeOf(blob);
  writeFileSync(link, 'other weights');
  utimesSync(blob, stamp, stamp);
  assert.equal(checkpointIdentity([link], memo), createHash('sha256').update('other weights').digest('hex'), 'changed since: hashed again');
});
