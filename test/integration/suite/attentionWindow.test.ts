/**
 * The attention viewer on a text longer than the model's context (issue 15), in a real VS Code on
 * the tiny random-weight GPT-2 (64 positions): with the cursor near the end of a paragraph of
 * thousands of tokens, the view shows a window of the model's context around the cursor (not the
 * paragraph's start), says which tokens and lines of how many it shows, and maps its tokens back
 * to the document (the editor highlight finds the cursor's token); moving the cursor a little
 * keeps the window, moving it far away shows a new one.
 */
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeTinyModelFolder, type TinyModelSpec } from '../../support/tinyModelFolder';
import type { AttentionShown } from '../../../src/commands/attentionShow';
import type { AttentionHighlightState } from '../../../src/editor/attentionHighlight';
import type { AttentionPayload } from '../../../src/protocol/attention';
import { activateExtension, config, openWithSelection, waitFor } from './helpers';

const LINES = 200;
/** One paragraph (no blank line) of numbered sample sentences: about 3,000 GPT-2 tokens. */
const TEXT = Array.from({ length: LINES }, (_, i) => `Line ${i + 1}: the quick brown fox jumps over the lazy dog.`).join('\n') + '\n';

async function show(): Promise<AttentionShown & { payload: AttentionPayload }> {
  const shown = await vscode.commands.executeCommand<AttentionShown | undefined>('transformerExplorer.showAttention', { tab: 'heatmap', layer: 0, head: 'mean' });
  assert.ok(shown, 'showAttention returned nothing');
  assert.equal(shown.status.kind, 'ready', JSON.stringify(shown.status));
  assert.ok(shown.payload, 'no payload');
  return shown as AttentionShown & { payload: AttentionPayload };
}

function putCursor(editor: vscode.TextEditor, offset: number): void {
  const at = editor.document.positionAt(offset);
  editor.selection = new vscode.Selection(at, at);
}

suite('Attention viewer: a text longer than the context shows a window around the cursor', function () {
  this.timeout(240_000);
  let parent: string;

  suiteSetup(async () => {
    const ext = await activateExtension();
    parent = mkdtempSync(path.join(tmpdir(), 'trex-attention-window-it-'));
    const spec = JSON.parse(readFileSync(path.join(ext.extensionPath, 'test', 'fixtures', 'tiny-models', 'gpt2-real-vocab.spec.json'), 'utf8')) as TinyModelSpec;
    const dir = path.join(parent, 'tiny-gpt2');
    writeTinyModelFolder(dir, spec);
    copyFileSync(path.join(ext.extensionPath, 'dist', 'tokenizers', 'gpt2.json'), path.join(dir, 'tokenizer.json'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('transformerExplorer.selectModel', dir);
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('transformerExplorer.toggleAttentionHighlight', true);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await config().update('model', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('model', undefined, vscode.ConfigurationTarget.Global);
    rmSync(parent, { recursive: true, force: true });
  });

  test('the cursor near the end: the window holds its token, its text is the document’s at its offset, and it stays while the cursor moves a little', async () => {
    const { editor } = await openWithSelection('attention-window-it.txt', TEXT);
    const doc = editor.document;
    const line190 = doc.getText().indexOf('Line 190:');
    const cursor = doc.getText().indexOf('fox', line190) + 1;
    putCursor(editor, cursor);
    const first = await waitFor(show, (s) => s.payload.window !== undefined && s.payload.text.includes('Line 190:'), 'the view to show the window around line 190', 60_000);
    const { payload } = first;
    const w = payload.window!;
    assert.equal(w.more, false);
    assert.ok(w.totalTokens > 2000, `the paragraph's tokens: ${w.totalTokens}`);
    assert.equal(w.lastToken - w.firstToken + 1, payload.tokens.length, 'the window is the tokens shown (GPT-2 adds none)');
    assert.ok(payload.tokens.length <= 64 && payload.tokens.length > 56, `the model's 64 positions: ${payload.tokens.length}`);
    assert.ok(w.firstToken > 2000 && w.lastToken < w.totalTokens, `tokens ${w.firstToken}–${w.lastToken} of ${w.totalTokens}: around the cursor, not the start`);
    assert.ok(w.fromLine <= 190 && 190 <= w.toLine && w.toLine - w.fromLine <= 6, `lines ${w.fromLine}–${w.toLine}`);

    // The shown text is the document's at the window's offset: found once in the document, on the lines said.
    const all = doc.getText();
    const offset = all.indexOf(payload.text);
    assert.ok(offset >= 0 && all.indexOf(payload.text, offset + 1) < 0, 'the shown text is one place of the document');
    assert.equal(doc.positionAt(offset).line + 1, w.fromLine);
    assert.equal(doc.positionAt(offset + payload.text.length - 1).line + 1, w.toLine);
    assert.ok(offset <= cursor && cursor < offset + payload.text.length, 'the window holds the cursor');
    const tokenAt = payload.tokens.findIndex((t) => offset + t.start <= cursor && cursor < offset + t.end);
    assert.equal(payload.tokens[tokenAt].token, 'Ġfox');
    assert.ok(Math.abs(tokenAt - payload.tokens.length / 2) <= 2, `centred on the cursor's token (${tokenAt} of ${payload.tokens.length})`);

    // The editor highlight maps the view's tokens back to the document with the window's offset.
    await vscode.commands.executeCommand('transformerExplorer.toggleAttentionHighlight', true);
    const state = await waitFor(
      () => Promise.resolve(vscode.commands.executeCommand<AttentionHighlightState>('transformerExplorer.attentionHighlightState')),
      (s) => s.enabled && s.token !== undefined,
      'the highlight to find the cursor’s token',
    );
    assert.equal(state.token?.index, tokenAt);
    assert.equal(state.token?.token, 'Ġfox');

    // A few characters further (still in the window's middle): the same analysis, no new window.
    putCursor(editor, doc.getText().indexOf('lazy', line190));
    const same = await show();
    assert.equal(same.payload.analysis, payload.analysis, 'moving inside the window keeps it');

    // Far away (the paragraph's start): a new window, there.
    putCursor(editor, 3);
    const start = await waitFor(show, (s) => s.payload.analysis !== payload.analysis, 'a new window at the start', 60_000);
    assert.equal(start.payload.window?.firstToken, 1);
    assert.equal(start.payload.window?.fromLine, 1);
    assert.ok(start.payload.text.startsWith('Line 1:'));
  });
});
