/** `trex logits | attention | model-card` as a user runs them, on tiny model folders and a pre-filled HF cache. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RepoCache } from '../../../src/engine/models/hub/cacheLayout';
import { tempDir, tinyModelDir, tinySpec } from '../../support/tinyModels';
import { assertOneLineError, json, runTrex, type TrexRun } from '../../support/trexCli';

const graphCache = tempDir('trex-cli-cache-');
/** No request may reach a Hub: the endpoint is a closed local port. */
const baseEnv = { ...process.env, TREX_CACHE_DIR: graphCache, HF_ENDPOINT: 'http://127.0.0.1:9', HF_HUB_CACHE: tempDir('trex-cli-hf-empty-') };
const gpt2Dir = tinyModelDir('gpt2');
const bertDir = tinyModelDir('bert');

function trex(args: string[], env: NodeJS.ProcessEnv = baseEnv): TrexRun {
  return runTrex(args, { env, maxBuffer: 256 * 1024 * 1024 });
}

interface LogitsJson { model: string; tokens: string[]; ids: number[]; offsets: number[][]; vocabSize: number; logits?: number[][]; top?: Array<Array<{ id: number; token: string; logit: number; prob: number }>> }
interface AttentionJson { tokens: string[]; ids: number[]; offsets: number[][]; layers: number[]; heads: number[]; attentions: number[][][][]; window?: { start: number; end: number; first: number; count: number; total: number } }

test('trex logits --json: tokens, ids and [T][V] logits; --top-k gives the k best per position', () => {
  const text = 'Le chat dort';
  const full = json<LogitsJson>(trex(['logits', '--model', gpt2Dir, '--json', text]));
  assert.deepEqual(full.ids, (tinySpec('gpt2').inputs as number[][])[0].slice(0, 4), 'the first ids of the golden sentence');
  assert.equal(full.tokens.length, full.ids.length);
  assert.equal(full.logits?.length, full.ids.length);
  assert.ok(full.logits?.every((row) => row.length === 50257));
  const top = json<LogitsJson>(trex(['logits', '--model', gpt2Dir, '--top-k', '3', '--json', text]));
  assert.equal(top.logits, undefined);
  assert.equal(top.top?.length, full.ids.length);
  top.top?.forEach((best, t) => {
    assert.equal(best.length, 3);
    const row = full.logits?.[t] ?? [];
    assert.equal(best[0].logit, Math.max(...row));
    assert.ok(best[0].logit >= best[1].logit && best[1].logit >= best[2].logit);
    assert.ok(best[0].prob > 0 && best[0].prob < 1);
  });
  assert.equal(readdirSync(graphCache).length, 1, 'the graph was built once into $TREX_CACHE_DIR/graphs');
});

test('trex attention --json: [layer][head][T][T]; --layer and --head select; BERT adds [CLS]/[SEP]', () => {
  const all = json<AttentionJson>(trex(['attention', '--model', gpt2Dir, '--json', 'Le chat dort']));
  const T = all.tokens.length;
  assert.deepEqual([all.layers, all.heads], [[0, 1], [0, 1, 2, 3]]);
  assert.deepEqual([all.attentions.length, all.attentions[0].length, all.attentions[0][0].length, all.attentions[0][0][0].length], [2, 4, T, T]);
  assert.equal(all.attentions[1][2][0][T - 1], 0, 'causal');
  const one = json<AttentionJson>(trex(['attention', '--model', gpt2Dir, '--layer', '1', '--head', '2', '--json', 'Le chat dort']));
  assert.deepEqual([one.layers, one.heads], [[1], [2]]);
  assert.deepEqual(one.attentions[0][0], all.attentions[1][2]);
  const bert = json<AttentionJson>(trex(['attention', '--model', bertDir, '--layer', '0', '--json', tinySpec('bert').text]));
  assert.deepEqual([bert.tokens[0], bert.tokens.at(-1)], ['[CLS]', '[SEP]']);
  for (const row of bert.attentions[0][0]) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
});

