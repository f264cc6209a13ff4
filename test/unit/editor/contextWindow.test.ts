/**
 * The window of a text a model with a short context reads (src/editor/contextWindow.ts): all of
 * the text when it fits; else at most `limit` tokens that hold what must be read, from the text's
 * start when they fit there, else centred on it, else ending with the text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenWindow } from '../../../src/editor/contextWindow';
import { trimRange } from '../../../src/editor/textAround';

/** A text of `n` words "w0 w1 …" and its tokens, one per word (the space before a word is in its token, as GPT-2 does). */
function words(n: number): { text: string; tokens: Array<{ start: number; end: number }> } {
  const parts = Array.from({ length: n }, (_, i) => `w${i}`);
  const text = parts.join(' ');
  let at = 0;
  const tokens = parts.map((p, i) => {
    const start = i === 0 ? 0 : at - 1;
    const end = at + p.length;
    at = end + 1;
    return { start, end };
  });
  return { text, tokens };
}

test('a text that fits is read whole', () => {
  const { text, tokens } = words(5);
  assert.deepEqual(tokenWindow(tokens, text.length, { start: 3, end: 5 }, 5), { fits: true, range: { start: 0, end: text.length }, cut: false, tokens: 5 });
});

test('a long text is read from its start when what must be read is near it', () => {
  const { text, tokens } = words(100);
  const w = tokenWindow(tokens, text.length, { start: 0, end: 0 }, 10);
  assert.ok(w.fits);
  assert.equal(w.range.start, 0);
  assert.equal(text.slice(w.range.start, w.range.end), 'w0 w1 w2 w3 w4 w5 w6 w7 w8 w9');
  assert.equal(w.cut, true);
});

test('else the window is centred on what must be read, or ends with the text', () => {
  const { text, tokens } = words(100);
  const at = text.indexOf('w50');
  const w = tokenWindow(tokens, text.length, { start: at, end: at + 3 }, 11);
  assert.ok(w.fits);
  const read = text.slice(w.range.start, w.range.end).trim().split(' ');
  assert.equal(read.length, 11);
  assert.equal(read[5], 'w50', `centred: ${read.join(' ')}`);
  const end = text.indexOf('w98');
  const last = tokenWindow(tokens, text.length, { start: end, end: end + 3 }, 10);
  assert.ok(last.fits);
  assert.equal(last.range.end, text.length);
  assert.equal(text.slice(last.range.start, last.range.end).trim().split(' ')[0], 'w90');
});

test('two selections farther apart than the context do not fit: the tokens they need are given', () => {
  const { text, tokens } = words(100);
  const a = text.indexOf('w10');
  const b = text.indexOf('w40') + 3;
  assert.deepEqual(tokenWindow(tokens, text.length, { start: a, end: b }, 20), { fits: false, needed: 31 });
  const w = tokenWindow(tokens, text.length, { start: a, end: b }, 31);
  assert.ok(w.fits);
  const read = text.slice(w.range.start, w.range.end).trim().split(' ');
  assert.deepEqual([read[0], read.at(-1)], ['w10', 'w40']);
});

test('trimRange drops the white space at a selection’s ends', () => {
  const text = '  the bank \n';
  assert.deepEqual(trimRange(text, { start: 0, end: text.length }), { start: 2, end: 10 });
  assert.deepEqual(trimRange(text, { start: 0, end: 2 }), { start: 2, end: 2 });
});
