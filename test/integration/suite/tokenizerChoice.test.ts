import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  activateExtension, assertBertOffsets, closeAllEditors, Command, config, EXTENSION_ID, FRENCH,
  openWithSelection, resetSettings, setSetting, tokenizeSelection,
} from './helpers';

type ShowMessage = (message: string, ...rest: unknown[]) => Thenable<unknown>;

/** Records the error notifications the extension shows while `body` runs. */
async function captureErrors<T>(body: () => Promise<T>): Promise<{ result: T; errors: string[] }> {
  const win = vscode.window as unknown as { showErrorMessage: ShowMessage };
  const original = win.showErrorMessage;
  const errors: string[] = [];
  win.showErrorMessage = (message: string, ...rest: unknown[]) => {
    errors.push(message);
    return original.call(vscode.window, message, ...rest);
  };
  assert.notEqual(vscode.window.showErrorMessage, original, 'cannot observe error messages in this extension host');
  try {
    return { result: await body(), errors };
  } finally {
    win.showErrorMessage = original;
  }
}

suite('Choosing the tokenizer', () => {
  let workspace: vscode.Uri;
  suiteSetup(async () => {
    await activateExtension();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    workspace = folder.uri;
  });
  teardown(resetSettings);
  suiteTeardown(closeAllEditors);

  test('a bad tokenizer.json is reported and the previous tokenizer stays', async () => {
    await setSetting('tokenizer', 'gpt2');
    const bad = vscode.Uri.joinPath(workspace, 'bad-model', 'tokenizer.json');
    await vscode.workspace.fs.writeFile(bad, Buffer.from('{ "model": { "type": "BPE", "vocab": ', 'utf8'));
    const { result, errors } = await captureErrors(() =>
      Promise.resolve(vscode.commands.executeCommand<string>(Command.selectTokenizer, bad.fsPath)).catch((e: unknown) => `threw: ${String(e)}`),
    );
    assert.equal(result, 'gpt2', 'selectTokenizer should return the tokenizer still active');
    assert.equal(config().get('tokenizer'), 'gpt2');
    assert.equal(errors.length, 1, `expected one error message, got ${JSON.stringify(errors)}`);
    assert.ok(!/\n\s+at /.test(errors[0]), `the error shows a stack trace: ${errors[0]}`);
    await openWithSelection('integration-choice.txt', `${FRENCH}\n`, FRENCH);
    assert.equal((await tokenizeSelection()).tokenizer, 'gpt2');
  });

  test('a model folder holding a tokenizer.json can be chosen by path', async () => {
    await setSetting('tokenizer', 'gpt2');
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    const bundled = vscode.Uri.file(path.join(ext.extensionPath, 'dist', 'tokenizers', 'bert-base-uncased.json'));
    const folder = vscode.Uri.joinPath(workspace, 'models', 'my-bert');
    await vscode.workspace.fs.copy(bundled, vscode.Uri.joinPath(folder, 'tokenizer.json'), { overwrite: true });
    const spec = await vscode.commands.executeCommand<string>(Command.selectTokenizer, folder.fsPath);
    assert.equal(spec, folder.fsPath);
    const { selectedText } = await openWithSelection('integration-choice.txt', `${FRENCH}\n`, FRENCH);
    const enc = await tokenizeSelection();
    assert.equal(enc.tokenizer, folder.fsPath);
    assertBertOffsets(enc, selectedText);
  });

  test('Toggle Token Boundaries flips its state each time', async () => {
    await setSetting('tokenBoundaries.enabled', false);
    await openWithSelection('integration-choice.txt', `${FRENCH}\n`, FRENCH);
    const first = await vscode.commands.executeCommand<boolean>(Command.toggleTokenBoundaries);
    const second = await vscode.commands.executeCommand<boolean>(Command.toggleTokenBoundaries);
    const third = await vscode.commands.executeCommand<boolean>(Command.toggleTokenBoundaries);
    assert.deepEqual([first, second, third], [true, false, true]);
  });
});
