import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LearnBpeResult, MergeTrace } from '../../../src/engine/tokenizers/types';
import type { WordTrace } from '../../../src/webviews/traceViews';
import {
  activateExtension, closeAllEditors, Command, contentTokens, openWithSelection, resetSettings,
  setSetting, tokenizeSelection,
} from './helpers';

/**
 * The course's corpus (« low », « lower », « lowest »), with `newer` and `wider` so that e+r is
 * the third merge as in the course: pair counts l-o 8 = o-w 8 (a tie, broken the same way by
 * first occurrence and by alphabetical order), then lo-w 8, then e-r 6 (> low-e 3).
 */
export const COURSE_CORPUS = 'low low low low low lower lower lowest newer newer wider wider';

function assertReplayConsistent(t: MergeTrace): void {
  if (t.kind !== 'bpe') return;
  let symbols = t.initial;
  assert.equal(symbols.join(''), t.word, `initial symbols do not spell ${t.word}`);
  for (const step of t.steps) {
    const at = symbols.findIndex((s, i) => s === step.pair[0] && symbols[i + 1] === step.pair[1]);
    assert.ok(at >= 0, `merge ${step.pair.join('+')} is not a pair of ${JSON.stringify(symbols)}`);
    assert.equal(step.symbols.join(''), t.word);
    assert.equal(step.symbols.length, symbols.length - 1);
    symbols = step.symbols;
  }
  assert.deepEqual(symbols, t.tokens, 'the replay does not end in its tokens');
}

suite('BPE views', () => {
  suiteSetup(activateExtension);
  teardown(resetSettings);
  suiteTeardown(closeAllEditors);

  test('Learn BPE reproduces the course: l+o, lo+w, e+r', async () => {
    await openWithSelection('integration-learn.txt', `Corpus :\n${COURSE_CORPUS}\n`, COURSE_CORPUS);
    const result = await vscode.commands.executeCommand<LearnBpeResult>(Command.learnBpe);
    assert.ok(result && Array.isArray(result.merges), `learnBpe returned ${JSON.stringify(result)}`);
    assert.deepEqual(
      result.merges.slice(0, 3).map((m) => ({ pair: m.pair, merged: m.merged, frequency: m.frequency })),
      [
        { pair: ['l', 'o'], merged: 'lo', frequency: 8 },
        { pair: ['lo', 'w'], merged: 'low', frequency: 8 },
        { pair: ['e', 'r'], merged: 'er', frequency: 6 },
      ],
    );
    const low = result.words.find((w) => w.word === 'low');
    assert.equal(low?.count, 5);
  });

  for (const tokenizer of ['gpt2', 'bert-base-uncased']) {
    test(`Show BPE Merges (${tokenizer}) ends in exactly the tokenizer's tokens`, async () => {
      await setSetting('tokenizer', tokenizer);
      const text = 'The lowest unaffable croquettes, déjà mangées';
      await openWithSelection('integration-bpe.txt', `${text}\n`, text);
      const enc = await tokenizeSelection();
      const traces = await vscode.commands.executeCommand<WordTrace[]>(Command.showBpeMerges);
      assert.ok(Array.isArray(traces) && traces.length > 0, `showBpeMerges returned ${JSON.stringify(traces)}`);
      const replayed = traces.flatMap((t) => t.trace.tokens);
      assert.deepEqual(replayed, contentTokens(enc).map((t) => t.token));
      for (const t of traces) assertReplayConsistent(t.trace);
      const kind = tokenizer === 'gpt2' ? 'bpe' : 'wordpiece';
      assert.ok(traces.every((t) => t.trace.kind === kind), `expected ${kind} traces`);
      if (kind === 'bpe') {
        assert.ok(traces.some((t) => t.trace.kind === 'bpe' && t.trace.steps.length > 0), 'no merge at all?');
      }
    });
  }
});
