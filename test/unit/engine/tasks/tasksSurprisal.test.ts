/**
 * The surprisal lens on the tiny GPT-2 and BERT: perplexity = exp(mean NLL) from the full-sequence
 * logits (runLogits), every token scored once across overlapping windows and exactly as in one pass
 * while its window holds the whole left context, BERT pseudo-perplexity from one masked pass per
 * token, progress and cancellation. The lean causal path (body graph, then the head graph on the
 * scored rows) against the logits of the inspect graph read in JavaScript, as the task did before.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OnnxRuntimeBackend } from '../../../../src/engine/runtime/onnxRuntime';
import { TaskError } from '../../../../src/engine/tasks/errors';
import { logitsOfIds, logitsRow } from '../../../../src/engine/tasks/idsLogits';
import { runLogits } from '../../../../src/engine/tasks/logits';
import { openModel, type LoadedModel } from '../../../../src/engine/tasks/openModel';
import { feedsForIds } from '../../../../src/engine/tasks/inputs';
import { logSoftmax, logSumExp, rankOf, softmax, topIds } from '../../../../src/engine/tasks/softmax';
import { slidingWindows, surprisal } from '../../../../src/engine/tasks/surprisal';
import { openSurprisalSessions, type SurprisalModel } from '../../../../src/engine/tasks/surprisalSessions';
import { tempDir, tinyModelDir } from '../../../support/tinyModels';

const backend = new OnnxRuntimeBackend();
const graphCacheDir = tempDir('trex-surprisal-graphs-');
const models = new Map<string, Promise<LoadedModel>>();
/** The model with its surprisal sessions (the lean path; an encoder is returned as it is). */
function open(name: 'gpt2' | 'bert'): Promise<LoadedModel> {
  if (!models.has(name)) models.set(name, openModel(tinyModelDir(name), backend, { device: 'cpu', graphCacheDir }).then((m) => openSurprisalSessions(m, backend, { device: 'cpu', graphCacheDir })));
  return models.get(name) as Promise<LoadedModel>;
}

test('sliding windows score every position ≥ 1 exactly once, with at least window − stride tokens of context', () => {
  for (const [n, w, s] of [[10, 64, 32], [64, 64, 32], [65, 64, 32], [200, 64, 32], [200, 16, 5], [37, 8, 7], [5, 2, 1]]) {
    const windows = slidingWindows(n, w, s);
    const scored: number[] = [];
    for (const win of windows) {
      assert.ok(win.end - win.start <= w);
      for (let p = win.scoreFrom; p < win.end; p++) {
        scored.push(p);
        assert.ok(p - win.start >= Math.min(p, w - s), `position ${p} has ${p - win.start} tokens of context`);
      }
    }
    assert.deepEqual(scored, [...Array(n - 1).keys()].map((i) => i + 1), `n=${n} w=${w} s=${s}`);
    if (n <= w) assert.equal(windows.length, 1);
  }
});

test('perplexity = exp(mean NLL) computed from the full-sequence logits, the first token scored after <|endoftext|>', async () => {
  const gpt2 = await open('gpt2');
  const text = 'Le chat dort sur le tapis.';
  const r = await surprisal(gpt2, text, { topK: 3 });
  const full = await runLogits(gpt2, `<|endoftext|>${text}`);
  const ids = full.tokens.map((t) => t.id);
  const V = full.logits.dims[1];
  const data = full.logits.data as Float32Array;
  const nll = ids.slice(1).map((id, i) => -logSoftmax(data.subarray(i * V, (i + 1) * V))[id]);
  const mean = nll.reduce((a, b) => a + b, 0) / nll.length;
  assert.equal(r.kind, 'causal');
  assert.equal(r.passes, 1);
  assert.equal(r.tokens.length, ids.length - 1);
  assert.deepEqual(r.tokens.map((t) => t.token), full.tokens.slice(1).map((t) => t.token));
  assert.deepEqual(r.tokens.map((t) => [t.start, t.end]), gpt2.tokenizer.encode(text).tokens.map((t) => [t.start, t.end]), 'offsets in the text itself');
  assert.ok(Math.abs(r.meanNll - mean) < 1e-5, `${r.meanNll} vs ${mean}`);
  assert.ok(Math.abs(r.perplexity - Math.exp(mean)) < 1e-4 * Math.exp(mean));
  r.tokens.forEach((t, i) => {
    assert.ok(Math.abs(t.surprisal - nll[i] / Math.LN2) < 1e-4);
    assert.ok(Math.abs(t.prob - Math.exp(-nll[i])) < 1e-6);
    assert.equal(t.top.length, 3);
    assert.ok(t.rank >= 1 && (t.rank === 1) === (t.top[0].id === t.id));
  });
  assert.equal(r.characters, text.length);
  assert.ok(Math.abs(r.bitsPerChar - nll.reduce((a, b) => a + b, 0) / Math.LN2 / text.length) < 1e-6);
});

