/**
 * The window of a long text the attention viewer shows (src/engine/attention/cursorWindow.ts): the
 * whole text when it fits; else `limit` tokens centred on the cursor's, clamped to the text's ends,
 * cut at token boundaries; the cursor may move inside the window's middle without a new window; the
 * lines it spans; the clip of an absurdly long text that stays put while the cursor moves.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clipAround, cursorWindow, isCut, keepsWindow, tokenAtCursor, windowLines } from '../../../../src/engine/attention/cursorWindow';

/** A text of `n` words "w0 w1 …" and its tokens, one per word, the space before a word in its token (as GPT-2 does). */
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

const wordAt = (text: string, i: number): number => text.indexOf(` w${i} `) + 2;

test('a text shorter than the limit is shown whole, and any cursor keeps it', () => {
  const { text, tokens } = words(10);
  const w = cursorWindow(tokens, text.length, 5, 1024);
  assert.deepEqual(w, { first: 0, count: 10, total: 10, start: 0, end: text.length, keepStart: 0, keepEnd: text.length });
  assert.equal(isCut(w), false);
  assert.ok(keepsWindow(w, 0) && keepsWindow(w, text.length));
  assert.equal(isCut(cursorWindow(tokens, text.length, 0, 10)), false, 'exactly the limit fits');
});

test('the cursor at the start: the first `limit` tokens, the window ends at a token’s end', () => {
  const { text, tokens } = words(100);
  const w = cursorWindow(tokens, text.length, 0, 16);
  assert.equal(w.first, 0);
  assert.equal(w.count, 16);
  assert.equal(w.total, 100);
  assert.equal(w.start, 0);
  assert.equal(w.end, tokens[15].end);
  assert.equal(text.slice(w.start, w.end), 'w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15');
  assert.equal(w.keepStart, 0, 'the text’s start is no edge to keep away from');
  assert.equal(w.keepEnd, tokens[15 - 2].end, '1/8 of 16 tokens from the cut end');
});

test('the cursor in the middle: the window is centred on the cursor’s token and starts at a token’s start', () => {
  const { text, tokens } = words(100);
  const cursor = wordAt(text, 50);
  assert.equal(tokenAtCursor(tokens, cursor), 50);
  const w = cursorWindow(tokens, text.length, cursor, 16);
  assert.equal(w.first, 42);
  assert.equal(w.count, 16);
  assert.equal(w.start, tokens[42].start);
  assert.equal(w.end, tokens[57].end);
  assert.equal(text.slice(w.start, w.end), ' w42 w43 w44 w45 w46 w47 w48 w49 w50 w51 w52 w53 w54 w55 w56 w57');
  assert.ok(w.start <= cursor && cursor <= w.end);
  assert.ok(keepsWindow(w, cursor));
  // Moving a few tokens stays; leaving the middle band (2 tokens from an edge) asks for a new window.
  assert.ok(keepsWindow(w, wordAt(text, 45)) && keepsWindow(w, wordAt(text, 55)));
  assert.equal(keepsWindow(w, wordAt(text, 43)), false);
  assert.equal(keepsWindow(w, wordAt(text, 57)), false);
  assert.equal(keepsWindow(w, text.length), false);
  // The window for a cursor out of the band holds it in its own band.
  const next = cursorWindow(tokens, text.length, wordAt(text, 57), 16);
  assert.ok(keepsWindow(next, wordAt(text, 57)));
  assert.equal(next.first, 49);
});

test('the cursor at the end (and past it): the last `limit` tokens, to the text’s end', () => {
  const { text, tokens } = words(100);
  for (const cursor of [text.length, text.length - 1, text.length + 50]) {
    const w = cursorWindow(tokens, text.length, cursor, 16);
    assert.equal(w.first, 84);
    assert.equal(w.end, text.length);
    assert.equal(w.start, tokens[84].start);
    assert.equal(w.keepEnd, text.length, 'the text’s end is no edge to keep away from');
    assert.equal(w.keepStart, tokens[86].start);
    assert.ok(keepsWindow(w, text.length));
  }
});

test('a cursor between tokens (on a space BERT leaves out) counts for the next token', () => {
  const tokens = [{ start: 0, end: 3 }, { start: 4, end: 7 }, { start: 8, end: 11 }];
  assert.equal(tokenAtCursor(tokens, 3), 1);
  assert.equal(tokenAtCursor(tokens, 2), 0);
  assert.equal(tokenAtCursor(tokens, 11), 2);
  assert.equal(tokenAtCursor(tokens, 0), 0);
});

test('a small context (the built-in models: 128 positions, BERT less its [CLS] and [SEP]) anywhere in a long text', () => {
  const { text, tokens } = words(5000);
  for (const limit of [128, 126]) {
    for (const at of [0, 1, 63, 64, 2500, 4936, 4999]) {
      const cursor = tokens[at].end - 1;
      const w = cursorWindow(tokens, text.length, cursor, limit);
      assert.equal(w.count, limit);
      assert.ok(w.first <= at && at < w.first + w.count, `token ${at} in [${w.first}, ${w.first + w.count})`);
      assert.ok(w.first >= 0 && w.first + w.count <= 5000);
      if (w.first > 0 && w.first + w.count < 5000) assert.equal(at - w.first, limit / 2, 'centred when not clamped');
      assert.ok(keepsWindow(w, cursor), 'the cursor it was chosen for keeps it');
    }
  }
});

test('the window’s lines: 1-based, from its first to its last character', () => {
  const text = 'ab\ncd\nef\ngh';
  assert.deepEqual(windowLines(text, { start: 0, end: text.length }, 1), { fromLine: 1, toLine: 4 });
  assert.deepEqual(windowLines(text, { start: 3, end: 5 }, 1), { fromLine: 2, toLine: 2 });
  assert.deepEqual(windowLines(text, { start: 3, end: 6 }, 10), { fromLine: 11, toLine: 11 }, 'a window ending with its line break ends on that line');
  assert.deepEqual(windowLines(text, { start: 2, end: 9 }, 1), { fromLine: 1, toLine: 3 });
  assert.deepEqual(windowLines(text, { start: 9, end: 11 }, 1), { fromLine: 4, toLine: 4 });
});

test('an absurdly long text is clipped around the cursor, and the clip stays while the cursor moves a little', () => {
  assert.equal(clipAround(1000, 900, 1000), 0, 'a text that fits is not clipped');
  const max = 200_000;
  const length = 2_000_000;
  for (const cursor of [0, 10, 99_999, 150_000, 1_000_000, 1_999_999, 2_000_000]) {
    const start = clipAround(length, cursor, max);
    assert.ok(start >= 0 && start + max <= length);
    assert.ok(start <= cursor && cursor <= start + max, `cursor ${cursor} in [${start}, ${start + max}]`);
    assert.equal(start % (max / 4) === 0 || start === length - max, true, 'on the grid or at the end');
    if (start > 0 && start + max < length) assert.ok(cursor - start >= (3 * max) / 8 && cursor - start <= (5 * max) / 8, 'well inside');
  }
  assert.equal(clipAround(length, 1_000_000, max), clipAround(length, 1_000_000 + 20_000, max), 'a nearby cursor: the same clip');
});
