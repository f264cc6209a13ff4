/**
 * The status bar's token count of a long document, counted in slices (src/editor/countInSlices.ts)
 * so the extension host is never blocked for long: the sum over the slices is the whole text's
 * count, slices end only between pre-tokens, and a count no longer wanted stops.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { countInSlices, sliceEnd, SLICE_CHARS } from '../../../src/editor/countInSlices';
import { loadTokenizer } from '../../../src/engine/tokenizers/load';
import { REPO_ROOT } from '../../support/repoRoot';

const never = (): boolean => false;

test('countInSlices: the sum over the slices is the count of the whole text (GPT-2 and BERT, prose, code, French, emoji)', async () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const code = readFileSync(join(REPO_ROOT, 'src', 'editor', 'tokenCountStatusBar.ts'), 'utf8');
  const french = "Le chat mange des croquettes à côté de l'étagère 🐱 — déjà fini !\n\tEt puis  deux espaces.  ";
  const texts = [readme, code.repeat(8), french.repeat(2000), `${'word '.repeat(5000)}\n\n\n${'😀 '.repeat(4000)}`];
  for (const spec of ['gpt2', 'bert-base-uncased']) {
    const tok = await loadTokenizer(spec);
    const count = (t: string): number => tok.encode(t).tokens.length;
    for (const text of texts) {
      assert.ok(text.length > 3 * SLICE_CHARS, 'several slices');
      assert.equal(await countInSlices(text, count, never), count(text), `${spec}, ${text.slice(0, 30)}…`);
      assert.equal(await countInSlices(text, count, never, 300), count(text), `${spec}, small slices`);
    }
  }
});

test('countInSlices: a slice ends before a whitespace between two non-space characters, else at its size, never inside a surrogate pair', () => {
  const text = 'abc def\nghi  jkl';
  assert.equal(sliceEnd(text, 0, 8), 7, '"abc def" | "\\nghi"');
  assert.equal(sliceEnd(text, 0, 100), text.length);
  assert.equal(sliceEnd('a'.repeat(100), 0, 40), 40, 'no place between words: cut at the size');
  const emoji = '😀'.repeat(50);
  const end = sliceEnd(emoji, 0, 41);
  assert.equal(end % 2, 0, 'a pair stays whole');
});

test('countInSlices: one long word is cut at the slice size (the count stays close); a stale count stops at the next slice', async () => {
  const tok = await loadTokenizer('gpt2');
  const count = (t: string): number => tok.encode(t).tokens.length;
  const word = 'a'.repeat(5 * SLICE_CHARS);
  const sliced = await countInSlices(word, count, never);
  assert.ok(sliced !== undefined && Math.abs(sliced - count(word)) <= 5, `${sliced} vs ${count(word)}`);
  let slices = 0;
  const stopped = await countInSlices(word, (t) => (slices++, count(t)), () => slices >= 2);
  assert.equal(stopped, undefined);
  assert.equal(slices, 2);
  assert.equal(await countInSlices('', count, never), 0);
});
