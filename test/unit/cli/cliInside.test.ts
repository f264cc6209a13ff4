/** `trex attention-steps | lens | embeddings` as a user runs them, on tiny model folders (numbers against `trex attention` / `trex logits`). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttentionStepsResult, EmbeddingsResult, LogitLensResult } from '../../../src/engine/inside/insideTypes';
import { tempDir, tinyModelDir } from '../../support/tinyModels';
import { assertOneLineError, json, runTrex, type TrexRun } from '../../support/trexCli';

const baseEnv = { ...process.env, TREX_CACHE_DIR: tempDir('trex-cli-inside-'), HF_ENDPOINT: 'http://127.0.0.1:9', HF_HUB_CACHE: tempDir('trex-cli-inside-hf-') };
const gpt2Dir = tinyModelDir('gpt2');
const bertDir = tinyModelDir('bert');
const trex = (args: string[]): TrexRun => runTrex(args, { env: baseEnv, maxBuffer: 256 * 1024 * 1024 });

interface AttentionJson { attentions: number[][][][] }
interface LogitsJson { top: Array<Array<{ id: number; prob: number }>> }

test('trex attention-steps --json: the softmax of the scaled scores is the row `trex attention` prints, within 1e-5', () => {
  const text = 'Le chat mange des croquettes';
  for (const dir of [gpt2Dir, bertDir]) {
    const s = json<AttentionStepsResult & { model: string }>(trex(['attention-steps', '--model', dir, '--layer', '1', '--head', '1', '--query', '2', '--json', text]));
    const a = json<AttentionJson>(trex(['attention', '--model', dir, '--layer', '1', '--head', '1', '--json', text]));
    const row = a.attentions[0][0][2];
    assert.equal(s.weights.length, row.length);
    s.weights.forEach((w, j) => assert.ok(Math.abs(w - row[j]) <= 1e-5, `weight ${j}: ${w} vs ${row[j]}`));
    assert.ok(s.maxDifference <= 1e-5);
    assert.equal(s.q.length, s.dk);
    assert.equal(s.keys.length, row.length);
    assert.equal(s.concat.length, s.dModel);
    s.scaled.forEach((x, j) => assert.ok(Math.abs(x - s.dots[j] / Math.sqrt(s.dk)) < 1e-9));
    if (s.layout === 'preLN') assert.deepEqual(s.allowed, row.map((_, j) => j <= 2), 'causal mask: keys after the query are masked');
    else assert.ok(s.allowed.every(Boolean));
  }
});

test('trex attention-steps: a head that does not exist is one line naming the range; a missing --query is a usage error', () => {
  assertOneLineError(trex(['attention-steps', '--model', gpt2Dir, '--layer', '0', '--head', '99', '--query', '0', 'Hello']), 1, /head 99 does not exist: heads are 0 to \d+/);
  assertOneLineError(trex(['attention-steps', '--model', gpt2Dir, '--layer', '0', '--head', '0', 'Hello']), 2, /--query is required/);
});

test('trex lens --json (causal): the last row is the model output `trex logits --top-k` gives', () => {
  const text = 'Le chat mange des croquettes';
  const lens = json<LogitLensResult>(trex(['lens', '--model', gpt2Dir, '--top-k', '3', '--json', text]));
  const logits = json<LogitsJson>(trex(['logits', '--model', gpt2Dir, '--top-k', '3', '--json', text]));
  assert.equal(lens.kind, 'causal');
  assert.equal(lens.cells.length, lens.numLayers + 1);
  const last = lens.cells[lens.numLayers];
  last.forEach((cell, c) => {
    assert.deepEqual(cell.top.map((t) => t.id), logits.top[c].map((t) => t.id));
    cell.top.forEach((t, i) => assert.ok(Math.abs(t.prob - logits.top[c][i].prob) < 1e-4));
  });
  assert.equal(last[last.length - 1].target, undefined, 'the last position has no next token');
  assert.ok(last[0].target && last[0].target.rank >= 1);
  lens.firstFinal.forEach((r, c) => assert.equal(lens.cells[r][c].top[0].id, last[c].top[0].id));
});

test('trex lens (masked): --word masks the word and reads its original token; no [MASK] and no --word says what to do', () => {
  const lens = json<LogitLensResult>(trex(['lens', '--model', bertDir, '--word', 'chat', '--json', 'Le chat mange des croquettes']));
  assert.equal(lens.kind, 'masked');
  assert.equal(lens.masked?.text, 'chat');
  assert.equal(lens.positions.length, lens.masked?.maskCount);
  assert.ok(lens.cells.every((row) => row.every((cell) => cell.target !== undefined && cell.top.length === 5)));
  assertOneLineError(trex(['lens', '--model', bertDir, 'Le chat mange']), 1, /no \[MASK\] in the text/);
  assertOneLineError(trex(['lens', '--model', bertDir, '--word', 'chien', 'Le chat mange']), 2, /--word "chien" is not a whole word/);
});

test('trex embeddings --json: the same word elsewhere, the static embedding, nearest tokens, and the similarity of two words', () => {
  const text = 'The bank of the river. I opened an account at the bank.';
  const one = json<EmbeddingsResult>(trex(['embeddings', '--model', bertDir, '--word', 'bank', '--json', text]));
  assert.equal(one.word.text, 'bank');
  assert.equal(one.comparisons.length, 1);
  assert.equal(one.comparisons[0].source, 'occurrence');
  assert.equal(one.comparisons[0].other.start, text.lastIndexOf('bank'));
  assert.equal(one.comparisons[0].cosine.length, one.numLayers + 1);
  assert.ok([...one.comparisons[0].cosine, ...one.staticCosine].every((c) => c >= -1 - 1e-9 && c <= 1 + 1e-9));
  assert.equal(one.nearest[0].neighbours.length, 10);
  assert.equal(one.similarity, undefined);
  const two = json<EmbeddingsResult>(trex(['embeddings', '--model', gpt2Dir, '--word', 'river', '--compare', 'account', '--json', text]));
  assert.equal(two.comparisons[0].source, 'selection');
  assert.equal(two.similarity?.method, 'meanLastLayerCosine');
  assert.ok(Math.abs((two.similarity?.cosine ?? 2) - two.comparisons[0].cosine[two.numLayers]) < 1e-12, 'the similarity is the last layer of the curve');
  assertOneLineError(trex(['embeddings', '--model', bertDir, 'no word given']), 2, /--word is required/);
});
