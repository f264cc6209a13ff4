/**
 * Decoding on hand-set logits: the pure filters (temperature, top-k, top-p, ties and p = 1), the
 * seeded sampler, and generate() on a fake causal model — greedy = argmax, T → 0 = greedy, same
 * seed = same sample, beam search beats greedy and the length penalty α picks the winner as
 * score = log P / |x|^α says, stop / EOS / context / cancel, and no extra model run for the panel.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../../../../src/engine/graph/weights';
import { findStop, lengthPenalisedScore } from '../../../../src/engine/tasks/beamSearch';
import { generate } from '../../../../src/engine/tasks/generate';
import { filterLogits, sampleIndex } from '../../../../src/engine/tasks/sampling';
import { argmax, logSoftmax, rankOf, softmax, topIds } from '../../../../src/engine/tasks/softmax';
import { TaskError } from '../../../../src/engine/tasks/errors';
import { EOS, fakeModel, id, logitsOf, VOCAB } from '../../../support/fakeCausalModel';

const keptSet = (kept: Uint8Array): number[] => [...kept.keys()].filter((i) => kept[i] === 1);
const close = (a: number, b: number, eps = 1e-9): void => assert.ok(Math.abs(a - b) <= eps, `${a} ≠ ${b}`);

test('softmax / logSoftmax / argmax / rank / top ids on a hand-set row', () => {
  const row = Float32Array.from([1, 3, 3, 2, -Infinity]);
  const p = softmax(row);
  close(p.reduce((a, b) => a + b, 0), 1);
  assert.equal(p[4], 0);
  close(p[1] / p[3], Math.E, 1e-12);
  close(Math.exp(logSoftmax(row)[3]), p[3], 1e-12);
  const hot = softmax(row, 0.5);
  close(hot[1] / hot[3], Math.E ** 2, 1e-9);
  assert.equal(argmax(row), 1, 'the first of tied maxima');
  assert.deepEqual([rankOf(row, 1), rankOf(row, 2), rankOf(row, 3), rankOf(row, 0)], [1, 1, 3, 4]);
  assert.deepEqual(topIds(row, 3), [1, 2, 3]);
  assert.deepEqual(topIds(row, 10), [1, 2, 3, 0, 4]);
  const big = Float32Array.from({ length: 5000 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
  assert.deepEqual(topIds(big, 7), [...big.keys()].sort((a, b) => big[b] - big[a] || a - b).slice(0, 7));
  assert.throws(() => softmax(row, 0), RangeError);
});

test('top-k keeps exactly the k most likely, and every token tied with the k-th', () => {
  const row = Float32Array.from([1, 3, 3, 2, 0, 2]);
  assert.deepEqual(keptSet(filterLogits(row, { topK: 2 }).kept), [1, 2]);
  assert.deepEqual(keptSet(filterLogits(row, { topK: 1 }).kept), [1, 2], 'a tie at the boundary keeps both');
  assert.deepEqual(keptSet(filterLogits(row, { topK: 3 }).kept), [1, 2, 3, 5], 'the third is tied with the fourth');
  assert.deepEqual(keptSet(filterLogits(row, { topK: 5 }).kept), [0, 1, 2, 3, 5]);
  assert.deepEqual(keptSet(filterLogits(row, { topK: 6 }).kept), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(keptSet(filterLogits(row, { topK: 0 }).kept), [0, 1, 2, 3, 4, 5], '0 = off');
  const f = filterLogits(row, { topK: 2 });
  close(f.probs[1], 0.5);
  close(f.probs[2], 0.5);
  assert.equal(f.probs[3], 0);
  assert.equal(f.keptCount, 2);
});

test('top-p keeps the smallest most-likely set reaching p; p = 1 keeps everything; ties widen', () => {
  const row = Float32Array.from([0.5, 0.3, 0.15, 0.05].map(Math.log));
  assert.deepEqual(keptSet(filterLogits(row, { topP: 0.5 }).kept), [0]);
  assert.deepEqual(keptSet(filterLogits(row, { topP: 0.49 }).kept), [0]);
  assert.deepEqual(keptSet(filterLogits(row, { topP: 0.51 }).kept), [0, 1]);
  assert.deepEqual(keptSet(filterLogits(row, { topP: 0.8 }).kept), [0, 1]);
  assert.deepEqual(keptSet(filterLogits(row, { topP: 0.81 }).kept), [0, 1, 2]);
  assert.deepEqual(keptSet(filterLogits(row, { topP: 0.96 }).kept), [0, 1, 2, 3]);
  assert.deepEqual(keptSet(filterLogits(row, { topP: 1 }).kept), [0, 1, 2, 3]);
  assert.deepEqual(keptSet(filterLogits(row, { topP: 1e-6 }).kept), [0], 'at least one token');
  const tiny = Float32Array.from([10, 0, -30]);
  assert.deepEqual(keptSet(filterLogits(tiny, { topP: 1 }).kept), [0, 1, 2], 'p = 1 keeps even a token of probability ~1e-18');
  const tied = Float32Array.from([0.4, 0.4, 0.2].map(Math.log));
  assert.deepEqual(keptSet(filterLogits(tied, { topP: 0.3 }).kept), [0, 1], 'the token tied with the last kept one is kept');
  const f = filterLogits(row, { topP: 0.8 });
  close(f.probs[0], 0.5 / 0.8, 1e-6);
  close(f.probs[1], 0.3 / 0.8, 1e-6);
  // top-k then top-p, over what top-k kept (Hugging Face's order)
  assert.deepEqual(keptSet(filterLogits(row, { topP: 0.6 }).kept), [0, 1], 'alone: 0.5 < 0.6');
  assert.deepEqual(keptSet(filterLogits(row, { topK: 2, topP: 0.6 }).kept), [0], 'after top-k: 0.5 / 0.8 = 0.625 ≥ 0.6');
  assert.deepEqual(keptSet(filterLogits(row, { topK: 2, topP: 0.63 }).kept), [0, 1]);
  assert.throws(() => filterLogits(row, { topP: 0 }), RangeError);
  assert.throws(() => filterLogits(row, { topP: 1.5 }), RangeError);
  assert.throws(() => filterLogits(row, { temperature: -1 }), RangeError);
});

test('sampleIndex draws with the given probabilities, reproducibly from a seed', () => {
  const probs = [0.1, 0, 0.6, 0.3];
  const counts = [0, 0, 0, 0];
  const random = seededRandom(7);
  for (let i = 0; i < 20000; i++) counts[sampleIndex(probs, random)]++;
  assert.equal(counts[1], 0, 'never a token of probability 0');
  probs.forEach((p, i) => assert.ok(Math.abs(counts[i] / 20000 - p) < 0.015, `token ${i}: ${counts[i] / 20000} vs ${p}`));
  const draw = (seed: number) => { const r = seededRandom(seed); return Array.from({ length: 50 }, () => sampleIndex(probs, r)); };
  assert.deepEqual(draw(3), draw(3));
  assert.notDeepEqual(draw(3), draw(4));
});

/** After the last token: a distribution chosen by the last letter (a → b, b → c, …), never EOS. */
function chain(seq: number[]): Float32Array {
  const last = VOCAB[seq[seq.length - 1]];
  const table: Record<string, Record<string, number>> = {
    a: { b: 0.6, c: 0.3, d: 0.05, e: 0.04, a: 0.01 }, b: { c: 0.5, d: 0.45, e: 0.03, a: 0.01, b: 0.01 },
    c: { d: 0.4, a: 0.35, e: 0.15, b: 0.05, c: 0.05 }, d: { e: 0.7, a: 0.1, b: 0.1, c: 0.05, d: 0.05 }, e: { a: 0.3, b: 0.25, c: 0.2, d: 0.15, e: 0.1 },
  };
  return logitsOf({ '<|endoftext|>': 1e-9, ...table[last] });
}

