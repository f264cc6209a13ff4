/**
 * Restricted Mode, in a real VS Code whose workspace is NOT trusted (run-code-server.mjs starts
 * this run with workspace trust on and no prompt). The workspace's .vscode/settings.json (written
 * by the launcher, absolute paths) names a hostile tokenizer.json of the workspace as `tokenizer`
 * and `compareTokenizer` — a Split pre-tokenizer `(a+)+$` and a Replace normalizer whose pattern
 * matches the empty string, which froze the extension host before the engine matched
 * tokenizer.json regexes in linear time — and a folder of the workspace as
 * `model` and `defaultModels`. An `aaaa…a🐱` document is open. None of it may be used: the status
 * bar counts with the default tokenizer, the commands answer, models come from the user's settings
 * or the built-in ones.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadTokenizer } from '../../../src/engine/tokenizers/load';
import type { ModelCardResult } from '../../../src/commands/showModelCard';
import type { Encoding } from '../../../src/engine/tokenizers/types';
import type { TokenCountState } from '../../../src/editor/tokenCountStatusBar';
import { activateExtension, config, waitFor } from '../suite/helpers';

const tokenCountState = (): Promise<TokenCountState> => Promise.resolve(vscode.commands.executeCommand<TokenCountState>('transformerExplorer.tokenCountState'));

suite('Restricted Mode: a workspace that is not trusted cannot choose tokenizer or model files', () => {
  let folder: vscode.Uri;
  let document: vscode.TextDocument;
  let workspaceSettings: Record<string, unknown>;

  suiteSetup(async () => {
    await activateExtension();
    const first = vscode.workspace.workspaceFolders?.[0];
    assert.ok(first, 'the run needs its workspace folder');
    folder = first.uri;
    workspaceSettings = JSON.parse(readFileSync(path.join(folder.fsPath, '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
    document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'aaaa.txt'));
    await vscode.window.showTextDocument(document, { preview: false });
  });

  suiteTeardown(async () => {
    await config().update('tokenizer', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the workspace is not trusted, and its settings naming files are ignored', () => {
    assert.equal(vscode.workspace.isTrusted, false, 'this run opens a workspace that is not trusted');
    const hostile = path.join(folder.fsPath, 'hostile', 'tokenizer.json');
    assert.equal(workspaceSettings['transformerExplorer.tokenizer'], hostile, 'the workspace does name the hostile tokenizer');
    assert.equal(workspaceSettings['transformerExplorer.model'], path.join(folder.fsPath, 'evil-model'));
    assert.equal(config().get('tokenizer'), 'gpt2');
    assert.equal(config().get('compareTokenizer'), 'bert-base-uncased');
    assert.equal(config().get('model'), '');
    assert.deepEqual(config().get('defaultModels'), { causal: 'builtin:trex-gpt2-kjv', masked: 'builtin:trex-bert-kjv' });
    assert.equal(workspaceSettings['transformerExplorer.training.python'], path.join(folder.fsPath, 'hostile', 'python'), 'the workspace does name its own Python');
    assert.equal(config().get('training.python'), '');
    assert.equal(config().get('training.outputFolder'), '.trex/models');
    for (const key of ['tokenizer', 'compareTokenizer', 'model', 'defaultModels', 'training.python', 'training.outputFolder']) {
      assert.equal(config().inspect(key)?.workspaceValue, undefined, `${key}: no workspace value seen`);
    }
  });

  test('the token count shows the default tokenizer (gpt2) and its count of the document', async () => {
    const gpt2 = await loadTokenizer('gpt2');
    const expected = gpt2.encode(document.getText()).tokens.length;
    const state = await waitFor(tokenCountState, (s) => s.visible && s.text.includes(' · gpt2') && !s.text.includes('$(warning)'), 'the token count with gpt2', 30_000);
    assert.match(state.text, new RegExp(`\\b${expected} tokens · gpt2$`), state.text);
  });

  test('Tokenize Selection completes, with the default tokenizer', async function () {
    this.timeout(30_000); // a liveness bound: the hostile tokenizer froze the host before the linear-time engine
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor && editor.document === document);
    editor.selection = new vscode.Selection(0, 0, 0, document.lineAt(0).text.length);
    const encoding = await vscode.commands.executeCommand<Encoding>('transformerExplorer.tokenizeSelection');
    assert.equal(encoding.tokenizer, 'gpt2');
    const gpt2 = await loadTokenizer('gpt2');
    assert.deepEqual(encoding.tokens.map((t) => t.id), gpt2.encode(document.lineAt(0).text).tokens.map((t) => t.id));
  });

  test('the model folder of the workspace is not used: the model card is the built-in model', async function () {
    this.timeout(60_000);
    const card = await vscode.commands.executeCommand<ModelCardResult | undefined>('transformerExplorer.showModelCard');
    assert.ok(card, 'the built-in model loads');
    assert.equal(path.basename(card.model.dir), 'trex-gpt2-kjv');
    assert.ok(!card.model.dir.startsWith(folder.fsPath), `a model of the workspace was used: ${card.model.dir}`);
  });

  test('a relative tokenizer path of the user settings is not looked up in the workspace', async () => {
    await vscode.window.showTextDocument(document, { preview: false }); // the model card's preview took the focus
    await config().update('tokenizer', 'hostile/tokenizer.json', vscode.ConfigurationTarget.Global);
    const state = await waitFor(tokenCountState, (s) => s.text.includes('$(warning)'), 'the token count to say why it cannot count', 30_000);
    assert.match(state.tooltip, /relative.*Restricted Mode/);
    await config().update('tokenizer', undefined, vscode.ConfigurationTarget.Global);
    await waitFor(tokenCountState, (s) => s.text.includes(' · gpt2') && !s.text.includes('$(warning)'), 'gpt2 again', 30_000);
  });
});
