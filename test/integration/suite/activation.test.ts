import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, Command, openWithSelection, resetSettings, FRENCH } from './helpers';

suite('Activation and commands', () => {
  suiteTeardown(async () => {
    await closeAllEditors();
    await resetSettings();
  });

  test('the extension activates', async () => {
    const ext = await activateExtension();
    assert.equal(ext.isActive, true);
  });

  test('activation loads no model runtime (onnxruntime-node stays in the model host)', async () => {
    await activateExtension();
    const loaded = Object.keys(require.cache).filter((path) => /onnxruntime|onnx-proto/.test(path));
    assert.deepEqual(loaded, [], 'the extension host loaded model runtime modules');
  });

  test('every command of the contract and of the manifest is registered', async () => {
    await activateExtension();
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = Object.values(Command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'contract commands not registered');
    const ext = vscode.extensions.getExtension('transformer-explorer.transformer-explorer');
    const manifest = ext?.packageJSON as { contributes?: { commands?: Array<{ command: string; category?: string }> } };
    const declared = manifest.contributes?.commands ?? [];
    assert.ok(declared.length >= Object.values(Command).length, 'package.json declares fewer commands than the contract');
    assert.deepEqual(declared.filter((c) => !registered.has(c.command)).map((c) => c.command), [], 'declared but not registered');
    assert.deepEqual(declared.filter((c) => c.category !== 'Transformer' && c.category !== '%category%').map((c) => c.command), [], 'commands outside the "Transformer" category');
    // A command loads the features bundle, which checks that its handlers cover exactly the
    // commands, restored panels and views of package.json: a mismatch rejects, naming the ids.
    await assert.doesNotReject(Promise.resolve(vscode.commands.executeCommand('transformerExplorer.tokenCountState')), 'the features do not match package.json');
  });

  test('each command runs on an open document with a selection', async () => {
    await activateExtension();
    await openWithSelection('integration-commands.txt', `${FRENCH}\nlow lower lowest\n`, 'chat mange des croquettes');
    const results: Record<string, unknown> = {};
    for (const id of [Command.tokenizeSelection, Command.showBpeMerges, Command.learnBpe, Command.showSidePanel]) {
      results[id] = await vscode.commands.executeCommand(id);
    }
    const first = await vscode.commands.executeCommand<boolean>(Command.toggleTokenBoundaries);
    const second = await vscode.commands.executeCommand<boolean>(Command.toggleTokenBoundaries);
    const spec = await vscode.commands.executeCommand<string>(Command.selectTokenizer, 'gpt2');
    assert.ok(results[Command.tokenizeSelection], 'tokenizeSelection returned nothing');
    assert.ok(Array.isArray(results[Command.showBpeMerges]), 'showBpeMerges did not return its traces');
    assert.ok(results[Command.learnBpe], 'learnBpe returned nothing');
    assert.equal(typeof first, 'boolean');
    assert.equal(second, !first);
    assert.equal(spec, 'gpt2');
  });
});