test('greedy picks the argmax at every step; its panel data come from the runs it made anyway', async () => {
  const model = fakeModel(chain);
  const seen: number[] = [];
  const r = await generate(model, 'a', { strategy: 'greedy', maxNewTokens: 6, showTopK: 3 }, { onStep: (s) => seen.push(s.index) });
  assert.equal(r.text, 'bcdeab');
  assert.deepEqual(r.tokenIds, [...'bcdeab'].map(id));
  assert.equal(r.finishReason, 'maxTokens');
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5]);
  assert.equal(model.runs, 6, 'the prompt, then one run per new token but the last: no extra run for the candidates');
  close(r.logProb, Math.log(0.6 * 0.5 * 0.4 * 0.7 * 0.3 * 0.6), 1e-6);
  const first = r.steps[0];
  assert.deepEqual(first.candidates.map((c) => c.token), ['b', 'c', 'd']);
  close(first.candidates[0].prob, 0.6, 1e-6);
  assert.equal(first.chosen.token, 'b');
  assert.deepEqual(first.candidates.map((c) => c.kept), [true, false, false]);
  assert.deepEqual(r.steps.map((s) => s.text), ['b', 'bc', 'bcd', 'bcde', 'bcdea', 'bcdeab']);
  assert.deepEqual(r.promptTokens.map((t) => t.token), ['a']);
});

