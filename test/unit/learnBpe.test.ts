/**
 * The teaching BPE trainer, on the course's example (../shared/seeds/002: corpus « low », « lower »,
 * « lowest »; steps l+o, lo+w, e+r) and on Sennrich et al.'s classic corpus.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { learnBpe } from '../../src/engine/tokenizers/learnBpe';

const merges = (text: string, n?: number): string[] =>
  learnBpe(text, n === undefined ? {} : { merges: n }).merges.map((m) => `${m.pair[0]}+${m.pair[1]}→${m.merged}:${m.frequency}`);

test('the course example: l+o → lo, lo+w → low, e+r → er, in that order', () => {
  // The course's words, with the counts of a text that uses them (and two more comparatives).
  const text = 'low low low low low lower lower lowest newer newer newer wider wider';
  assert.deepEqual(merges(text, 3), ['l+o→lo:8', 'lo+w→low:8', 'e+r→er:7']);
  const result = learnBpe(text, { merges: 3 });
  assert.deepEqual(result.words, [
    { word: 'low', count: 5 }, { word: 'lower', count: 2 }, { word: 'lowest', count: 1 },
    { word: 'newer', count: 3 }, { word: 'wider', count: 2 },
  ]);
  assert.deepEqual(result.segmentations.slice(0, 3), [
    { word: 'low', symbols: ['low'] },
    { word: 'lower', symbols: ['low', 'er'] },
    { word: 'lowest', symbols: ['low', 'e', 's', 't'] },
  ]);
});

test('l+o beats o+w on a tie because it occurs first in the text', () => {
  // l o and o w are both seen 3 times; "low" starts the text, so l+o wins.
  assert.deepEqual(merges('low lower lowest', 2), ['l+o→lo:3', 'lo+w→low:3']);
  // With only the three words, "low e" (2) is more frequent than "e r" (1): the course's third
  // step needs more words ending in -er, as in the test above.
  assert.deepEqual(merges('low lower lowest'), ['l+o→lo:3', 'lo+w→low:3', 'low+e→lowe:2']);
  // Reversing the order of first occurrence reverses the tie.
  assert.deepEqual(merges('owl owl lo lo', 1), ['o+w→ow:2']);
  assert.deepEqual(merges('lo lo owl owl', 1), ['l+o→lo:2']);
});

test("Sennrich et al.'s corpus (low ×5, lower ×2, newest ×6, widest ×3)", () => {
  const text = `${'low '.repeat(5)}${'lower '.repeat(2)}${'newest '.repeat(6)}${'widest '.repeat(3)}`;
  assert.deepEqual(merges(text, 4), ['e+s→es:9', 'es+t→est:9', 'l+o→lo:7', 'lo+w→low:7']);
});

test('words come from letters and digits; punctuation and spaces only separate them', () => {
  const result = learnBpe("Le chat, le chat... l'autre chat !", { merges: 1 });
  assert.deepEqual(result.words, [
    { word: 'Le', count: 1 }, { word: 'chat', count: 3 }, { word: 'le', count: 1 }, { word: 'l', count: 1 }, { word: 'autre', count: 1 },
  ]);
  assert.deepEqual(result.merges, [{ pair: ['c', 'h'], merged: 'ch', frequency: 3 }]);
});

test('stops at the requested number of merges, or when no pair occurs twice', () => {
  assert.equal(learnBpe('abc abc abc', { merges: 1 }).merges.length, 1);
  assert.deepEqual(merges('abc abc abc'), ['a+b→ab:3', 'ab+c→abc:3']);
  assert.deepEqual(merges('unique words only'), []);
  assert.deepEqual(learnBpe(''), { words: [], merges: [], segmentations: [] });
  assert.throws(() => learnBpe('x', { merges: -1 }), RangeError);
});

test('the same text always gives the same merges', () => {
  const text = 'the cat sat on the mat with the hat; that cat has a hat';
  assert.deepEqual(learnBpe(text), learnBpe(text));
});
