/** The pure parts of the prediction features: colour scale, summaries, params checks, text helpers, options. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { keepValid, levelColorId, levelRange, summarize, surprisalLevel, SURPRISAL_LEVELS, SURPRISAL_THRESHOLDS } from '../../../src/editor/surprisalScale';
import { findMasks, joinPieces, paragraphAround, pieceForMask, wordAt } from '../../../src/editor/textAround';
import { checkGenerateOptions, checkSurprisalParams, optionalInt } from '../../../src/host/params';
import { HostRequestError } from '../../../src/host/protocol';
import { mergeGenerateOptions, optionsForStrategy, DEFAULT_GENERATION } from '../../../src/models/generationOptions';
import { builtinFolder } from '../../../src/engine/tasks/modelSpec';

const invalidParams = (fn: () => unknown, field: RegExp): void => {
  assert.throws(fn, (e: unknown) => e instanceof HostRequestError && e.code === 'invalidParams' && field.test(e.message));
};

test('surprisal scale: levels rise with the bits, bounds belong to the level above, every level has a theme colour', () => {
  assert.equal(SURPRISAL_LEVELS, SURPRISAL_THRESHOLDS.length + 1);
  assert.equal(surprisalLevel(0), 0);
  assert.equal(surprisalLevel(0.99), 0);
  assert.equal(surprisalLevel(1), 1);
  assert.equal(surprisalLevel(4.5), 2);
  assert.equal(surprisalLevel(7.99), 3);
  assert.equal(surprisalLevel(11), 4);
  assert.equal(surprisalLevel(12), 5);
  assert.equal(surprisalLevel(1000), 5);
  assert.equal(surprisalLevel(Number.NaN), 0);
  assert.equal(surprisalLevel(-3), 0);
  assert.equal(surprisalLevel(Number.POSITIVE_INFINITY), SURPRISAL_LEVELS - 1);
  let previous = -1;
  for (let bits = 0; bits < 20; bits += 0.25) {
    const level = surprisalLevel(bits);
    assert.ok(level >= previous, `level falls at ${bits} bits`);
    const [low, high] = levelRange(level);
    assert.ok(bits >= low && bits < high, `${bits} bits outside its level's range [${low}, ${high})`);
    previous = level;
  }
  assert.deepEqual(levelRange(SURPRISAL_LEVELS - 1), [12, Number.POSITIVE_INFINITY]);
  const ids = new Set(Array.from({ length: SURPRISAL_LEVELS }, (_, i) => levelColorId(i)));
  assert.equal(ids.size, SURPRISAL_LEVELS);
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as { contributes: { colors: Array<{ id: string }> } };
  const contributed = new Set(pkg.contributes.colors.map((c) => c.id));
  for (const id of ids) assert.ok(contributed.has(id), `${id} is not a contributed colour`);
});

test('surprisal summary: PPL = exp(mean NLL), bits per character, restricted to the tokens inside the range', () => {
  const tokens = [
    { start: 0, end: 2, surprisal: 1 },
    { start: 2, end: 5, surprisal: 3 },
    { start: 6, end: 10, surprisal: 8 },
  ];
  const all = summarize(tokens)!;
  assert.equal(all.tokens, 3);
  assert.ok(Math.abs(all.perplexity - Math.exp(((1 + 3 + 8) * Math.LN2) / 3)) < 1e-9);
  assert.ok(Math.abs(all.perplexity - 2 ** 4) < 1e-9, 'mean of 4 bits is a perplexity of 16');
  assert.equal(all.characters, 10);
  assert.ok(Math.abs(all.bitsPerChar - 1.2) < 1e-12);
  const part = summarize(tokens, { start: 1, end: 10 })!;
  assert.equal(part.tokens, 2, 'the token cut by the range is left out');
  assert.ok(Math.abs(part.perplexity - 2 ** 5.5) < 1e-9);
  assert.equal(summarize(tokens, { start: 3, end: 5 }), undefined);
  assert.equal(summarize([]), undefined);
});

test('surprisal edits: causal scores before the edit stay, the token touching it and everything after go; pseudo scores all go', () => {
  const tokens = [
    { start: 0, end: 3, surprisal: 1 },
    { start: 3, end: 7, surprisal: 2 },
    { start: 7, end: 9, surprisal: 3 },
  ];
  assert.deepEqual(keepValid(tokens, 8, 'causal'), tokens.slice(0, 2));
  assert.deepEqual(keepValid(tokens, 7, 'causal'), tokens.slice(0, 1));
  assert.deepEqual(keepValid(tokens, 0, 'causal'), []);
  assert.deepEqual(keepValid(tokens, 100, 'causal'), tokens);
  assert.deepEqual(keepValid(tokens, 100, 'pseudo'), []);
});

test('task params: generation options are checked field by field, unknown fields dropped', () => {
  assert.deepEqual(checkGenerateOptions({ strategy: 'greedy', maxNewTokens: 5, extra: 1 }), { strategy: 'greedy', maxNewTokens: 5 });
  assert.deepEqual(
    checkGenerateOptions({ strategy: 'sample', maxNewTokens: 3, temperature: 0.7, topK: 40, topP: 0.9, seed: 7, stop: ['\n'], showTopK: 5 }),
    { strategy: 'sample', maxNewTokens: 3, temperature: 0.7, topK: 40, topP: 0.9, seed: 7, stop: ['\n'], showTopK: 5 },
  );
  assert.deepEqual(checkGenerateOptions({ strategy: 'beam', maxNewTokens: 3, numBeams: 3, lengthPenalty: 0 }), {
    strategy: 'beam',
    maxNewTokens: 3,
    numBeams: 3,
    lengthPenalty: 0,
  });
  invalidParams(() => checkGenerateOptions(undefined), /options must be an object/);
  invalidParams(() => checkGenerateOptions({ strategy: 'nucleus', maxNewTokens: 3 }), /strategy/);
  invalidParams(() => checkGenerateOptions({ strategy: 'greedy' }), /maxNewTokens/);
  invalidParams(() => checkGenerateOptions({ strategy: 'greedy', maxNewTokens: 0 }), /maxNewTokens/);
  invalidParams(() => checkGenerateOptions({ strategy: 'greedy', maxNewTokens: 2.5 }), /maxNewTokens/);
  invalidParams(() => checkGenerateOptions({ strategy: 'greedy', maxNewTokens: 1e9 }), /maxNewTokens/);
  invalidParams(() => checkGenerateOptions({ strategy: 'sample', maxNewTokens: 3, temperature: 0 }), /temperature/);
  invalidParams(() => checkGenerateOptions({ strategy: 'sample', maxNewTokens: 3, topP: 0 }), /topP/);
  invalidParams(() => checkGenerateOptions({ strategy: 'sample', maxNewTokens: 3, topP: 1.5 }), /topP/);
  invalidParams(() => checkGenerateOptions({ strategy: 'sample', maxNewTokens: 3, topK: -1 }), /topK/);
  invalidParams(() => checkGenerateOptions({ strategy: 'sample', maxNewTokens: 3, seed: -1 }), /seed/);
  invalidParams(() => checkGenerateOptions({ strategy: 'beam', maxNewTokens: 3, numBeams: 0 }), /numBeams/);
  invalidParams(() => checkGenerateOptions({ strategy: 'beam', maxNewTokens: 3, lengthPenalty: Number.NaN }), /lengthPenalty/);
  invalidParams(() => checkGenerateOptions({ strategy: 'greedy', maxNewTokens: 3, stop: 'x' }), /stop/);
  invalidParams(() => checkGenerateOptions({ strategy: 'greedy', maxNewTokens: 3, stop: [''] }), /stop/);
  assert.deepEqual(checkSurprisalParams({ topK: 5, window: 32, stride: 16 }), { topK: 5, window: 32, stride: 16 });
  invalidParams(() => checkSurprisalParams({ window: 8, stride: 9 }), /stride/);
  invalidParams(() => checkSurprisalParams({ window: 1 }), /window/);
  assert.equal(optionalInt(undefined, 'k', { min: 1, max: 3 }), undefined);
  invalidParams(() => optionalInt('2', 'k', { min: 1, max: 3 }), /k must be an integer from 1 to 3/);
});

test('text helpers: masks in any spelling, the word at an offset, the paragraph around it', () => {
  assert.deepEqual(findMasks('Le chat [MASK] des <mask> et [mask]<MASK>'), [
    { start: 8, end: 14 },
    { start: 19, end: 25 },
    { start: 29, end: 35 },
    { start: 35, end: 41 },
  ]);
  assert.deepEqual(findMasks('no mask [MAS K]'), []);
  const text = "Le chat mange l'étagère, déjà.";
  assert.deepEqual(wordAt(text, 4), { start: 3, end: 7 });
  assert.deepEqual(wordAt(text, 7), { start: 3, end: 7 }, 'just after a word is that word');
  assert.deepEqual(wordAt(text, 0), { start: 0, end: 2 });
  assert.equal(text.slice(wordAt(text, 18)!.start, wordAt(text, 18)!.end), "l'étagère");
  assert.equal(text.slice(wordAt(text, 26)!.start, wordAt(text, 26)!.end), 'déjà');
  assert.equal(wordAt('  ,  ', 2), undefined);
  const doc = 'First paragraph.\n\nThe cat eats.\nStill this one.\n\nLast.';
  const p = paragraphAround(doc, doc.indexOf('eats'), doc.indexOf('eats') + 4);
  assert.equal(doc.slice(p.start, p.end), 'The cat eats.\nStill this one.');
  const long = `${'word '.repeat(1000)}target ${'word '.repeat(1000)}`;
  const at = long.indexOf('target');
  const cut = paragraphAround(long, at, at + 6, 100);
  assert.ok(cut.start <= at && cut.end >= at + 6);
  assert.ok(at - cut.start <= 100 && cut.end - (at + 6) <= 100);
  assert.ok(long[cut.start - 1] === ' ', 'cut at a space');
});

test('text helpers: predicted pieces written back in place of a word or a mask', () => {
  assert.equal(joinPieces([{ token: 'crow', text: 'crow' }, { token: '##quettes', text: 'quettes' }], true), 'crowquettes');
  assert.equal(joinPieces([{ token: 'crow', text: 'crow' }, { token: '##quettes', text: '##quettes' }], true), 'crowquettes');
  assert.equal(joinPieces([{ token: 'new', text: 'new' }, { token: 'york', text: 'york' }], true), 'new york');
  assert.equal(joinPieces([{ token: 'Ġeats', text: ' eats' }], false), 'eats', 'the word keeps its own spacing');
  assert.equal(joinPieces([{ token: 'Ġcro', text: ' cro' }, { token: 'qu', text: 'qu' }], false), 'croqu');
  assert.equal(joinPieces([{ token: 'Ġnew', text: ' new' }, { token: 'Ġyork', text: ' york' }], false), 'new york');
  assert.equal(pieceForMask('Le chat ', ' mange'), 'mange');
  assert.equal(pieceForMask('Le chat', ' mange'), ' mange');
  assert.equal(pieceForMask('', ' Le'), 'Le');
});

test('generation options: overrides checked over the settings, then cut to what the strategy uses', () => {
  const merged = mergeGenerateOptions(DEFAULT_GENERATION, { strategy: 'sample', temperature: 0.5, topK: 3.4, topP: 2, seed: -1, maxNewTokens: 7, stop: ['.', 3, ''] });
  assert.equal(merged.strategy, 'sample');
  assert.equal(merged.temperature, 0.5);
  assert.equal(merged.topK, 3);
  assert.equal(merged.topP, DEFAULT_GENERATION.topP, 'an invalid top-p keeps the setting');
  assert.equal(merged.seed, DEFAULT_GENERATION.seed);
  assert.deepEqual(merged.stop, ['.']);
  assert.deepEqual(optionsForStrategy(merged), { strategy: 'sample', maxNewTokens: 7, stop: ['.'], temperature: 0.5, topK: 3, seed: 0 });
  assert.deepEqual(optionsForStrategy({ ...merged, strategy: 'greedy' }), { strategy: 'greedy', maxNewTokens: 7, stop: ['.'] });
  assert.deepEqual(optionsForStrategy({ ...DEFAULT_GENERATION, strategy: 'beam', numBeams: 3 }), { strategy: 'beam', maxNewTokens: 20, numBeams: 3, lengthPenalty: 1 });
  assert.equal(mergeGenerateOptions(DEFAULT_GENERATION, 'nonsense'), DEFAULT_GENERATION);
  // Every option the panel and the settings produce passes the host's checks.
  for (const o of [optionsForStrategy(merged), optionsForStrategy(DEFAULT_GENERATION), optionsForStrategy({ ...DEFAULT_GENERATION, strategy: 'beam' })]) {
    assert.deepEqual(checkGenerateOptions(o), o);
  }
});

test('built-in model specs resolve to the extension’s models folder, nothing else does', () => {
  const root = join('/ext', 'models');
  assert.deepEqual(builtinFolder('builtin:trex-gpt2-kjv', root), { dir: join('/ext', 'models', 'trex-gpt2-kjv'), name: 'trex-gpt2-kjv' });
  assert.equal(builtinFolder('gpt2', root), undefined);
  assert.equal(builtinFolder('builtin:../etc', root), undefined);
  assert.equal(builtinFolder('builtin:', root), undefined);
});