test('overlapping windows: one pass while the text fits, the same surprisal for every token whose window holds its whole left context', async () => {
  const gpt2 = await open('gpt2');
  const text = Array.from({ length: 30 }, (_, i) => ['the', 'cat', 'sat', 'on', 'a', 'mat'][i % 6]).join(' ');
  const one = await surprisal(gpt2, text);
  assert.equal(one.passes, 1);
  const progress: Array<[number, number]> = [];
  const windowed = await surprisal(gpt2, text, { window: 16, stride: 6 }, { onProgress: (d, t) => progress.push([d, t]) });
  assert.equal(windowed.tokens.length, one.tokens.length, 'each token scored once');
  assert.ok(windowed.passes > 1);
  assert.deepEqual(progress.map(([d]) => d), [...Array(windowed.passes).keys()].map((i) => i + 1));
  assert.ok(progress.every(([, t]) => t === windowed.passes));
  // positions 1…15 of [BOS, …] are scored in the first window, with all their left context
  for (let i = 0; i < 15; i++) assert.ok(Math.abs(windowed.tokens[i].surprisal - one.tokens[i].surprisal) < 1e-4, `token ${i}`);
  assert.deepEqual(windowed.tokens.map((t) => t.id), one.tokens.map((t) => t.id));
  // a text longer than the context is read in windows by default
  const long = Array.from({ length: 150 }, (_, i) => `w${i % 13}`).join(' ');
  const r = await surprisal(gpt2, long);
  assert.equal(r.tokens.length, gpt2.tokenizer.encode(long).tokens.length);
  assert.ok(r.passes >= 3 && r.tokens.every((t) => Number.isFinite(t.surprisal) && t.surprisal >= 0));
});

test('pseudo-perplexity for BERT: each ordinary token masked in turn, one pass per token', async () => {
  const bert = await open('bert');
  const text = 'Le chat dort sur le tapis.';
  const r = await surprisal(bert, text, { topK: 2 });
  const all = bert.tokenizer.encode(text, { special: true }).tokens;
  const ordinary = all.filter((t) => !t.special);
  assert.equal(r.kind, 'pseudo');
  assert.equal(r.passes, ordinary.length);
  assert.deepEqual(r.tokens.map((t) => t.id), ordinary.map((t) => t.id));
  const maskId = bert.tokenizer.encode('[MASK]').tokens[0].id;
  for (const i of [0, 3, ordinary.length - 1]) {
    const ids = all.map((t) => t.id);
    ids[i + 1] = maskId;
    const p = softmax(logitsRow(await logitsOfIds(bert, [ids]), 0, i + 1))[ordinary[i].id];
    assert.ok(Math.abs(r.tokens[i].prob - p) < 1e-6, `token ${i}: ${r.tokens[i].prob} vs ${p}`);
  }
  assert.ok(Math.abs(r.perplexity - Math.exp(r.meanNll)) < 1e-9 * r.perplexity);
  const long = Array.from({ length: 70 }, (_, i) => ['le', 'chat', 'sur'][i % 3]).join(' ');
  const windowed = await surprisal(bert, long);
  const count = bert.tokenizer.encode(long).tokens.length;
  assert.ok(count > bert.contextLength);
  assert.equal(windowed.tokens.length, count, 'a text longer than the context: a window per token');
  assert.equal(windowed.passes, count);
});

