/**
 * What the activation path registers comes from package.json (src/manifest.ts), and the features
 * bundle checks that its features serve exactly that (src/feature.ts): a command, panel or view
 * without a handler, a handler the manifest does not declare, or an id served twice fails with
 * the ids named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { checkFeatures, joinFeatures, type Feature } from '../../src/feature';
import { readManifest } from '../../src/manifest';
import { REPO_ROOT } from '../support/repoRoot';

const packageJson: unknown = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));

test('the manifest reader finds the commands, the restored panels and the webview views of package.json', () => {
  const manifest = readManifest(packageJson);
  assert.ok(manifest.commands.includes('transformerExplorer.tokenizeSelection'));
  assert.ok(manifest.commands.includes('transformerExplorer.fillMask'));
  assert.ok(manifest.commands.length >= 20, `only ${manifest.commands.length} commands`);
  assert.equal(new Set(manifest.commands).size, manifest.commands.length, 'a command declared twice');
  assert.ok(manifest.panels.includes('transformerExplorer.predictPanel'));
  assert.ok(manifest.panels.every((p) => p.startsWith('transformerExplorer.') && !p.includes(':')));
  assert.deepEqual(manifest.views.sort(), ['transformerExplorer.attentionView', 'transformerExplorer.tokensView']);
});

test('the manifest reader reads a small manifest and refuses a malformed one', () => {
  const small = {
    activationEvents: ['onLanguage:plaintext', 'onWebviewPanel:x.panel'],
    contributes: { commands: [{ command: 'x.run', title: 'Run' }], views: { side: [{ type: 'webview', id: 'x.view' }, { id: 'x.tree' }] } },
  };
  assert.deepEqual(readManifest(small), { commands: ['x.run'], panels: ['x.panel'], views: ['x.view'] });
  assert.deepEqual(readManifest({}), { commands: [], panels: [], views: [] });
  for (const bad of [null, 'x', [], { contributes: { commands: {} } }, { contributes: { commands: [{ title: 'no id' }] } }, { activationEvents: [7] }]) {
    assert.throws(() => readManifest(bad), /package\.json/, JSON.stringify(bad));
  }
});

const run = (): void => undefined;
const revive = (): void => undefined;
const view = {} as vscode.WebviewViewProvider;
const manifest = { commands: ['x.a', 'x.b'], panels: ['x.panel'], views: ['x.view'] };

test('features that serve exactly the manifest pass the check, with the unlisted commands', () => {
  const features: Feature[] = [{ commands: { 'x.a': run }, revive: { 'x.panel': revive } }, { commands: { 'x.b': run, 'x.state': run }, views: { 'x.view': view } }];
  const joined = joinFeatures(features);
  assert.deepEqual(Object.keys(joined.commands).sort(), ['x.a', 'x.b', 'x.state']);
  assert.doesNotThrow(() => checkFeatures(joined, manifest, ['x.state']));
});

test('the check names what has no handler and what the manifest does not declare', () => {
  const joined = joinFeatures([{ commands: { 'x.a': run, 'x.extra': run }, revive: { 'x.other': revive } }]);
  assert.throws(
    () => checkFeatures(joined, manifest, []),
    (e: Error) =>
      e.message.includes('commands without a handler: x.b') &&
      e.message.includes('commands not declared in package.json: x.extra') &&
      e.message.includes('panels (onWebviewPanel) without a handler: x.panel') &&
      e.message.includes('panels (onWebviewPanel) not declared in package.json: x.other') &&
      e.message.includes('webview views without a handler: x.view'),
  );
});

test('an id served by two features is refused, named', () => {
  assert.throws(() => joinFeatures([{ commands: { 'x.a': run } }, { commands: { 'x.a': run } }]), /served by two features: x\.a/);
});
