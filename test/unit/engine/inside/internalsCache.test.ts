/**
 * internalsOf keeps the last texts of each model: a second call on the same text runs nothing; the
 * count bound and the byte bound evict the oldest; a text too big for the bound is run, not kept;
 * a failed run is not kept; releasing the model forgets them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { internalsBytes, internalsOutputNames } from '../../../../src/engine/inside/internals';
import { INTERNALS_CACHE, internalsOf } from '../../../../src/engine/inside/internalsCache';
import type { InferenceSession, TensorData } from '../../../../src/engine/runtime/types';
import { releaseModelExtras } from '../../../../src/engine/tasks/modelExtras';
import { openModel, type LoadedModel } from '../../../../src/engine/tasks/openModel';
import { createBackend } from '../../../../src/host/backends';
import { fakeTokenizer } from '../../../support/fakeCausalModel';
import { tempDir, tinyModelDir } from '../../../support/tinyModels';

/** `session` with its runs counted (the texts' lengths, in order). */
function counted(session: InferenceSession): InferenceSession & { runs: number[] } {
  const wrapper = {
    runs: [] as number[],
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    device: session.device,
    run(feeds: Record<string, TensorData>, names: readonly string[]) {
      wrapper.runs.push(feeds['input_ids'].dims[1]);
      return session.run(feeds, names);
    },
    release: () => session.release(),
  };
  return wrapper as InferenceSession & { runs: number[] };
}

test('internalsOf on a tiny GPT-2: the same text twice is one run; a fifth text evicts the least recently used', async () => {
  const opened = await openModel(tinyModelDir('gpt2'), createBackend('onnx'), { device: 'cpu', graphCacheDir: tempDir('trex-cache-graphs-') });
  const session = counted(opened.session);
  const model: LoadedModel = { ...opened, session };
  try {
    const first = await internalsOf(model, 'the cat sleeps');
    assert.equal(session.runs.length, 1);
    const again = await internalsOf(model, 'the cat sleeps');
    assert.equal(session.runs.length, 1, 'the second call on the same text runs nothing');
    assert.equal(again, first, 'the same internals');
    const [a, b] = await Promise.all([internalsOf(model, 'a dog barks'), internalsOf(model, 'a dog barks')]);
    assert.equal(a, b);
    assert.equal(session.runs.length, 2, 'two calls at once share one run');
    assert.equal(INTERNALS_CACHE.texts, 4);
    await internalsOf(model, 'text three');
    await internalsOf(model, 'text four'); // kept: the cat, a dog, three, four
    await internalsOf(model, 'the cat sleeps'); // used again: now the most recent
    assert.equal(session.runs.length, 4);
    await internalsOf(model, 'text five'); // evicts "a dog barks", the least recently used
    assert.equal(session.runs.length, 5);
    await internalsOf(model, 'the cat sleeps');
    await internalsOf(model, 'text three');
    assert.equal(session.runs.length, 5, 'still kept');
    await internalsOf(model, 'a dog barks');
    assert.equal(session.runs.length, 6, 'evicted: run again');
    await releaseModelExtras(model);
    await internalsOf(model, 'the cat sleeps');
    assert.equal(session.runs.length, 7, 'released with the model: run again');
  } finally {
    await releaseModelExtras(model);
    await opened.session.release();
  }
});

/**
 * A fake causal model whose internals are big on paper (d = 2^22), so the byte bound bites with
 * a few short texts: every output is a view of one shared buffer.
 */
function bigModel(): LoadedModel & { session: { runs: number[] } } {
  const d = 1 << 22;
  const shared = new Float32Array(4 * d);
  const outputNames = internalsOutputNames(1, 'gpt2');
  let fail = false;
  const session = {
    runs: [] as number[],
    inputNames: ['input_ids', 'attention_mask', 'position_ids'],
    outputNames,
    device: 'cpu' as const,
    async run(feeds: Record<string, TensorData>, names: readonly string[]): Promise<Record<string, TensorData>> {
      const T = feeds['input_ids'].dims[1];
      session.runs.push(T);
      if (fail) throw new Error('the run failed');
      const out: Record<string, TensorData> = {};
      for (const name of names) {
        const size = name.startsWith('attentions.') ? T * T : T * d;
        out[name] = { type: 'float32', dims: [size], data: shared.subarray(0, size) };
      }
      return out;
    },
    async release() {},
    failNext(value: boolean) {
      fail = value;
    },
  };
  const model = { label: 'big fake', family: 'gpt2', tokenizer: fakeTokenizer, contextLength: 64, numLayers: 1, numHeads: 1, hiddenSize: d, vocabSize: 6, session, graphBytes: 0 };
  return model as unknown as LoadedModel & { session: { runs: number[] } };
}

test('internalsOf: the byte bound evicts the oldest; a text over the bound alone is run but not kept; a failed run is not kept', async () => {
  const model = bigModel();
  const runs = model.session.runs;
  const one = internalsBytes(model, 1);
  assert.ok(3 * one <= INTERNALS_CACHE.bytes && 4 * one > INTERNALS_CACHE.bytes, `three one-token texts fit, four do not (${one} bytes each)`);
  assert.ok(internalsBytes(model, 4) > INTERNALS_CACHE.bytes);
  try {
    for (const text of ['a', 'b', 'c']) await internalsOf(model, text);
    await internalsOf(model, 'a'); // the most recent now: b is the oldest
    assert.equal(runs.length, 3);
    await internalsOf(model, 'd'); // 4 × one > the bound: b goes
    await internalsOf(model, 'a');
    await internalsOf(model, 'c');
    await internalsOf(model, 'd');
    assert.equal(runs.length, 4, 'a, c and d kept');
    await internalsOf(model, 'b');
    assert.equal(runs.length, 5, 'b was evicted');

    await internalsOf(model, 'abcd');
    await internalsOf(model, 'abcd');
    assert.deepEqual(runs.slice(5), [4, 4], 'four tokens are over the bound alone: run each time, never kept');
    await internalsOf(model, 'b');
    assert.equal(runs.length, 7, 'and they evicted nothing');

    (model.session as unknown as { failNext(v: boolean): void }).failNext(true);
    await assert.rejects(internalsOf(model, 'e'), /the run failed/);
    (model.session as unknown as { failNext(v: boolean): void }).failNext(false);
    await internalsOf(model, 'e');
    assert.equal(runs.length, 9, 'a failed run is forgotten: the next call runs again');
  } finally {
    await releaseModelExtras(model);
  }
});
