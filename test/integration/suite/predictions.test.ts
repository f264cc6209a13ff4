import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeTinyModelFolder, type TinyModelSpec } from '../../support/tinyModelFolder';
import type { CompletionOutcome } from '../../../src/commands/completeText';
import type { FillMaskShown } from '../../../src/commands/fillMask';
import type { SurprisalShown } from '../../../src/commands/showSurprisal';
import type { CompareAtCursorResult } from '../../../src/engine/tasks/taskTypes';
import type { ModelState } from '../../../src/models/modelTypes';
import { activateExtension, config, hoverText, openWithSelection, undoIn, waitFor } from './helpers';

const SETTINGS = ['model', 'defaultModels'];

/** A tiny GPT-2 with the real vocabulary and a long context (so a long completion can be stopped midway). */
const TINY_GPT2: TinyModelSpec = {
  family: 'gpt2',
  config: { nLayer: 1, nHead: 2, nEmbd: 16, vocabSize: 50257, nPositions: 2048, layerNormEpsilon: 1e-5 },
  seed: 17,
};
/** A tiny BERT with the real bert-base-uncased vocabulary. */
const TINY_BERT: TinyModelSpec = {
  family: 'encoder',
  seed: 5,
  config: { modelType: 'bert', vocabSize: 30522, hiddenSize: 16, nLayer: 1, nHead: 2, intermediateSize: 32, maxPositions: 128, typeVocabSize: 2, layerNormEpsilon: 1e-12, padTokenId: 0 },
};

async function resetSettings(): Promise<void> {
  for (const key of SETTINGS) {
    await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
    await config().update(key, undefined, vscode.ConfigurationTarget.Global);
  }
}

