/**
 * Fill-mask, the MLM masking demo and BERT vs GPT at the cursor on the tiny random-weight BERT and
 * GPT-2 with their real tokenizers: probabilities over the whole vocabulary sum to 1, masks are
 * filled jointly left to right, the user's own words are scored, long texts get a window around
 * the mask, and user mistakes get clear TaskErrors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OnnxRuntimeBackend } from '../../../../src/engine/runtime/onnxRuntime';
import { compareAtCursor, contextAround, wordAt } from '../../../../src/engine/tasks/compareAtCursor';
import { TaskError } from '../../../../src/engine/tasks/errors';
import { fillMask, maskWord, normalizeMasks } from '../../../../src/engine/tasks/fillMask';
import { logitsOfIds, logitsRow } from '../../../../src/engine/tasks/idsLogits';
import { mlmDemo } from '../../../../src/engine/tasks/mlmDemo';
import { openModel, type LoadedModel } from '../../../../src/engine/tasks/openModel';
import { softmax } from '../../../../src/engine/tasks/softmax';
import { surprisal } from '../../../../src/engine/tasks/surprisal';
import { openSurprisalSessions } from '../../../../src/engine/tasks/surprisalSessions';
import { tempDir, tinyModelDir } from '../../../support/tinyModels';

const backend = new OnnxRuntimeBackend();
const graphCacheDir = tempDir('trex-fill-graphs-');
const models = new Map<string, Promise<LoadedModel>>();
function open(name: 'gpt2' | 'bert'): Promise<LoadedModel> {
  if (!models.has(name)) models.set(name, openModel(tinyModelDir(name), backend, { device: 'cpu', graphCacheDir }));
  return models.get(name) as Promise<LoadedModel>;
}

test('normalizeMasks reads [MASK] and <mask> in any case as the model\'s own mask token', () => {
  const r = normalizeMasks('a [mask] b <MASK> c [MASK]', '[MASK]');
  assert.equal(r.text, 'a [MASK] b [MASK] c [MASK]');
  assert.deepEqual(r.masks, [{ start: 2, end: 8 }, { start: 11, end: 17 }, { start: 20, end: 26 }]);
  assert.ok(r.masks.every((m) => r.text.slice(m.start, m.end) === '[MASK]'));
  const roberta = normalizeMasks('x [MASK] y', '<mask>');
  assert.equal(roberta.text, 'x <mask> y');
  assert.deepEqual(normalizeMasks('no mask here', '[MASK]').masks, []);
});

test('fill-mask: probabilities over the whole vocabulary sum to 1 and match the model\'s logits', async () => {
  const bert = await open('bert');
  const text = 'Le chat [mask] sur le tapis.';
  const r = await fillMask(bert, text, { topK: bert.vocabSize });
  assert.equal(r.masks.length, 1);
  const slot = r.masks[0];
  assert.equal(slot.candidates.length, bert.vocabSize);
  const sum = slot.candidates.reduce((s, c) => s + c.prob, 0);
  assert.ok(Math.abs(sum - 1) < 1e-4, `sum ${sum}`);
  assert.deepEqual([slot.start, slot.end], [8, 14], 'offsets in the original text');
  assert.equal(r.tokens[slot.position].token, '[MASK]');
  assert.deepEqual(slot.candidates.slice(0, 3).map((c) => c.rank), [1, 2, 3]);
  const ids = r.tokens.map((t) => t.id);
  const probs = softmax(logitsRow(await logitsOfIds(bert, [ids]), 0, slot.position));
  for (const c of slot.candidates.slice(0, 20)) assert.ok(Math.abs(c.prob - probs[c.id]) < 1e-6);
  const top = await fillMask(bert, text);
  assert.equal(top.masks[0].candidates.length, 10, 'default top-k');
  assert.equal(top.filledText, `Le chat ${top.masks[0].candidates[0].text} sur le tapis.`);
  assert.equal(top.window, undefined);
});

test('several masks are filled jointly left to right; own candidates get their probability and rank', async () => {
  const bert = await open('bert');
  const r = await fillMask(bert, 'Le [MASK] [MASK] sur le tapis.', { topK: 5, targets: [] });
  assert.deepEqual(r.masks.map((m) => m.index), [0, 1]);
  const ids = r.tokens.map((t) => t.id);
  const [m0, m1] = r.masks;
  ids[m0.position] = m0.candidates[0].id;
  const second = softmax(logitsRow(await logitsOfIds(bert, [ids]), 0, m1.position));
  m1.candidates.forEach((c) => assert.ok(Math.abs(c.prob - second[c.id]) < 1e-6, 'mask 1 sees mask 0 filled with its top-1'));
  assert.equal(r.filledText, `Le ${m0.candidates[0].text} ${m1.candidates[0].text} sur le tapis.`);

  const own = await fillMask(bert, 'Le chat [MASK] sur le tapis.', { topK: 3, targets: [] });
  const best = own.masks[0].candidates[0];
  const second2 = own.masks[0].candidates[1];
  const scored = await fillMask(bert, 'Le chat [MASK] sur le tapis.', { topK: 3, targets: [best.text, second2.text, 'croquettes'] });
  assert.deepEqual(scored.targets.slice(0, 2).map((t) => t.rank), [1, 2]);
  assert.ok(Math.abs(scored.targets[0].prob - best.prob) < 1e-6);
  const multi = scored.targets[2];
  assert.ok(multi.tokens.length > 1, `croquettes is several WordPiece tokens: ${multi.tokens.join(' ')}`);
  assert.equal(multi.maskIndex, 0);
  assert.ok(multi.prob > 0 && multi.prob < 1 && multi.rank >= 1);
  // its joint probability, recomputed: as many masks as tokens, filled left to right
  const widened = await fillMask(bert, `Le chat ${'[MASK]'.repeat(multi.tokens.length)} sur le tapis.`, { topK: 1 });
  const ids2 = widened.tokens.map((t) => t.id);
  let joint = 1;
  for (let j = 0; j < multi.ids.length; j++) {
    const pos = widened.masks[j].position;
    joint *= softmax(logitsRow(await logitsOfIds(bert, [ids2]), 0, pos))[multi.ids[j]];
    ids2[pos] = multi.ids[j];
  }
  assert.ok(Math.abs(joint - multi.prob) < 1e-9 + 1e-5 * joint, `${joint} vs ${multi.prob}`);
});

test('a text longer than the context gets a window around the mask, reported in result.window', async () => {
  const bert = await open('bert');
  const words = Array.from({ length: 120 }, (_, i) => `mot${i % 10}`);
  words[90] = '[MASK]';
  const text = words.join(' ');
  const r = await fillMask(bert, text, { topK: 5 });
  assert.ok(r.window, 'windowed');
  const w = r.window;
  assert.equal(r.tokens.length, bert.contextLength);
  const at = text.indexOf('[MASK]');
  assert.deepEqual([r.masks[0].start, r.masks[0].end], [at, at + 6]);
  assert.ok(w.start < at && w.end > at + 6, 'the mask is inside the window');
  assert.ok(r.tokens.slice(1, -1).every((t) => t.start >= w.start && t.end <= w.end));
  const alone = await fillMask(bert, text.slice(w.start, w.end), { topK: 5 });
  assert.deepEqual(alone.masks[0].candidates.map((c) => c.id), r.masks[0].candidates.map((c) => c.id), 'the same as running the window alone');
  assert.ok(r.filledText.startsWith(text.slice(0, at)) && !r.filledText.includes('[MASK]'));
});

test('fill-mask errors: no mask, a causal model; maskWord gives one mask per token of the word', async () => {
  const bert = await open('bert');
  const gpt2 = await open('gpt2');
  await assert.rejects(fillMask(bert, 'Le chat dort.'), (e: unknown) => e instanceof TaskError && /no mask in the text: write \[MASK\] \(or <mask>\)/.test(e.message));
  await assert.rejects(fillMask(gpt2, 'Le chat [MASK].'), (e: unknown) => e instanceof TaskError && /is a causal model: fill-mask needs a BERT-like/.test(e.message));
  const text = 'Le chat mange des croquettes.';
  const start = text.indexOf('croquettes');
  const m = maskWord(bert, text, start, start + 'croquettes'.length);
  const pieces = bert.tokenizer.encode('croquettes').tokens.map((t) => t.token);
  assert.deepEqual(m.originalTokens, pieces);
  assert.equal(m.maskCount, pieces.length);
  assert.equal(m.text, `Le chat mange des ${'[MASK]'.repeat(pieces.length)}.`);
  const r = await fillMask(bert, m.text);
  assert.equal(r.masks.length, pieces.length);
  assert.throws(() => maskWord(bert, text, 3, 3), TaskError);
});

test('MLM demo: seeded, special tokens never chosen, 80/10/10 corruption reported, accuracy from the predictions', async () => {
  const bert = await open('bert');
  const text = Array.from({ length: 40 }, (_, i) => ['le', 'chat', 'dort', 'sur', 'tapis'][i % 5]).join(' ');
  const a = await mlmDemo(bert, text, { seed: 3 });
  const b = await mlmDemo(bert, text, { seed: 3 });
  assert.deepEqual(a, b, 'the same seed, the same demo');
  const ordinary = a.tokens.filter((t) => !t.special).length;
  assert.equal(a.positions.length, Math.round(0.15 * ordinary));
  assert.ok(a.positions.every((p) => !a.tokens[p.position].special));
  for (const p of a.positions) {
    const seen = a.corrupted[p.position];
    if (p.corruption === 'mask') assert.equal(seen, '[MASK]');
    if (p.corruption === 'keep') assert.equal(seen, a.tokens[p.position].token);
    if (p.corruption === 'random') assert.ok(seen !== '[MASK]' && !/^\[(CLS|SEP|PAD|UNK)\]$/.test(seen));
    assert.equal(p.shownAs, seen);
    assert.equal(p.correct, p.predictions[0].id === p.original.id);
    assert.equal(p.original.id, a.tokens[p.position].id);
  }
  assert.equal(a.accuracy, a.positions.filter((p) => p.correct).length / a.positions.length);
  assert.deepEqual(a.corrupted.filter((_, i) => !a.positions.some((p) => p.position === i)), a.tokens.filter((_, i) => !a.positions.some((p) => p.position === i)).map((t) => t.token));
  // over many seeds the mix is about 80/10/10
  const kinds = { mask: 0, random: 0, keep: 0 };
  for (let seed = 0; seed < 60; seed++) for (const p of (await mlmDemo(bert, text, { seed })).positions) kinds[p.corruption]++;
  const n = kinds.mask + kinds.random + kinds.keep;
  assert.ok(kinds.mask / n > 0.72 && kinds.mask / n < 0.88 && kinds.random > 0 && kinds.keep > 0, JSON.stringify(kinds));
  const one = await mlmDemo(bert, 'chat', { seed: 1 });
  assert.equal(one.positions.length, 1, 'at least one position');
  await assert.rejects(mlmDemo(await open('gpt2'), text, { seed: 1 }), TaskError);
});

test('BERT vs GPT at the cursor: both sides for the word, the GPT side from the left context only', async () => {
  const bert = await open('bert');
  const gpt2 = await open('gpt2');
  assert.deepEqual(wordAt('Le chat dort', 5), { start: 3, end: 7, text: 'chat' });
  assert.deepEqual(wordAt('Le chat dort', 7), { start: 3, end: 7, text: 'chat' });
  assert.equal(wordAt('Le  chat', 3), undefined);
  const text = 'Le chat mange des croquettes.';
  const r = await compareAtCursor(bert, gpt2, text, text.indexOf('mange') + 2, 5);
  assert.deepEqual(r.word, { start: 8, end: 13, text: 'mange' });
  assert.equal(r.masked.candidates.length, 5);
  assert.equal(r.causal.candidates.length, 5);
  assert.ok(r.masked.originalProb > 0 && r.masked.originalRank >= 1);
  // GPT's probability of the word equals the surprisal lens's product over the word's tokens
  const lens = await surprisal(await openSurprisalSessions(gpt2, backend, { device: 'cpu', graphCacheDir }), text.slice(0, 13));
  const wordTokens = lens.tokens.filter((t) => t.end > 8);
  const product = wordTokens.reduce((p, t) => p * t.prob, 1);
  assert.ok(Math.abs(product - r.causal.originalProb) < 1e-6 * Math.max(1, product / 1e-6), `${product} vs ${r.causal.originalProb}`);
  assert.equal(r.causal.originalRank, wordTokens[0].rank);
  // the left context only: the text after the word does not change GPT's side
  const other = await compareAtCursor(bert, gpt2, 'Le chat mange beaucoup.', 10, 5);
  assert.deepEqual(other.causal, r.causal);
  await assert.rejects(compareAtCursor(bert, gpt2, 'Le   chat', 3), (e: unknown) => e instanceof TaskError && /no word at the cursor/.test(e.message));
  await assert.rejects(compareAtCursor(gpt2, bert, text, 9), TaskError, 'the models the wrong way round');
  // both tokenizations of the context, each token at its own characters, the word's tokens marked
  assert.deepEqual(r.context, { start: 0, end: text.length, text });
  for (const tokens of [r.maskedTokens, r.causalTokens]) {
    assert.ok(tokens.length > 0);
    assert.ok(tokens.every((t, i) => t.start < t.end && (i === 0 || t.start >= tokens[i - 1].end)), 'in order, not overlapping');
    assert.ok(tokens.some((t) => t.inWord));
    assert.ok(tokens.every((t) => t.inWord === (t.start < 13 && t.end > 8)), 'inWord = overlaps "mange"');
  }
  assert.deepEqual(r.causalTokens.map((t) => t.id), gpt2.tokenizer.encode(text).tokens.map((t) => t.id));
});

test('BERT vs GPT at the cursor: the aligned context is the line around the word, cut at spaces', () => {
  const line = 'a'.repeat(10) + ' ' + 'word '.repeat(20) + 'target' + ' tail'.repeat(20);
  const text = `first line\n${line}\nlast line`;
  const start = text.indexOf('target');
  const c = contextAround(text, { start, end: start + 6 });
  assert.ok(c.start >= text.indexOf(line) && c.end <= text.indexOf(line) + line.length, 'within the line');
  assert.ok(start - c.start <= 48 && c.end - (start + 6) <= 48, 'at most 48 characters each side');
  assert.equal(c.text, text.slice(c.start, c.end));
  assert.ok(c.text.startsWith('word') && c.text.endsWith('tail'), `cut at spaces: "${c.text}"`);
  assert.deepEqual(contextAround('short one', { start: 6, end: 9 }), { start: 0, end: 9, text: 'short one' });
});