test('cancellation throws TaskError("cancelled"); empty text and bad windows are TaskErrors', async () => {
  const gpt2 = await open('gpt2');
  const controller = new AbortController();
  const long = Array.from({ length: 150 }, (_, i) => `w${i % 13}`).join(' ');
  await assert.rejects(
    surprisal(gpt2, long, {}, { signal: controller.signal, onProgress: () => controller.abort() }),
    (e: unknown) => e instanceof TaskError && e.message === 'cancelled',
  );
  await assert.rejects(surprisal(gpt2, ''), TaskError);
  await assert.rejects(surprisal(gpt2, 'hello', { window: 1000 }), TaskError);
  await assert.rejects(surprisal(gpt2, 'hello', { window: 16, stride: 16 }), TaskError);
});

test('the lean path: the body graph gives the inspect graph\'s last block states, and only them', async () => {
  const gpt2 = (await open('gpt2')) as LoadedModel & SurprisalModel;
  const body = gpt2.scoring?.body;
  assert.ok(body);
  assert.deepEqual(body.outputNames, ['residual_final']);
  const ids = gpt2.tokenizer.encode('<|endoftext|>The cat sat on the mat.').tokens.map((t) => t.id);
  const lean = (await body.run(feedsForIds({ ...gpt2, session: body }, [ids]), ['residual_final']))['residual_final'];
  const inspect = (await gpt2.session.run(feedsForIds(gpt2, [ids]), ['residual_final']))['residual_final'];
  assert.ok(lean && inspect);
  assert.deepEqual(lean.dims, [1, ids.length, gpt2.hiddenSize]);
  const a = lean.data as Float32Array, b = inspect.data as Float32Array;
  assert.ok(a.every((x, i) => Math.abs(x - b[i]) <= 1e-5), 'residual_final equal');
});

test('the lean path gives the numbers of the logits path: NLL (log-sum-exp in float64), rank and top k, window by window', async () => {
  const gpt2 = await open('gpt2');
  const text = Array.from({ length: 60 }, (_, i) => ['le', 'chat', 'dort', 'sur', 'un', 'tapis', 'rouge'][(i * 3) % 7]).join(' ');
  const [window, stride] = [24, 10];
  const r = await surprisal(gpt2, text, { window, stride, topK: 4 });
  const ids = [gpt2.tokenizer.encode('<|endoftext|>').tokens[0].id, ...gpt2.tokenizer.encode(text).tokens.map((t) => t.id)];
  const expected: Array<{ nll: number; rank: number; top: number[] }> = [];
  for (const w of slidingWindows(ids.length, window, stride)) {
    const logits = await logitsOfIds(gpt2, [ids.slice(w.start, w.end)]);
    for (let p = w.scoreFrom; p < w.end; p++) {
      const row = logitsRow(logits, 0, p - 1 - w.start);
      expected.push({ nll: logSumExp(row) - row[ids[p]], rank: rankOf(row, ids[p]), top: topIds(row, 4) });
    }
  }
  assert.ok(r.passes > 2);
  assert.equal(r.tokens.length, expected.length);
  r.tokens.forEach((t, i) => {
    assert.ok(Math.abs(t.surprisal * Math.LN2 - expected[i].nll) < 1e-9, `token ${i}: ${t.surprisal * Math.LN2} vs ${expected[i].nll}`);
    assert.equal(t.rank, expected[i].rank, `token ${i}: rank`);
    assert.deepEqual(t.top.map((c) => c.id), expected[i].top, `token ${i}: top`);
  });
  const mean = expected.reduce((s, e) => s + e.nll, 0) / expected.length;
  assert.ok(Math.abs(r.meanNll - mean) < 1e-12, `mean NLL ${r.meanNll} vs ${mean}`);
});

test('a causal model without its surprisal sessions is refused', async () => {
  const bare = await openModel(tinyModelDir('gpt2'), backend, { device: 'cpu', graphCacheDir });
  try {
    await assert.rejects(surprisal(bare, 'hello there'), /openSurprisalSessions/);
  } finally {
    await bare.session.release();
  }
});