test('temperature → 0 equals greedy, whatever the seed', async () => {
  const greedy = await generate(fakeModel(chain), 'a', { strategy: 'greedy', maxNewTokens: 8 });
  for (const seed of [0, 1, 2, 42]) {
    const cold = await generate(fakeModel(chain), 'a', { strategy: 'sample', temperature: 1e-4, seed, maxNewTokens: 8 });
    assert.deepEqual(cold.tokenIds, greedy.tokenIds, `seed ${seed}`);
    close(cold.logProb, greedy.logProb, 1e-9);
  }
});

test('sampling: the same seed gives identical samples; top-k / top-p candidates are flagged and renormalised', async () => {
  const opts = { strategy: 'sample' as const, maxNewTokens: 12, temperature: 1.5, topK: 3, seed: 11 };
  const one = await generate(fakeModel(chain), 'a', opts);
  const two = await generate(fakeModel(chain), 'a', opts);
  assert.deepEqual(two.tokenIds, one.tokenIds);
  assert.deepEqual(two.steps, one.steps);
  const others = await Promise.all([12, 13, 14].map((seed) => generate(fakeModel(chain), 'a', { ...opts, seed })));
  assert.ok(others.some((o) => o.text !== one.text), 'other seeds give other samples');
  for (const s of one.steps) {
    const kept = s.candidates.filter((c) => c.kept);
    assert.equal(kept.length, 3, 'top-k = 3 among the shown candidates (they are the most likely)');
    close(kept.reduce((a, c) => a + c.adjustedProb, 0), 1, 1e-9);
    assert.ok(s.candidates.filter((c) => !c.kept).every((c) => c.adjustedProb === 0));
    assert.ok(s.chosen.kept, 'only a kept token is ever drawn');
    assert.ok(kept[0].adjustedProb < kept[0].prob / kept.reduce((a, c) => a + c.prob, 0) + 1e-12, 'T = 1.5 flattens');
  }
  const nucleus = await generate(fakeModel(chain), 'a', { strategy: 'sample', maxNewTokens: 1, topP: 0.85, seed: 1 });
  assert.deepEqual(nucleus.steps[0].candidates.filter((c) => c.kept).map((c) => c.token), ['b', 'c'], '0.6 + 0.3 ≥ 0.85');
});

/** a → b 0.5 / c 0.4; after b everything is flat (best 0.3); after c, d is 0.9: greedy takes b, beams find c d. */
function trap(seq: number[]): Float32Array {
  const s = seq.map((i) => VOCAB[i]).join('');
  if (s === 'a') return logitsOf({ b: 0.5, c: 0.4, '<|endoftext|>': 1e-9 });
  if (s === 'ab') return logitsOf({ a: 0.3, b: 0.25, c: 0.2, d: 0.15, e: 0.1, '<|endoftext|>': 1e-9 });
  if (s === 'ac') return logitsOf({ d: 0.9, '<|endoftext|>': 1e-9 });
  return logitsOf({ a: 0.2, b: 0.2, c: 0.2, d: 0.2, e: 0.2 - 1e-9, '<|endoftext|>': 1e-9 });
}

