import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeTinyModelFolder } from '../../support/tinyModelFolder';
import { startFakeHub, type FakeHub, type FakeRepo } from '../../support/fakeHub';
import type { ModelState } from '../../../src/models/modelTypes';
import { activateExtension, config } from './helpers';


type ShowMessage = (message: string, ...rest: unknown[]) => Thenable<unknown>;

/**
 * Answers the modal download question with `answer` (`undefined` = the user closed it) and
 * records it; other warnings pass through.
 */
async function answeringModals<T>(answer: string | undefined, body: () => Thenable<T>): Promise<{ result: T; asked: string[] }> {
  const win = vscode.window as unknown as { showWarningMessage: ShowMessage };
  const original = win.showWarningMessage;
  const asked: string[] = [];
  win.showWarningMessage = (message: string, ...rest: unknown[]) => {
    const options = rest[0];
    if (typeof options === 'object' && options !== null && (options as { modal?: boolean }).modal) {
      asked.push(message);
      return Promise.resolve(answer === undefined ? undefined : rest.find((r) => r === answer));
    }
    return original.call(vscode.window, message, ...rest);
  };
  try {
    return { result: await body(), asked };
  } finally {
    win.showWarningMessage = original;
  }
}

const REPO_ID = 'trex-test/tiny-gpt2-it';

suite('Models: download from the Hugging Face Hub (local fake Hub)', () => {
  let parent: string;
  let cacheDir: string;
  let hub: FakeHub;
  let weightsBytes: number;
  const savedEnv = { HF_ENDPOINT: process.env.HF_ENDPOINT, HF_HUB_CACHE: process.env.HF_HUB_CACHE, HF_HUB_OFFLINE: process.env.HF_HUB_OFFLINE };

  suiteSetup(async () => {
    const ext = await activateExtension();
    parent = mkdtempSync(path.join(tmpdir(), 'trex-download-it-'));
    const source = path.join(parent, 'source');
    writeTinyModelFolder(source, {
      family: 'gpt2',
      config: { nLayer: 1, nHead: 2, nEmbd: 8, vocabSize: 50257, nPositions: 32, layerNormEpsilon: 1e-5 },
      seed: 3,
    });
    copyFileSync(path.join(ext.extensionPath, 'dist', 'tokenizers', 'gpt2.json'), path.join(source, 'tokenizer.json'));
    const file = (name: string, lfs: boolean) => ({ path: name, content: readFileSync(path.join(source, name)), lfs });
    const repo: FakeRepo = {
      id: REPO_ID,
      commit: 'c0ffee'.padEnd(40, '0'),
      files: [file('config.json', false), file('tokenizer.json', true), file('model.safetensors', true)],
    };
    weightsBytes = repo.files.reduce((sum, f) => sum + f.content.length, 0);
    hub = await startFakeHub([repo]);
    cacheDir = path.join(parent, 'hf-cache');
    process.env.HF_ENDPOINT = hub.url;
    process.env.HF_HUB_CACHE = cacheDir;
    delete process.env.HF_HUB_OFFLINE;
  });
  suiteTeardown(async () => {
    for (const [key, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await config().update('model', undefined, vscode.ConfigurationTarget.Global);
    await hub?.stop();
    rmSync(parent, { recursive: true, force: true });
  });

  test('declining the download fetches nothing and loads nothing', async () => {
    const before = config().get<string>('model');
    const { result, asked } = await answeringModals(undefined, () =>
      vscode.commands.executeCommand<ModelState>('transformerExplorer.selectModel', REPO_ID),
    );
    assert.equal(asked.length, 1);
    assert.ok(asked[0].includes(REPO_ID), asked[0]);
    assert.equal(hub.cdnBytesSent, 0, 'no weight byte moved');
    assert.notEqual(result.active?.spec, REPO_ID);
    assert.equal(config().get<string>('model'), before);
  });

  test('accepting downloads into the HF cache layout, then loads the model on CPU; the next time needs no network', async () => {
    const { result, asked } = await answeringModals('Download', () =>
      vscode.commands.executeCommand<ModelState>('transformerExplorer.selectModel', REPO_ID),
    );
    assert.equal(asked.length, 1);
    assert.ok(result.active, JSON.stringify(result));
    assert.equal(result.active.repoId, REPO_ID);
    assert.equal(result.active.device, 'cpu');
    assert.equal(result.active.numLayers, 1);
    const repoFolder = path.join(cacheDir, 'models--trex-test--tiny-gpt2-it');
    assert.equal(result.active.dir, path.join(repoFolder, 'snapshots', 'c0ffee'.padEnd(40, '0')));
    assert.ok(existsSync(path.join(repoFolder, 'refs', 'main')));
    assert.equal(readdirSync(path.join(repoFolder, 'blobs')).filter((b) => !b.endsWith('.incomplete')).length, 3);
    assert.ok(hub.cdnBytesSent > 0 && hub.cdnBytesSent <= weightsBytes);
    assert.equal(config().get('model'), REPO_ID);

    const requestsBefore = hub.requests.length;
    const { result: again, asked: askedAgain } = await answeringModals('Download', () =>
      vscode.commands.executeCommand<ModelState>('transformerExplorer.selectModel', REPO_ID),
    );
    assert.deepEqual(askedAgain, [], 'a cached model is not asked for again');
    assert.equal(hub.requests.length, requestsBefore, 'a cached model needs no request');
    assert.equal(again.active?.dir, result.active.dir);
  });

  test('Choose Model lists the models of the HF cache; picking one loads it', async () => {
    await vscode.commands.executeCommand('transformerExplorer.selectModel', path.join(parent, 'source'));
    assert.equal(config().get('model'), path.join(parent, 'source'));
    const requestsBefore = hub.requests.length;
    // No argument: the quick pick opens; its first entry is the one model of the cache.
    const picked = Promise.resolve(vscode.commands.executeCommand<ModelState>('transformerExplorer.selectModel'));
    let state: ModelState | undefined;
    const pending = Symbol('pending');
    for (let attempt = 0; attempt < 40 && !state; attempt++) {
      // Accept once the quick pick is up (it opens after the cache is listed).
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      const settled = await Promise.race([picked, new Promise<typeof pending>((r) => setTimeout(() => r(pending), 500))]);
      if (settled !== pending) state = settled;
    }
    assert.ok(state, 'the quick pick never closed');
    assert.equal(state.active?.repoId, REPO_ID);
    assert.equal(state.active?.device, 'cpu');
    assert.equal(config().get('model'), REPO_ID);
    assert.equal(hub.requests.length, requestsBefore, 'listing and loading the cache needs no request');
  });
});