suite('Predictions: fill-mask, completion, surprisal lens, BERT vs GPT', () => {
  let parent: string;

  suiteSetup(async () => {
    const ext = await activateExtension();
    parent = mkdtempSync(path.join(tmpdir(), 'trex-predict-it-'));
    const gpt2 = path.join(parent, 'tiny-gpt2');
    const bert = path.join(parent, 'tiny-bert');
    writeTinyModelFolder(gpt2, TINY_GPT2);
    copyFileSync(path.join(ext.extensionPath, 'dist', 'tokenizers', 'gpt2.json'), path.join(gpt2, 'tokenizer.json'));
    writeTinyModelFolder(bert, TINY_BERT);
    copyFileSync(path.join(ext.extensionPath, 'dist', 'tokenizers', 'bert-base-uncased.json'), path.join(bert, 'tokenizer.json'));
    await resetSettings();
    // The active model (a causal one) serves completion and surprisal; fill-mask takes the
    // default masked model, since the active one does not fit.
    await config().update('defaultModels', { causal: path.join(parent, 'missing'), masked: bert }, vscode.ConfigurationTarget.Global);
    const state = await vscode.commands.executeCommand<ModelState>('transformerExplorer.selectModel', gpt2);
    assert.equal(state.active?.family, 'gpt2');
  });
  suiteTeardown(async () => {
    await resetSettings();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(parent, { recursive: true, force: true });
  });

  test('Fill Mask on a selection with [MASK] replaces the mask with a candidate, one undo step', async () => {
    const text = 'Le chat [MASK] des croquettes.';
    const { editor } = await openWithSelection('fill-mask.txt', text);
    const shown = await vscode.commands.executeCommand<FillMaskShown>('transformerExplorer.fillMask', { topK: 5, apply: 1 });
    assert.ok(shown, 'fillMask returned nothing');
    assert.equal(shown.mode, 'masks');
    assert.equal(shown.result.masks.length, 1);
    assert.equal(shown.result.masks[0].candidates.length, 5);
    const best = shown.result.masks[0].candidates[0];
    assert.deepEqual(shown.applied, [best.text.replace(/^##/, '').trimStart()]);
    const expected = text.replace('[MASK]', shown.applied[0]);
    assert.equal(editor.document.getText(), expected, 'the mask is replaced by the best candidate');
    await undoIn(editor);
    assert.equal(editor.document.getText(), text, 'one Undo brings the mask back');
  });

  test('Fill Mask on the word under the cursor masks it and can write a candidate in its place', async () => {
    const text = 'the cat eats the food';
    const { editor } = await openWithSelection('fill-word.txt', text, 'eats');
    editor.selection = new vscode.Selection(editor.document.positionAt(9), editor.document.positionAt(9));
    const shown = await vscode.commands.executeCommand<FillMaskShown>('transformerExplorer.fillMask', { apply: 2 });
    assert.ok(shown);
    assert.equal(shown.mode, 'word');
    assert.ok(shown.text.includes('[MASK]') && !shown.text.includes('eats'), shown.text);
    assert.ok(shown.applied && shown.applied.length === 1, JSON.stringify(shown.applied));
    assert.equal(editor.document.getText(), `the cat ${shown.applied[0]} the food`);
  });

  test('Fill Mask without a mask and without a word says how to add one', async () => {
    await openWithSelection('fill-none.txt', '   \n   ');
    const shown = await vscode.commands.executeCommand<FillMaskShown | undefined>('transformerExplorer.fillMask');
    assert.equal(shown, undefined);
  });

  test('Complete Text streams tokens into the editor after the cursor and is undone in one step', async () => {
    const text = 'The cat eats';
    const { editor } = await openWithSelection('complete.txt', text);
    editor.selection = new vscode.Selection(editor.document.positionAt(text.length), editor.document.positionAt(text.length));
    const versions: number[] = [];
    const sub = vscode.workspace.onDidChangeTextDocument((e) => e.document === editor.document && versions.push(e.document.version));
    const outcome = await vscode.commands.executeCommand<CompletionOutcome>('transformerExplorer.completeText', {
      options: { strategy: 'greedy', maxNewTokens: 8 },
      panel: false,
    });
    sub.dispose();
    assert.ok(outcome, 'completeText returned nothing');
    assert.ok(outcome.result, `no result: ${JSON.stringify(outcome)}`);
    assert.ok(outcome.inserted.length > 0, 'something was generated');
    assert.equal(outcome.inserted, outcome.result.text);
    assert.equal(editor.document.getText(), text + outcome.inserted);
    assert.ok(outcome.streamedSteps >= 1);
    if (outcome.streamedSteps > 1) assert.ok(versions.length > 1, 'the text arrived in several edits (streamed)');
    await undoIn(editor);
    assert.equal(editor.document.getText(), text, 'one Undo removes the whole completion');
  });

  test('Complete Text can be stopped midway: what was streamed stays, one Undo removes it', async () => {
    const text = 'Once upon a time';
    const { editor } = await openWithSelection('complete-stop.txt', text);
    editor.selection = new vscode.Selection(editor.document.positionAt(text.length), editor.document.positionAt(text.length));
    let stopped: Thenable<unknown> | undefined;
    // Stop once the first streamed token is in the text. A change event can also come with no
    // content change (the document's dirty state, a reload from disk): stopping on one of those,
    // before the completion starts, stops nothing and lets all 2000 tokens run.
    const sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === editor.document && e.contentChanges.length > 0 && !stopped) stopped = vscode.commands.executeCommand('transformerExplorer.stopCompletion');
    });
    const outcome = await vscode.commands.executeCommand<CompletionOutcome>('transformerExplorer.completeText', {
      options: { strategy: 'sample', maxNewTokens: 2000, seed: 1 },
      panel: false,
    });
    sub.dispose();
    assert.ok(stopped, 'the completion never reached the editor');
    assert.equal(await stopped, true, 'a completion was running when Stop was asked');
    assert.equal(outcome.finishReason, 'cancelled');
    assert.ok(outcome.streamedSteps >= 1 && outcome.streamedSteps < 2000, `${outcome.streamedSteps} steps`);
    assert.equal(editor.document.getText(), text + outcome.inserted);
    assert.ok(outcome.inserted.length > 0);
    await undoIn(editor);
    assert.equal(editor.document.getText(), text, 'one Undo removes what was streamed');
    assert.equal(await vscode.commands.executeCommand('transformerExplorer.stopCompletion'), false, 'nothing runs any more');
  });

  test('Show Surprisal colours the tokens, hovers show probability and rank, Clear removes them', async () => {
    const text = 'The cat eats the food in the kitchen.';
    const { editor } = await openWithSelection('surprisal.txt', text);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const shown = await vscode.commands.executeCommand<SurprisalShown>('transformerExplorer.showSurprisal');
    assert.ok(shown, 'showSurprisal returned nothing');
    assert.equal(shown.kind, 'causal');
    assert.ok(shown.tokens >= 8, `${shown.tokens} tokens coloured`);
    assert.ok(shown.summary && Number.isFinite(shown.summary.perplexity) && shown.summary.perplexity >= 1);
    assert.ok(shown.summary.bitsPerChar > 0);
    const hover = await hoverText(editor.document.uri, editor.document.positionAt(text.indexOf('kitchen') + 2));
    assert.match(hover, /surprisal [\d.]+ bits, probability .+, rank \d+/);
    assert.match(hover, /Alternative/);
    assert.equal(await vscode.commands.executeCommand('transformerExplorer.clearSurprisal'), true);
    const after = await hoverText(editor.document.uri, editor.document.positionAt(text.indexOf('kitchen') + 2));
    assert.ok(!/surprisal [\d.]+ bits/.test(after), 'no surprisal hover after Clear');
  });

  test('an edit keeps the colours before it and re-scores the rest', async () => {
    const text = 'The cat eats the food. The dog sleeps.';
    const { editor } = await openWithSelection('surprisal-edit.txt', text);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const shown = await vscode.commands.executeCommand<SurprisalShown>('transformerExplorer.showSurprisal');
    assert.ok(shown && shown.tokens > 0);
    const cat = editor.document.positionAt(text.indexOf('cat') + 1);
    assert.match(await hoverText(editor.document.uri, cat), /surprisal/);
    await editor.edit((eb) => eb.insert(editor.document.positionAt(text.length), ' The bird sings.'));
    assert.match(await hoverText(editor.document.uri, cat), /surprisal/, 'tokens before the edit keep their score');
    const bird = editor.document.positionAt(text.length + 6);
    await waitFor(() => hoverText(editor.document.uri, bird), (h) => /surprisal/.test(h), 'the new text scored after the pause', 20_000);
    await vscode.commands.executeCommand('transformerExplorer.clearSurprisal');
  });

  test('Compare BERT and GPT Here predicts the word at the cursor with both models', async () => {
    const text = 'The cat eats the food.';
    const { editor } = await openWithSelection('compare.txt', text);
    const at = editor.document.positionAt(text.indexOf('eats') + 1);
    editor.selection = new vscode.Selection(at, at);
    const result = await vscode.commands.executeCommand<CompareAtCursorResult>('transformerExplorer.compareAtCursor');
    assert.ok(result, 'compareAtCursor returned nothing');
    assert.equal(result.word.text, 'eats');
    assert.ok(result.masked.candidates.length > 0 && result.causal.candidates.length > 0);
  });
});
