/**
 * "Open Attention Beside" (issue 15) in a real VS Code, on the tiny random-weight GPT-2: the
 * attention viewer opens as an editor panel in another column than the text, draws the heatmap of
 * the selection, follows the text editor when the selection changes (the panel does not take the
 * focus), and shares the layer/head with the side view (one controller).
 */
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeTinyModelFolder, type TinyModelSpec } from '../../support/tinyModelFolder';
import type { AttentionShown } from '../../../src/commands/attentionShow';
import { activateExtension, config, openWithSelection, waitFor } from './helpers';

const FIRST = 'The cat sat on the mat because it was tired.';
const SECOND = 'A transformer reads every token of the sentence at once.';
const VIEW_TYPE = 'transformerExplorer.attentionBeside';

function besideTabs(): Array<{ tab: vscode.Tab; column: vscode.ViewColumn }> {
  return vscode.window.tabGroups.all.flatMap((g) =>
    g.tabs.filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(VIEW_TYPE)).map((tab) => ({ tab, column: g.viewColumn })),
  );
}

async function openBeside(arg?: Record<string, unknown>): Promise<AttentionShown> {
  const shown = await vscode.commands.executeCommand<AttentionShown | undefined>('transformerExplorer.openAttentionBeside', arg);
  assert.ok(shown, 'openAttentionBeside returned nothing');
  return shown;
}

suite('Open Attention Beside: the viewer as an editor panel next to the text', function () {
  this.timeout(240_000);
  let parent: string;

  suiteSetup(async () => {
    const ext = await activateExtension();
    parent = mkdtempSync(path.join(tmpdir(), 'trex-attention-beside-it-'));
    const spec = JSON.parse(readFileSync(path.join(ext.extensionPath, 'test', 'fixtures', 'tiny-models', 'gpt2-real-vocab.spec.json'), 'utf8')) as TinyModelSpec;
    const dir = path.join(parent, 'tiny-gpt2');
    writeTinyModelFolder(dir, spec);
    copyFileSync(path.join(ext.extensionPath, 'dist', 'tokenizers', 'gpt2.json'), path.join(dir, 'tokenizer.json'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('transformerExplorer.selectModel', dir);
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await config().update('model', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('model', undefined, vscode.ConfigurationTarget.Global);
    rmSync(parent, { recursive: true, force: true });
  });

  test('opens beside the text, draws the heatmap, follows a selection change, keeps the layer/head', async () => {
    const { editor } = await openWithSelection('attention-beside-it.txt', `${FIRST}\n\n${SECOND}\n`, FIRST);
    const first = await openBeside({ tab: 'heatmap', layer: 1, head: 2 });
    assert.equal(first.status.kind, 'ready', JSON.stringify(first.status));
    assert.equal(first.payload?.text, FIRST);
    const drawn = first.beside;
    assert.ok(drawn, `the panel drew nothing (webview ${JSON.stringify(first.webview)})`);
    assert.equal(drawn.tab, 'heatmap');
    assert.equal(drawn.n, first.payload.tokens.length, 'a T × T matrix in the panel');
    assert.equal(drawn.upperPainted, 0, 'causal: nothing painted above the diagonal');
    assert.ok(drawn.lowerPainted > 0, 'the panel painted the lower triangle');
    const tabs = besideTabs();
    assert.equal(tabs.length, 1, 'one Attention panel');
    assert.notEqual(tabs[0].column, editor.viewColumn, 'the panel is in another column than the text');
    // The focus stayed in the text editor: it is still the active one.
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), editor.document.uri.toString());

    // A new selection in the text: the panel follows it, at the same layer and head.
    const doc = editor.document;
    const start = doc.getText().indexOf(SECOND);
    editor.selection = new vscode.Selection(doc.positionAt(start), doc.positionAt(start + SECOND.length));
    const second = await waitFor(
      () => openBeside(),
      (s) => s.payload?.text === SECOND && s.beside?.analysis === s.payload.analysis,
      'the panel to draw the second sentence',
      60_000,
    );
    assert.equal(second.beside?.layer, 1);
    assert.equal(second.beside?.head, 2);
    assert.equal(second.beside?.n, second.payload?.tokens.length);
    assert.equal(besideTabs().length, 1, 'still one panel');

    // The same viewer in the side view: Show Attention draws it at the layer/head chosen in the panel.
    const side = await vscode.commands.executeCommand<AttentionShown>('transformerExplorer.showAttention');
    assert.equal(side.payload?.text, SECOND);
    assert.equal(side.drawn?.layer, 1);
    assert.equal(side.drawn?.head, 2);
  });
});
