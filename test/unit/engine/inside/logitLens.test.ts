/**
 * What the logit lens reads (planLens) and the masked-word lens on the tiny real-vocabulary BERT:
 * the word masked one mask per token, targets the original token ids, the last row equal to the
 * model's own prediction (softmax of its logits) at each mask.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInternals } from '../../../../src/engine/inside/internals';
import { openLensHead } from '../../../../src/engine/inside/lensHead';
import { planLens, readLens } from '../../../../src/engine/inside/logitLens';
import { TaskError } from '../../../../src/engine/tasks/errors';
import { runLogits } from '../../../../src/engine/tasks/logits';
import { releaseModelExtras } from '../../../../src/engine/tasks/modelExtras';
import { openModel, type LoadedModel } from '../../../../src/engine/tasks/openModel';
import { createBackend } from '../../../../src/host/backends';
import { tempDir, tinyModelDir } from '../../../support/tinyModels';

const backend = createBackend('onnx');

async function open(name: 'gpt2' | 'bert'): Promise<{ model: LoadedModel; graphCacheDir: string }> {
  const graphCacheDir = tempDir('trex-lens-graphs-');
  return { model: await openModel(tinyModelDir(name), backend, { device: 'cpu', graphCacheDir }), graphCacheDir };
}

async function close(model: LoadedModel): Promise<void> {
  await releaseModelExtras(model);
  await model.session.release();
}

const isTaskError = (message: RegExp) => (e: unknown) => e instanceof TaskError && message.test(e.message);

test('planLens: a causal model refuses a word; a masked one needs [MASK] or a word; the plans say what they read', async () => {
  const { model: gpt2 } = await open('gpt2');
  const { model: bert } = await open('bert');
  try {
    assert.throws(() => planLens(gpt2, 'the cat sleeps', { word: { start: 4, end: 7 } }), isTaskError(/causal model reads the next token at every position/));
    const causal = planLens(gpt2, 'the cat sleeps');
    assert.equal(causal.kind, 'causal');
    assert.equal(causal.text, 'the cat sleeps');
    const internals = await runInternals(gpt2, causal.text);
    const ids = internals.tokens.map((t) => t.id);
    assert.deepEqual(causal.columns(internals), { positions: ids.map((_, i) => i), targets: [...ids.slice(1), -1] }, 'each position against the next token; the last has none');

    assert.throws(() => planLens(bert, 'no mask here'), isTaskError(/no \[MASK\] in the text/));
    assert.throws(() => planLens({ ...bert, maskToken: undefined }, 'no mask here'), isTaskError(/has no mask token/));
    assert.throws(() => planLens(bert, 'the cat', { word: { start: 3, end: 4 } }), isTaskError(/no word to mask there/), 'a blank word');
    const masks = planLens(bert, 'the [MASK] sat on the <mask>.');
    assert.equal(masks.kind, 'masked');
    assert.equal(masks.masked, undefined, 'no word: the text is read as written');
    assert.equal(masks.text, 'the [MASK] sat on the [MASK].', 'both spellings of the mask read as the model\'s');
    const read = masks.columns(await runInternals(bert, masks.text));
    assert.equal(read.positions.length, 2);
    assert.deepEqual(read.targets, [-1, -1], 'a mask written in the text has no target');
  } finally {
    await close(gpt2);
    await close(bert);
  }
});

test('the masked-word lens: one mask per token of the word, targets the original ids, the last row is the model\'s prediction', async () => {
  const { model: bert, graphCacheDir } = await open('bert');
  try {
    const text = 'the cat unaffable the food';
    const word = { start: 8, end: 17 };
    const pieces = bert.tokenizer.encode(text).tokens.filter((t) => t.start < word.end && t.end > word.start);
    assert.ok(pieces.length > 1, 'a word of several tokens');
    const plan = planLens(bert, text, { word });
    assert.ok(plan.masked);
    assert.deepEqual(plan.masked, { start: 8, end: 17, text: 'unaffable', maskCount: pieces.length, readText: `the cat ${'[MASK]'.repeat(pieces.length)} the food` });
    assert.equal(plan.text, plan.masked.readText);
    const internals = await runInternals(bert, plan.text);
    const head = await openLensHead(bert, backend, { device: 'cpu', graphCacheDir });
    const progress: Array<[number, number]> = [];
    const lens = await readLens(bert, plan, internals, head, 3, { onProgress: (done, total) => progress.push([done, total]) });
    assert.equal(lens.kind, 'masked');
    assert.deepEqual(lens.masked, plan.masked);
    assert.equal(lens.positions.length, pieces.length);
    assert.ok(lens.positions.every((p) => internals.tokens[p].token === '[MASK]'));
    assert.deepEqual(progress, [[(bert.numLayers + 1) * pieces.length, (bert.numLayers + 1) * pieces.length]], 'one chunk: every row at once');
    assert.equal(lens.cells.length, bert.numLayers + 1);
    const { logits } = await runLogits(bert, plan.text, lens.positions);
    const V = bert.vocabSize;
    const data = logits.data as Float32Array;
    lens.positions.forEach((_, c) => {
      for (const row of lens.cells) {
        const cell = row[c];
        assert.equal(cell.top.length, 3);
        assert.ok(cell.target, 'the masked word is the target');
        assert.equal(cell.target.id, pieces[c].id, `mask ${c} is scored against the original token ${pieces[c].token}`);
        assert.equal(cell.target.token, pieces[c].token);
        assert.ok(cell.target.rank >= 1 && cell.target.rank <= V);
        if (cell.target.rank <= 3) assert.equal(cell.top[cell.target.rank - 1].id, cell.target.id);
      }
      // The last row is the MLM head on the last hidden state: the model's own softmax.
      const row = data.subarray(c * V, (c + 1) * V);
      const max = row.reduce((m, x) => Math.max(m, x), -Infinity);
      const logSum = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
      const last = lens.cells[bert.numLayers][c];
      const target = pieces[c].id;
      assert.ok(Math.abs(Math.log(last.target?.prob ?? 0) - (row[target] - logSum)) < 1e-4, 'the target\'s probability is the model\'s');
      assert.equal(last.target?.rank, 1 + row.reduce((n, x) => n + (x > row[target] ? 1 : 0), 0), 'its rank too');
      last.top.forEach((t) => assert.ok(Math.abs(Math.log(t.prob) - (row[t.id] - logSum)) < 1e-4));
    });
    assert.throws(() => planLens(bert, text, { word: { start: 0, end: 0 } }), TaskError);
  } finally {
    await close(bert);
  }
});

test('the masked-word lens on a text that already has a [MASK]: the word\'s masks get its ids, the other mask no target', async () => {
  const { model: bert } = await open('bert');
  try {
    const text = 'the [MASK] sat on the unaffable mat';
    const word = { start: 22, end: 31 };
    assert.equal(text.slice(word.start, word.end), 'unaffable');
    const pieces = bert.tokenizer.encode(text).tokens.filter((t) => t.start < word.end && t.end > word.start);
    const plan = planLens(bert, text, { word });
    const internals = await runInternals(bert, plan.text);
    const { positions, targets } = plan.columns(internals);
    assert.equal(positions.length, 1 + pieces.length, 'every mask is read');
    const wordMasks = positions.filter((p) => internals.tokens[p].start >= word.start);
    assert.deepEqual(positions.map((p, i) => (wordMasks.includes(p) ? targets[i] : -1)), targets, 'the mask written in the text has no target');
    assert.deepEqual(wordMasks.map((p) => targets[positions.indexOf(p)]), pieces.map((t) => t.id), 'the word\'s masks, in order, against its tokens');
  } finally {
    await close(bert);
  }
});
