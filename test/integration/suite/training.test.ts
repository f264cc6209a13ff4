/**
 * "Train a Model from Scratch" in a real VS Code, with Debian's PyTorch (/usr/bin/python3.11, as
 * CI installs it): a GPT-2 run on Genesis 1–11 started from the command, its curve seen moving in
 * the panel, stopped halfway — the last step is saved, the model becomes the active one and Complete
 * Text writes with it; a short BERT run to its end becomes the active model and Fill Mask fills with
 * it; a second run while one goes is refused; a Python without torch is said with the install command.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CompletionOutcome } from '../../../src/commands/completeText';
import type { FillMaskShown } from '../../../src/commands/fillMask';
import type { ModelState } from '../../../src/models/modelTypes';
import type { TrainingCommandResult, TrainingState } from '../../../src/training/trainingFeature';
import { activateExtension, config, openWithSelection, waitFor } from './helpers';

const PYTHON = '/usr/bin/python3.11';

function hasTorch(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const state = (drawnWithinMs = 0) => Promise.resolve(vscode.commands.executeCommand<TrainingState>('transformerExplorer.trainingState', { drawnWithinMs }));

suite('Train a Model from Scratch: a GPT-2 and a BERT on Genesis, watched, stopped, used', function () {
  this.timeout(600_000);
  let parent: string;
  let genesis: string;

  suiteSetup(async function () {
    if (!hasTorch()) {
      console.log(`      (skipped: ${PYTHON} has no torch — CI installs python3-torch)`);
      this.skip();
    }
    await activateExtension();
    parent = mkdtempSync(path.join(tmpdir(), 'trex-train-it-'));
    genesis = execSync('bible -f "Gen1:1-Gen11:32"').toString().replace(/^\S+\s/gm, '');
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('transformerExplorer.stopTraining');
    for (const key of ['model', 'defaultModels']) {
      await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
      await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (parent) rmSync(parent, { recursive: true, force: true });
  });

  test('GPT-2: the curve moves in the panel, Stop keeps the last step, the model becomes active and Complete Text writes with it', async () => {
    const started = await vscode.commands.executeCommand<TrainingCommandResult>('transformerExplorer.trainModel', {
      text: genesis, source: 'Genesis 1–11', objective: 'clm', steps: 5000, evalEvery: 20, batchSize: 8, python: PYTHON, outputDir: parent, name: 'genesis',
    });
    assert.equal(started.started, true, JSON.stringify(started.problem));
    // The panel draws the training loss as it comes: two draws with more points the second time.
    const first = await waitFor(() => state(5000), (s) => (s.drawn?.models[0]?.trainPoints ?? 0) >= 3, 'three points of the loss curve drawn', 240_000);
    assert.equal(first.drawn?.stopEnabled, true, 'Stop can be pressed while it runs');
    assert.match(first.statusBar, /GPT-2 \d+\/5000/);
    const later = await waitFor(() => state(5000), (s) => (s.drawn?.models[0]?.trainPoints ?? 0) > first.drawn!.models[0].trainPoints + 2, 'the curve to move on', 240_000);
    assert.ok((later.drawn?.models[0].evalPoints ?? 0) >= 1, 'the validation loss at step 0 is drawn');

    // Closing the panel leaves the run going; Show Training brings the whole run back.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('transformerExplorer.showTraining');
    const back = await waitFor(() => state(5000), (s) => (s.drawn?.models[0]?.trainPoints ?? 0) > later.drawn!.models[0].trainPoints, 'the reopened panel drawing the whole curve', 240_000);
    // Every step reported so far is drawn (one more may have come in while it was read).
    assert.ok(Math.abs((back.drawn?.models[0].trainPoints ?? 0) - back.steps) <= 1, `${back.drawn?.models[0].trainPoints} points for ${back.steps} steps`);

    // A second run while this one goes is refused.
    const second = await vscode.commands.executeCommand<TrainingCommandResult>('transformerExplorer.trainModel', { text: genesis, python: PYTHON, outputDir: parent, name: 'other' });
    assert.equal(second.started, false);
    assert.equal(second.problem?.kind, 'busy');

    await vscode.commands.executeCommand('transformerExplorer.stopTraining');
    const done = await waitFor(() => state(5000), (s) => s.status === 'done' && s.drawn?.status === 'done', 'the stopped run to save and end', 240_000);
    const [gpt2] = done.result!.models;
    assert.equal(gpt2.stoppedEarly, true);
    assert.ok(gpt2.steps >= 1 && gpt2.steps < 5000, `${gpt2.steps} steps`);
    for (const f of ['config.json', 'tokenizer.json', 'model.safetensors']) assert.ok(existsSync(path.join(gpt2.folder, f)), f);
    assert.match(readFileSync(done.result!.report, 'utf8'), /stopped/);
    assert.equal(done.statusBar, '', 'the status bar item goes away');

    // The trained model is the active one: Complete Text writes with it.
    const active = await waitFor(
      () => Promise.resolve(vscode.commands.executeCommand<ModelState>('transformerExplorer.selectModel', gpt2.folder)),
      (m) => m.active?.spec === gpt2.folder,
      'the trained GPT-2 as the active model',
      60_000,
    );
    assert.equal(active.active?.family, 'gpt2');
    assert.equal(config().get('model'), gpt2.folder);
    const prompt = 'And God said';
    const { editor } = await openWithSelection('train-complete.txt', prompt);
    editor.selection = new vscode.Selection(editor.document.positionAt(prompt.length), editor.document.positionAt(prompt.length));
    const outcome = await vscode.commands.executeCommand<CompletionOutcome>('transformerExplorer.completeText', { options: { strategy: 'greedy', maxNewTokens: 6 }, panel: false });
    assert.ok(outcome?.result, `no completion: ${JSON.stringify(outcome)}`);
    assert.ok(outcome.inserted.length > 0);
  });

  test('BERT: a short run to its end becomes the active model, and Fill Mask fills with it', async () => {
    const ran = await vscode.commands.executeCommand<TrainingCommandResult>('transformerExplorer.trainModel', {
      text: genesis, source: 'Genesis 1–11', objective: 'mlm', steps: 40, evalEvery: 20, batchSize: 8, python: PYTHON, outputDir: parent, name: 'genesis-bert', wait: true,
    });
    assert.ok(ran.result, JSON.stringify(ran.problem));
    const [bert] = ran.result.models;
    assert.equal(bert.objective, 'mlm');
    assert.equal(bert.stoppedEarly, false);
    assert.equal(bert.steps, 40);
    const s = await state(10_000);
    assert.equal(s.drawn?.status, 'done');
    assert.equal(s.drawn?.models[0].evalPoints, 3, 'evaluations at steps 0, 20 and 40');
    assert.ok((s.drawn?.models[0].samples ?? 0) >= 2, 'the probe’s fills shown');
    await waitFor(() => Promise.resolve(config().get<string>('model')), (m) => m === bert.folder, 'the BERT as the active model', 60_000);
    await openWithSelection('train-fill.txt', 'And God said, Let there be [MASK]: and there was light.');
    const shown = await vscode.commands.executeCommand<FillMaskShown>('transformerExplorer.fillMask', { topK: 5 });
    assert.ok(shown, 'fillMask returned nothing');
    assert.equal(shown.result.masks.length, 1);
    assert.equal(shown.result.masks[0].candidates.length, 5);
  });

  test('a Python without PyTorch is said, with the command that installs it', async () => {
    // `python3.11 -S` skips site-packages, where Debian's torch lives: a Python without torch.
    const noTorch = path.join(parent, 'python-without-torch');
    writeFileSync(noTorch, `#!/bin/sh\nexec ${PYTHON} -S "$@"\n`, { mode: 0o755 });
    const result = await vscode.commands.executeCommand<TrainingCommandResult>('transformerExplorer.trainModel', { text: genesis, python: noTorch, outputDir: parent });
    assert.equal(result.started, false);
    assert.equal(result.problem?.kind, 'no-torch');
    assert.match(result.problem?.fix ?? '', /-m pip install torch/);
  });
});