test('beam search finds the more likely sequence greedy misses, with the whole tree', async () => {
  const greedy = await generate(fakeModel(trap), 'a', { strategy: 'greedy', maxNewTokens: 2 });
  assert.equal(greedy.text, 'ba');
  close(greedy.logProb, Math.log(0.5 * 0.3), 1e-6);
  const model = fakeModel(trap);
  const beam = await generate(model, 'a', { strategy: 'beam', numBeams: 2, lengthPenalty: 0, maxNewTokens: 2 });
  assert.equal(beam.text, 'cd');
  close(beam.logProb, Math.log(0.4 * 0.9), 1e-6);
  assert.ok(beam.logProb > greedy.logProb);
  assert.equal(model.runs, 2, 'the prompt, then both beams in one batched run');
  const tree = beam.beams ?? [];
  const best = tree.filter((n) => n.status === 'best');
  assert.deepEqual(best.map((n) => n.token), ['c', 'd'], 'the best path');
  assert.equal(best[1].parent, best[0].id);
  close(best[1].cumLogProb, Math.log(0.36), 1e-6);
  assert.ok(tree.some((n) => n.status === 'pruned'), 'pruned branches are kept in the tree');
  assert.ok(tree.some((n) => n.token === 'b' && n.step === 0 && n.status === 'kept'), 'b was a beam at step 0');
  assert.deepEqual(beam.steps.map((s) => s.chosen.token), ['c', 'd']);
  assert.deepEqual(beam.steps.map((s) => s.text), ['c', 'cd']);
  close(beam.steps[1].chosen.prob, 0.9, 1e-6);
});

/** a → EOS 0.4 (a short finished hypothesis), b 0.35; a b → c 0.5; a b c → d 0.9; never EOS elsewhere. */
function shortOrLong(seq: number[]): Float32Array {
  const s = seq.map((i) => VOCAB[i]).join('');
  if (s === 'a') return logitsOf({ '<|endoftext|>': 0.4, b: 0.35 });
  if (s === 'ab') return logitsOf({ c: 0.5, '<|endoftext|>': 1e-9 });
  if (s === 'abc') return logitsOf({ d: 0.9, '<|endoftext|>': 1e-9 });
  return logitsOf({ a: 0.2, b: 0.2, c: 0.2, d: 0.2, e: 0.2 - 1e-9, '<|endoftext|>': 1e-9 });
}

test('the length penalty α changes the winner as score = log P / |x|^α says', async () => {
  const short = { logP: Math.log(0.4), length: 1 };
  const long = { logP: Math.log(0.35 * 0.5 * 0.9), length: 3 };
  for (const alpha of [0, 0.3, 0.5, 1, 2]) {
    const r = await generate(fakeModel(shortOrLong), 'a', { strategy: 'beam', numBeams: 2, lengthPenalty: alpha, maxNewTokens: 3 });
    const longWins = lengthPenalisedScore(long.logP, long.length, alpha) > lengthPenalisedScore(short.logP, short.length, alpha);
    if (longWins) {
      assert.equal(r.text, 'bcd', `α = ${alpha}`);
      assert.equal(r.finishReason, 'maxTokens');
      close(r.logProb, long.logP, 1e-6);
    } else {
      assert.equal(r.text, '', `α = ${alpha}`);
      assert.deepEqual(r.tokenIds, [EOS]);
      assert.equal(r.finishReason, 'eos');
      close(r.logProb, short.logP, 1e-6);
    }
    const winner = (r.beams ?? []).filter((n) => n.status === 'best').at(-1);
    close(winner?.score ?? NaN, lengthPenalisedScore(r.logProb, r.tokenIds.length, alpha), 1e-9);
  }
  // The formula's two regimes are both exercised above.
  assert.ok(lengthPenalisedScore(long.logP, 3, 0) < lengthPenalisedScore(short.logP, 1, 0));
  assert.ok(lengthPenalisedScore(long.logP, 3, 1) > lengthPenalisedScore(short.logP, 1, 1));
});

