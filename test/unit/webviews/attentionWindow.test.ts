/**
 * The attention viewer on a text longer than the model reads (attentionCompute.ts `fitToContext`),
 * with the real GPT-2 and BERT tokenizers: the text is cut to the model's context around the
 * cursor, at token boundaries, the cut text tokenizes into no more than the model reads, and the
 * view says which tokens and lines of how many it shows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTokenizer } from '../../../src/engine/tokenizers/load';
import type { TokenizerService } from '../../../src/editor/tokenizerService';
import type { ModelInfo } from '../../../src/models/modelTypes';
import { contentLimit, fitToContext } from '../../../src/webviews/attentionCompute';

const tokenizers = { load: (spec: string) => loadTokenizer(spec) } as unknown as TokenizerService;

const model = (family: 'gpt2' | 'bert', contextLength: number): ModelInfo =>
  ({ modelId: 'm', family, label: 'tiny', device: 'cpu', tokenizerSpec: family === 'gpt2' ? 'gpt2' : 'bert-base-uncased', numLayers: 2, numHeads: 2, contextLength, vocabSize: 10, spec: 'x', dir: '/x' }) as ModelInfo;

/** 400 numbered lines of sample sentences (thousands of tokens). */
const TEXT = Array.from({ length: 400 }, (_, i) => `Line ${i + 1}: the quick brown fox jumps over the lazy dog, unbelievably.`).join('\n');

test('the model’s limit: its context less its special tokens, and at most 1,024', () => {
  assert.equal(contentLimit(model('gpt2', 128)), 128);
  assert.equal(contentLimit(model('bert', 128)), 126);
  assert.equal(contentLimit(model('gpt2', 2048)), 1024);
  assert.equal(contentLimit(model('bert', 512)), 510);
});

test('a short text is read whole and says nothing of a window', async () => {
  const r = await fitToContext(tokenizers, model('gpt2', 1024), { text: 'The cat sat on the mat.', cursor: 3 });
  assert.equal(r.text, 'The cat sat on the mat.');
  assert.equal(r.windowView, undefined);
  assert.equal(r.window.start, 0);
});

for (const family of ['gpt2', 'bert'] as const) {
  for (const context of [128, 1024]) {
    test(`${family}, context ${context}: the window around a cursor near the end holds the cursor’s line and fits the model`, async () => {
      const m = model(family, context);
      const tokenizer = await loadTokenizer(m.tokenizerSpec);
      const cursor = TEXT.indexOf('Line 390:') + 6;
      const r = await fitToContext(tokenizers, m, { text: TEXT, cursor, firstLine: 11 });
      const all = tokenizer.encode(TEXT, { special: false }).tokens;
      assert.ok(r.windowView, 'the view says which part it shows');
      const v = r.windowView;
      assert.equal(v.totalTokens, all.length);
      assert.equal(v.more, false);
      assert.equal(v.lastToken - v.firstToken + 1, r.window.count);
      assert.ok(r.window.count <= contentLimit(m) && r.window.count > contentLimit(m) - 8, `${r.window.count} tokens shown`);
      assert.equal(r.text, TEXT.slice(r.window.start, r.window.end));
      assert.ok(r.window.start <= cursor && cursor < r.window.end, 'the cursor is in the window');
      assert.ok(tokenizer.encode(r.text, { special: false }).tokens.length <= contentLimit(m), 'the cut text fits the model');
      // Cut at token boundaries of the whole text.
      assert.equal(all[r.window.first].start, r.window.start);
      assert.equal(all[r.window.first + r.window.count - 1].end, r.window.end);
      // Centred on the cursor's token, or clamped to the text's end (1,024 tokens reach past its 11 last lines).
      const at = all.findIndex((t) => t.end > cursor);
      if (context === 128) assert.ok(Math.abs(at - (r.window.first + r.window.count / 2)) <= 4, `token ${at} near the middle of ${r.window.first}…`);
      else assert.equal(r.window.end, TEXT.length);
      // The lines, in the document (its first line is 11).
      const lineOf = (offset: number): number => 11 + TEXT.slice(0, offset).split('\n').length - 1;
      assert.equal(v.fromLine, lineOf(r.window.start));
      assert.equal(v.toLine, lineOf(r.window.end - 1));
      assert.ok(v.fromLine <= 11 + 389 && 11 + 389 <= v.toLine);
    });
  }
}

test('a text that was clipped (too long to count) says "more than"', async () => {
  const r = await fitToContext(tokenizers, model('gpt2', 1024), { text: TEXT, cursor: 0, clipped: true });
  assert.equal(r.windowView?.more, true);
  assert.equal(r.windowView?.firstToken, 1);
  assert.equal(r.windowView?.lastToken, 1024);
});
