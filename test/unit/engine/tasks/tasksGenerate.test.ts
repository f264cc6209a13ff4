/**
 * Generation on the tiny random-weight GPT-2 with the real tokenizer, on onnxruntime-node: the
 * lean decode graph with its KV cache gives the same greedy tokens as re-running the full inspect
 * graph on the whole sequence at each step; the decode graph goes through the graph cache and is
 * opened once per model; the panel's probabilities are the model's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { OnnxRuntimeBackend } from '../../../../src/engine/runtime/onnxRuntime';
import { openDecodeSession, releaseDecodeSession } from '../../../../src/engine/tasks/decodeSession';
import { TaskError } from '../../../../src/engine/tasks/errors';
import { generate } from '../../../../src/engine/tasks/generate';
import { logitsOfIds, logitsRow } from '../../../../src/engine/tasks/idsLogits';
import { openModel, type LoadedModel } from '../../../../src/engine/tasks/openModel';
import { argmax, softmax, topIds } from '../../../../src/engine/tasks/softmax';
import { decodeIds, endOfTextId, tokenText } from '../../../../src/engine/tasks/tokenText';
import { loadTokenizer } from '../../../../src/engine/tokenizers/load';
import { tempDir, tinyModelDir } from '../../../support/tinyModels';

const backend = new OnnxRuntimeBackend();
const graphCacheDir = tempDir('trex-gen-graphs-');
let opened: Promise<LoadedModel> | undefined;
function gpt2(): Promise<LoadedModel> {
  opened ??= openModel(tinyModelDir('gpt2'), backend, { device: 'cpu', graphCacheDir });
  return opened;
}

test('the decode graph is built into the same graph cache, has no attention outputs, and is opened once', async () => {
  const model = await gpt2();
  const before = readdirSync(graphCacheDir).length;
  let builds = 0;
  const g = await openDecodeSession(model, backend, { device: 'cpu', graphCacheDir, onBuild: () => builds++ });
  assert.equal(builds, 1);
  assert.equal(readdirSync(graphCacheDir).length, before + 1, 'one more graph in the cache');
  assert.notEqual(g.decode.graphPath, model.graphPath);
  assert.ok(!g.decode.session.outputNames.some((n) => n.startsWith('attentions.')));
  assert.ok(g.decode.session.inputNames.includes('past_key_values.0.key'));
  const again = await openDecodeSession(model, backend, { device: 'cpu', graphCacheDir, onBuild: () => builds++ });
  assert.equal(again.decode, g.decode, 'the same session');
  assert.equal(again, model, 'on the LoadedModel itself');
  assert.equal(builds, 1);
});

test('cached (decode graph, KV cache, last logits only) and uncached greedy generation give identical tokens', async () => {
  const model = await openDecodeSession(await gpt2(), backend, { device: 'cpu', graphCacheDir });
  for (const prompt of ['Le chat dort sur le', 'The quick brown fox']) {
    const cached = await generate(model, prompt, { strategy: 'greedy', maxNewTokens: 12, showTopK: 5 });
    const ids = model.tokenizer.encode(prompt).tokens.map((t) => t.id);
    const uncached: number[] = [];
    for (let i = 0; i < 12; i++) {
      const l = await logitsOfIds(model, [[...ids, ...uncached]]);
      const row = logitsRow(l, 0, ids.length + uncached.length - 1);
      const probs = softmax(row);
      const step = cached.steps[i];
      assert.deepEqual(step.candidates.map((c) => c.id), topIds(row, 5), `step ${i}: the same candidates`);
      step.candidates.forEach((c) => assert.ok(Math.abs(c.prob - probs[c.id]) < 1e-4, `step ${i}: ${c.prob} vs ${probs[c.id]}`));
      uncached.push(argmax(row));
    }
    assert.deepEqual(cached.tokenIds, uncached, prompt);
    assert.equal(cached.text, cached.steps[11].text);
    const expectedLogP = cached.steps.reduce((s, st) => s + Math.log(st.chosen.prob), 0);
    assert.ok(Math.abs(cached.logProb - expectedLogP) < 1e-6);
  }
});

test('sampling on the tiny GPT-2 is reproducible from its seed; beam search returns its best beam and the tree', async () => {
  const model = await openDecodeSession(await gpt2(), backend, { device: 'cpu', graphCacheDir });
  const opts = { strategy: 'sample' as const, maxNewTokens: 8, temperature: 0.9, topK: 50, topP: 0.95, seed: 5 };
  const a = await generate(model, 'Le chat', opts);
  const b = await generate(model, 'Le chat', opts);
  assert.deepEqual(a.tokenIds, b.tokenIds);
  assert.equal(a.text, b.text);
  const beam = await generate(model, 'Le chat', { strategy: 'beam', numBeams: 3, maxNewTokens: 5, lengthPenalty: 1 });
  const greedy = await generate(model, 'Le chat', { strategy: 'greedy', maxNewTokens: 5 });
  assert.ok(beam.tokenIds.length >= 1 && beam.tokenIds.length <= 5);
  assert.ok(beam.beams && beam.beams.length > 3 * 5 / 2);
  assert.equal(beam.steps.length, beam.tokenIds.length);
  if (beam.tokenIds.length === greedy.tokenIds.length) assert.ok(beam.logProb >= greedy.logProb - 1e-6, 'the search keeps greedy among its beams');
  // beam log P is the model's: check it against the full graph
  const ids = model.tokenizer.encode('Le chat').tokens.map((t) => t.id);
  const l = await logitsOfIds(model, [[...ids, ...beam.tokenIds]]);
  let logP = 0;
  beam.tokenIds.forEach((id, j) => (logP += Math.log(softmax(logitsRow(l, 0, ids.length - 1 + j))[id])));
  assert.ok(Math.abs(logP - beam.logProb) < 1e-4, `${logP} vs ${beam.logProb}`);
});

test('a prompt near the context limit ends with contextFull; encoder models are refused', async () => {
  const model = await openDecodeSession(await gpt2(), backend, { device: 'cpu', graphCacheDir });
  const long = Array.from({ length: 80 }, (_, i) => `w${i}`).join(' ');
  const r = await generate(model, long, { strategy: 'greedy', maxNewTokens: 40 });
  assert.equal(r.promptTokens.length, 64 - 32, 'the last tokens of the prompt, leaving room');
  assert.equal(r.finishReason, 'contextFull');
  assert.equal(r.tokenIds.length, 33);
  const bert = await openModel(tinyModelDir('bert'), backend, { device: 'cpu', graphCacheDir });
  await assert.rejects(openDecodeSession(bert, backend, { device: 'cpu', graphCacheDir }), TaskError);
  await bert.session.release();
  await releaseDecodeSession(model);
  assert.equal((model as LoadedModel & { decode?: unknown }).decode, undefined);
  await model.session.release();
});

test('token ids back to text: byte-level BPE (characters cut across tokens), WordPiece continuations', async () => {
  const gpt2Tok = await loadTokenizer('gpt2');
  const text = 'Le café ☕ coûte 2 €.\nFin';
  const ids = gpt2Tok.encode(text).tokens.map((t) => t.id);
  assert.equal(decodeIds(gpt2Tok, ids), text);
  assert.equal(tokenText(gpt2Tok, 'Ġchat'), ' chat');
  const eos = endOfTextId(gpt2Tok);
  assert.equal(eos, 50256);
  assert.equal(decodeIds(gpt2Tok, [...ids, eos as number], new Set([eos as number])), text, 'end of text left out');
  const bertTok = await loadTokenizer('bert-base-uncased');
  const pieces = bertTok.encode('tokenization of croquettes').tokens;
  assert.ok(pieces.some((t) => t.token.startsWith('##')));
  assert.equal(decodeIds(bertTok, pieces.map((t) => t.id)), 'tokenization of croquettes');
  assert.equal(tokenText(bertTok, '##able'), 'able');
});
