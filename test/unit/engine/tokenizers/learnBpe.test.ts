/**
 * The teaching BPE trainer, on the course's example (../shared/seeds/002: corpus « low », « lower »,
 * « lowest »; steps l+o, lo+w, e+r) and on Sennrich et al.'s classic corpus.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { learnBpe, learnBpeFromWords } from '../../../../src/engine/tokenizers/learnBpe';

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

/** The trainer as first written: every step recounts every pair of every word (the definition). */
function learnBpeByRecounting(text: string, maxMerges: number): string[] {
  const counts = new Map<string, number>();
  for (const m of text.matchAll(/[\p{L}\p{M}\p{N}]+/gu)) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  const words = [...counts];
  let segs = words.map(([w]) => Array.from(w));
  const out: string[] = [];
  while (out.length < maxMerges) {
    const stats = new Map<string, { pair: [string, string]; frequency: number; first: number }>();
    let order = 0;
    segs.forEach((symbols, w) => {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = JSON.stringify([symbols[i], symbols[i + 1]]);
        const s = stats.get(key);
        if (s) s.frequency += words[w][1];
        else stats.set(key, { pair: [symbols[i], symbols[i + 1]], frequency: words[w][1], first: order++ });
      }
    });
    let best: { pair: [string, string]; frequency: number; first: number } | undefined;
    for (const s of stats.values()) if (!best || s.frequency > best.frequency || (s.frequency === best.frequency && s.first < best.first)) best = s;
    if (!best || best.frequency < 2) break;
    const [a, b] = best.pair;
    segs = segs.map((symbols) => {
      const next: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
          next.push(a + b);
          i++;
        } else next.push(symbols[i]);
      }
      return next;
    });
    out.push(`${a}+${b}→${a + b}:${best.frequency}`);
  }
  return out;
}

test('the incremental trainer learns exactly what recounting at every step learns (ties included)', () => {
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let round = 0; round < 40; round++) {
    // Small alphabets and short words: many equal frequencies, repeated letters (a+a, aa+a), reuse.
    const alphabet = ['ab', 'abc', 'aab', 'lowerst', 'éèa'][round % 5];
    const words: string[] = [];
    for (let i = 0; i < 30 + round * 5; i++) {
      const length = 1 + Math.floor(random() * 7);
      let w = '';
      for (let j = 0; j < length; j++) w += alphabet[Math.floor(random() * alphabet.length)];
      words.push(w);
    }
    const text = words.join(random() < 0.5 ? ' ' : ', ');
    assert.deepEqual(merges(text, 60), learnBpeByRecounting(text, 60), `round ${round}: ${text.slice(0, 80)}`);
  }
});

test('learnBpeFromWords takes counted words as they are (e.g. byte-level words with Ġ)', () => {
  const result = learnBpeFromWords([{ word: 'Ġthe', count: 3 }, { word: 'the', count: 1 }, { word: 'Ġthen', count: 2 }], { merges: 3 });
  assert.deepEqual(result.merges.map((m) => `${m.merged}:${m.frequency}`), ['th:6', 'the:6', 'Ġthe:5']);
  assert.deepEqual(result.segmentations.map((s) => s.symbols), [['Ġthe'], ['the'], ['Ġthe', 'n']]);
});