test('trex attention --at C: a text longer than the context is read around character C; offsets are the whole text’s', () => {
  const whole = Array.from({ length: 120 }, (_, i) => `Line ${i + 1}: the cat sleeps.`).join('\n');
  const at = whole.indexOf('Line 100:') + 6;
  assertOneLineError(trex(['attention', '--model', gpt2Dir, '--layer', '0', whole]), 1, /tokens long but .* reads at most/);
  const context = 64; // both tiny models read 64 positions
  for (const dir of [gpt2Dir, bertDir]) {
    const r = json<AttentionJson>(trex(['attention', '--model', dir, '--layer', '0', '--head', '0', '--at', String(at), '--json', whole]));
    const w = r.window;
    assert.ok(w, 'the window is said');
    const specials = dir === bertDir ? 2 : 0;
    assert.equal(r.tokens.length, w.count + specials);
    assert.ok(w.count <= context - specials && w.count > context - specials - 4, `${w.count} tokens of a context of ${context}`);
    assert.ok(w.total > 600 && w.first > 0 && w.first + w.count < w.total, `tokens ${w.first}+${w.count} of ${w.total}: around C`);
    assert.ok(w.start <= at && at < w.end);
    const ordinary = r.offsets.slice(specials ? 1 : 0, specials ? -1 : undefined);
    assert.equal(ordinary[0][0], w.start, 'offsets in the whole text');
    assert.ok(ordinary.some(([s, e]) => s <= at && at < e), 'a token covers character C');
    assert.equal(r.attentions[0][0].length, r.tokens.length);
  }
  assertOneLineError(trex(['attention', '--model', gpt2Dir, '--at', String(whole.length + 1), whole]), 2, /--at/);
});

test('trex model-card --json: figures, exact parameters and the course estimate, dtype, files', () => {
  const card = json<{ model: string; numLayers: number; hiddenSize: number; numHeads: number; vocabSize: number; contextLength: number; dtypes: string[]; parameters: { exact: number; estimate: number }; weightFiles: Array<{ path: string; bytes: number }> }>(
    trex(['model-card', '--model', bertDir, '--json']),
  );
  assert.deepEqual([card.numLayers, card.hiddenSize, card.numHeads, card.vocabSize, card.contextLength], [2, 32, 4, 30522, 64]);
  assert.equal(card.parameters.estimate, 12 * 2 * 32 ** 2 + 30522 * 32);
  assert.deepEqual(card.dtypes, ['F32']);
  assert.equal(card.weightFiles[0].path, join(bertDir, 'model.safetensors'));
  const text = trex(['model-card', '--model', bertDir]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /12·L·d² \+ V·d = 1,001,280/);
});

test('trex model commands: one-line errors and exit codes for user mistakes', () => {
  assertOneLineError(trex(['logits', '--json', 'x']), 2, /--model ID\|PATH is required/);
  assertOneLineError(trex(['logits', '--model', join(gpt2Dir, 'missing'), 'x']), 1, /no model folder/);
  assertOneLineError(trex(['attention', '--model', gpt2Dir, '--layer', '7', 'x']), 2, /layers 0 to 1/);
  assertOneLineError(trex(['attention', '--model', gpt2Dir, '--head', 'two', 'x']), 2, /--head must be a whole number/);
  assertOneLineError(trex(['logits', '--model', gpt2Dir, 'le chat '.repeat(40)]), 1, /at most 64 \(its context length\)/);
  assertOneLineError(trex(['logits', '--model', gpt2Dir, '--device', 'tpu', 'x']), 2, /--device must be one of/);
  assertOneLineError(trex(['model-card', '--model', tempDir('trex-empty-model-')]), 1, /config\.json/);
  assertOneLineError(trex(['logits', '--model', 'someone/not-cached', 'x'], { ...baseEnv, HF_HUB_OFFLINE: '1' }), 1, /not available offline/);
});

/** Files the way huggingface_hub stores them: blobs named by sha256, snapshot symlinks, refs/main. */
function fillHfCache(cacheDir: string, repoId: string, folder: string): string {
  const commit = 'c0ffee'.padEnd(40, '0');
  const cache = new RepoCache(cacheDir, repoId);
  for (const file of readdirSync(folder)) {
    const etag = createHash('sha256').update(readFileSync(join(folder, file))).digest('hex');
    mkdirSync(join(cache.root, 'blobs'), { recursive: true });
    copyFileSync(join(folder, file), cache.blobPath(etag));
    cache.linkIntoSnapshot(commit, file, etag);
  }
  cache.writeRef('main', commit);
  return cache.snapshotDir(commit);
}

test('a Hub id resolves from a pre-filled HF cache (HF_HUB_CACHE) with no network', () => {
  const hfCache = tempDir('trex-cli-hf-');
  const snapshot = fillHfCache(hfCache, 'trex-tests/tiny-gpt2', gpt2Dir);
  const env = { ...baseEnv, HF_HUB_CACHE: hfCache };
  const r = json<LogitsJson>(trex(['logits', '--model', 'trex-tests/tiny-gpt2', '--top-k', '1', '--json', 'Le chat'], env));
  assert.equal(r.model, 'trex-tests/tiny-gpt2');
  assert.deepEqual(r.ids, [3123, 8537]);
  const card = json<{ model: string; dir: string }>(trex(['model-card', '--model', 'trex-tests/tiny-gpt2', '--json'], env));
  assert.deepEqual([card.model, card.dir], ['trex-tests/tiny-gpt2', snapshot]);
});