test('stop sequences, end of text, the context limit and cancellation end generation', async () => {
  const stopped = await generate(fakeModel(chain), 'a', { strategy: 'greedy', maxNewTokens: 10, stop: ['de'] });
  assert.equal(stopped.text, 'bc');
  assert.equal(stopped.finishReason, 'stop');
  assert.equal(findStop('xxabyyab', ['yy', 'ab']), 2);

  const ending = (seq: number[]) => (seq.length >= 3 ? logitsOf({ '<|endoftext|>': 0.9 }) : chain(seq));
  const eos = await generate(fakeModel(ending), 'a', { strategy: 'greedy', maxNewTokens: 10 });
  assert.equal(eos.finishReason, 'eos');
  assert.equal(eos.text, 'bc');
  assert.deepEqual(eos.tokenIds, [id('b'), id('c'), EOS]);

  const small = fakeModel(chain, 5);
  const full = await generate(small, 'abc', { strategy: 'greedy', maxNewTokens: 2 });
  assert.equal(full.tokenIds.length, 2);
  const crowded = await generate(small, 'abca', { strategy: 'greedy', maxNewTokens: 2 });
  assert.equal(crowded.promptTokens.length, 3, 'a prompt that leaves no room keeps its last tokens');
  assert.deepEqual(crowded.promptTokens.map((t) => t.start), [1, 2, 3]);
  const room = await generate(fakeModel(chain, 5), 'abc', { strategy: 'greedy', maxNewTokens: 1 });
  assert.equal(room.finishReason, 'maxTokens');
  const limited = fakeModel(chain, 6);
  const ctx = await generate(limited, 'abc', { strategy: 'greedy', maxNewTokens: 3 });
  assert.equal(ctx.finishReason, 'maxTokens');
  assert.ok(limited.longest <= 6);
  const tight = fakeModel(chain, 4);
  const more = await generate(tight, 'ab', { strategy: 'greedy', maxNewTokens: 2 });
  assert.equal(more.tokenIds.length, 2);
  const beyond = fakeModel(chain, 4);
  const cut = await generate(beyond, 'ab', { strategy: 'greedy', maxNewTokens: 20 });
  assert.equal(cut.finishReason, 'contextFull');
  assert.equal(cut.tokenIds.length, 3, 'positions 2 and 3 are fed, the last token needs no run');
  assert.equal(beyond.longest, 4);

  const controller = new AbortController();
  const cancelled = await generate(fakeModel(chain), 'a', { strategy: 'sample', maxNewTokens: 10, seed: 1 }, { signal: controller.signal, onStep: (s) => s.index === 1 && controller.abort() });
  assert.equal(cancelled.finishReason, 'cancelled');
  assert.equal(cancelled.steps.length, 2);
  const beamCancel = new AbortController();
  const beams = await generate(fakeModel(chain), 'a', { strategy: 'beam', numBeams: 2, maxNewTokens: 10 }, { signal: beamCancel.signal, onStep: (s) => s.index === 2 && beamCancel.abort() });
  assert.equal(beams.finishReason, 'cancelled');
  assert.equal(beams.tokenIds.length, 3);
});

test('an empty prompt starts from <|endoftext|>; bad knobs are TaskErrors', async () => {
  const seen: number[][] = [];
  const r = await generate(fakeModel((s) => (seen.push([...s]), chain([...s.slice(0, -1), id('a')]))), '', { strategy: 'greedy', maxNewTokens: 1 });
  assert.deepEqual(seen[0], [EOS]);
  assert.equal(r.promptTokens[0].special, true);
  for (const bad of [{ maxNewTokens: 0 }, { temperature: 0 }, { topP: 2 }, { topK: -1 }, { numBeams: 0 }]) {
    await assert.rejects(generate(fakeModel(chain), 'a', { strategy: 'sample', maxNewTokens: 3, ...bad }), TaskError, JSON.stringify(bad));
  }
  await assert.rejects(generate({ ...fakeModel(chain), family: 'bert' }, 'a', { strategy: 'greedy', maxNewTokens: 1 }), /causal GPT-2-family model/);
});
