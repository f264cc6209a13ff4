/**
 * The attention viewer in a real VS Code, on tiny random-weight GPT-2 and BERT models with the
 * real vocabularies: the side view analyses the selection and reports what it drew (the data it
 * received and the pixels of its canvas); a causal model's heatmap has an empty upper triangle and
 * a BERT-like one does not; the editor highlight only lights earlier tokens for GPT-2; exports
 * write a real PNG, an SVG and a snapshot that opens again; the compare panel shows both models.
 */
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeTinyModelFolder, type TinyModelSpec } from '../../support/tinyModelFolder';
import type { CompareShown } from '../../../src/webviews/attentionCompare';
import type { AttentionShown } from '../../../src/commands/attentionShow';
import type { AttentionSnapshot } from '../../../src/engine/attention/snapshot';
import type { Encoding } from '../../../src/engine/tokenizers/types';
import type { AttentionHighlightState } from '../../../src/editor/attentionHighlight';
import type { AttentionPayload, DrawReport } from '../../../src/protocol/attention';
import { activateExtension, config, openWithSelection, waitFor } from './helpers';

/** What Show Attention resolves to once the view has drawn. */
type Drawn = AttentionShown & { payload: AttentionPayload; drawn: DrawReport };

// Only `model`: changing `device` makes the model service reload the model (and write `model`
// again) while later suites write their settings.
const MODEL_SETTINGS = ['model'];
const TEXT = 'The cat sat on the mat because it was tired.';

function tinyFolder(ext: vscode.Extension<unknown>, parent: string, name: 'gpt2' | 'bert'): string {
  const spec = JSON.parse(readFileSync(path.join(ext.extensionPath, 'test', 'fixtures', 'tiny-models', `${name}-real-vocab.spec.json`), 'utf8')) as TinyModelSpec;
  const dir = path.join(parent, `tiny-${name}`);
  writeTinyModelFolder(dir, spec);
  copyFileSync(path.join(ext.extensionPath, 'dist', 'tokenizers', name === 'gpt2' ? 'gpt2.json' : 'bert-base-uncased.json'), path.join(dir, 'tokenizer.json'));
  return dir;
}

async function resetModelSettings(): Promise<void> {
  for (const key of MODEL_SETTINGS) {
    await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
    await config().update(key, undefined, vscode.ConfigurationTarget.Global);
  }
}

async function show(arg: Record<string, unknown>): Promise<Drawn> {
  const shown = await vscode.commands.executeCommand<AttentionShown | undefined>('transformerExplorer.showAttention', arg);
  assert.ok(shown, 'showAttention returned nothing');
  assert.equal(shown.status.kind, 'ready', `the view is not ready: ${JSON.stringify(shown.status)}`);
  assert.ok(shown.payload && shown.drawn, `nothing drawn (webview ${JSON.stringify(shown.webview)})`);
  return shown as Drawn;
}

suite('Attention viewer: side view, heatmap, highlight, export, compare', function () {
  this.timeout(240_000);
  let parent: string;
  let gpt2: string;
  let bert: string;

  suiteSetup(async () => {
    const ext = await activateExtension();
    parent = mkdtempSync(path.join(tmpdir(), 'trex-attention-it-'));
    gpt2 = tinyFolder(ext, parent, 'gpt2');
    bert = tinyFolder(ext, parent, 'bert');
    await resetModelSettings();
  });
  suiteTeardown(async () => {
    await resetModelSettings();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(parent, { recursive: true, force: true });
  });

  test('GPT-2: the side view draws the selection’s attention; the heatmap’s upper triangle is empty (data and pixels)', async () => {
    await vscode.commands.executeCommand('transformerExplorer.selectModel', gpt2);
    await openWithSelection('attention-it.txt', `${TEXT}\n`, TEXT);
    const shown = await show({ tab: 'heatmap', layer: 1, head: 0, hideSpecial: false, mergeSubwords: false });
    const { payload, drawn } = shown;
    assert.equal(payload.text, TEXT);
    assert.equal(payload.model.causal, true);
    assert.equal(payload.model.numLayers, 2);
    // The tokens are the GPT-2 tokenizer's, independently: they spell the text.
    const enc = await vscode.commands.executeCommand<Encoding>('transformerExplorer.tokenizeSelection');
    assert.deepEqual(payload.tokens.map((t) => t.token), enc.tokens.map((t) => t.token));
    const T = payload.tokens.length;
    assert.equal(drawn.n, T, 'a T × T matrix');
    assert.equal(drawn.labels.length, T);
    assert.equal(drawn.upperSum, 0, 'no weight above the diagonal');
    assert.ok(Math.abs(drawn.lowerSum - T) < 1e-3, `each row sums to 1 (total ${drawn.lowerSum})`);
    assert.equal(drawn.upperPainted, 0, 'no painted cell above the diagonal');
    assert.equal(drawn.lowerPainted, (T * (T + 1)) / 2, 'every cell on and below the diagonal is painted');

    const rollout = await show({ tab: 'heatmap', layer: 1, head: 'rollout' });
    assert.equal(rollout.drawn!.head, 'rollout');
    assert.equal(rollout.drawn!.upperSum, 0, 'the rollout of a causal model stays causal');
  });

  test('GPT-2: the editor highlights only the tokens before the cursor’s token, with the weights of the row', async () => {
    const shown = await show({ tab: 'heatmap', layer: 0, head: 'mean' });
    const editor = vscode.window.activeTextEditor!;
    await vscode.commands.executeCommand('transformerExplorer.toggleAttentionHighlight', true);
    const mat = TEXT.indexOf('mat') + 1;
    editor.selection = new vscode.Selection(editor.document.positionAt(mat), editor.document.positionAt(mat));
    // The highlight follows selection events: wait for it to reach the cursor's token.
    const state = await waitFor(
      () => Promise.resolve(vscode.commands.executeCommand<AttentionHighlightState>('transformerExplorer.attentionHighlightState')),
      (s) => s.enabled && s.token !== undefined && shown.payload!.tokens[s.token.index]?.token === 'Ġmat',
      'the highlight to follow the cursor to "mat"',
    );
    assert.ok(state.enabled && state.token, `no token under the cursor: ${JSON.stringify(state)}`);
    assert.equal(shown.payload!.tokens[state.token.index].token, 'Ġmat');
    assert.ok(state.targets.length > 1, 'several tokens lit');
    assert.ok(state.targets.every((t) => t.index <= state.token!.index), 'a causal model looks only back');
    const sum = state.targets.reduce((s, t) => s + t.weight, 0);
    assert.ok(sum <= 1 + 1e-4 && sum > 0.5, `the lit weights are a row of attention (sum ${sum})`);
    const off = await vscode.commands.executeCommand<AttentionHighlightState>('transformerExplorer.toggleAttentionHighlight', false);
    assert.equal(off.enabled, false);
    assert.deepEqual(off.targets, []);
    // Put the selection back for the next tests.
    editor.selection = new vscode.Selection(editor.document.positionAt(0), editor.document.positionAt(TEXT.length));
  });

  test('export: PNG and SVG of the view, a snapshot that opens again, a broken snapshot refused', async () => {
    await show({ tab: 'heatmap', layer: 1, head: 0 });
    const png = path.join(parent, 'view.png');
    const saved = await vscode.commands.executeCommand<{ path: string }>('transformerExplorer.saveAttentionImage', { format: 'png', path: png });
    assert.equal(saved?.path, png);
    const bytes = readFileSync(png);
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    assert.equal(bytes.subarray(12, 16).toString('latin1'), 'IHDR');
    assert.ok(bytes.readUInt32BE(16) > 50 && bytes.readUInt32BE(20) > 50, 'a real image, not an empty canvas');
    const svg = path.join(parent, 'view.svg');
    await vscode.commands.executeCommand('transformerExplorer.saveAttentionImage', { format: 'svg', path: svg });
    assert.match(readFileSync(svg, 'utf8'), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<rect[\s\S]*<\/svg>$/);

    const json = path.join(parent, 'snapshot.json');
    const snap = await vscode.commands.executeCommand<{ path: string }>('transformerExplorer.saveAttentionSnapshot', { path: json });
    assert.equal(snap?.path, json);
    const written = JSON.parse(readFileSync(json, 'utf8')) as AttentionSnapshot;
    assert.equal(written.format, 'transformer-explorer.attention-snapshot');
    assert.equal(written.model.id, gpt2);
    assert.equal(written.layer, 1);
    assert.equal(written.head, 0);
    assert.equal(written.causal, true);
    assert.equal(written.weights.length, written.tokens.length);
    written.weights.forEach((row, i) => {
      assert.ok(Math.abs(row.reduce((s, v) => s + v, 0) - 1) < 1e-4, `row ${i} sums to 1`);
      assert.ok(row.slice(i + 1).every((v) => v === 0), `row ${i}: nothing after the token`);
    });
    const opened = await vscode.commands.executeCommand<AttentionSnapshot | undefined>('transformerExplorer.openAttentionSnapshot', { path: json });
    assert.deepEqual(opened?.tokens, written.tokens);
    const broken = path.join(parent, 'broken.json');
    writeFileSync(broken, JSON.stringify({ ...written, weights: written.weights.slice(1) }));
    assert.equal(await vscode.commands.executeCommand('transformerExplorer.openAttentionSnapshot', { path: broken }), undefined);
  });

  test('BERT: every head looks both ways (upper triangle painted); hiding [CLS]/[SEP] drops two rows', async () => {
    await vscode.commands.executeCommand('transformerExplorer.selectModel', bert);
    await openWithSelection('attention-it.txt', `${TEXT}\n`, TEXT);
    const shown = await show({ tab: 'heatmap', layer: 0, head: 1, hideSpecial: false });
    const { payload, drawn } = shown;
    assert.equal(payload.model.causal, false);
    const T = payload.tokens.length;
    assert.equal(payload.tokens[0].token, '[CLS]');
    assert.equal(payload.tokens[T - 1].token, '[SEP]');
    assert.equal(drawn.n, T);
    assert.ok(drawn.upperSum > 0.5, `weight above the diagonal (${drawn.upperSum})`);
    assert.ok(drawn.upperPainted > (T * (T - 1)) / 4, `cells painted above the diagonal (${drawn.upperPainted})`);
    const hidden = await show({ tab: 'heatmap', layer: 0, head: 1, hideSpecial: true });
    assert.equal(hidden.drawn!.n, T - 2);
    assert.ok(!hidden.drawn!.labels.includes('[CLS]') && !hidden.drawn!.labels.includes('[SEP]'));
    assert.ok(Math.abs(hidden.drawn!.upperSum + hidden.drawn!.lowerSum - (T - 2)) < 1e-3, 'rows renormalised to 1');
    await show({ tab: 'heatmap', hideSpecial: false });
  });

  test('the other tabs draw: head view, model view, summary, positions', async () => {
    for (const tab of ['heads', 'model', 'summary', 'positions']) {
      const shown = await vscode.commands.executeCommand<AttentionShown>('transformerExplorer.showAttention', { tab });
      assert.equal(shown.drawn?.tab, tab, `tab ${tab} was not drawn`);
    }
    const positions = await vscode.commands.executeCommand<AttentionShown>('transformerExplorer.showPositionalEncodings');
    assert.equal(positions.drawn?.tab, 'positions');
    assert.ok((positions.drawn?.n ?? 0) >= 2, 'some positions shown');
  });

  test('the view’s model unloaded by the host to make room (a model cache of 1 MB, Fill Mask loading BERT meanwhile): the view loads it again and draws', async () => {
    await vscode.commands.executeCommand('transformerExplorer.selectModel', gpt2);
    await openWithSelection('attention-it.txt', `${TEXT}\n`, TEXT);
    const before = await show({ tab: 'heatmap', layer: 1, head: 0, hideSpecial: false, mergeSubwords: false });
    await config().update('modelCacheMemoryMB', 1, vscode.ConfigurationTarget.Global);
    try {
      // Fill Mask needs a masked model: the built-in BERT, whose load evicts every other model.
      await openWithSelection('attention-evict.txt', 'The cat [MASK] on the mat.\n', 'The cat [MASK] on the mat.');
      const filled = await vscode.commands.executeCommand<{ result?: unknown }>('transformerExplorer.fillMask', { topK: 3 });
      assert.ok(filled?.result, 'fill-mask ran on the built-in BERT');
      await openWithSelection('attention-it.txt', `${TEXT}\n`, TEXT);
      const after = await show({ tab: 'heatmap', layer: 0, head: 1 });
      assert.deepEqual([after.drawn.layer, after.drawn.head], [0, 1], `the layer and head asked for drawn (not the last draw before the eviction: ${JSON.stringify([after.drawn.layer, after.drawn.head])})`);
      assert.equal(after.drawn.n, before.drawn.n, 'the same text drawn again');
      assert.equal(after.drawn.upperSum, 0, 'still the causal GPT-2');
    } finally {
      await config().update('modelCacheMemoryMB', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('compare: BERT and GPT-2 side by side on the same text', async () => {
    const result = await vscode.commands.executeCommand<CompareShown | undefined>(
      'transformerExplorer.compareAttention',
      { text: TEXT, causal: gpt2, masked: bert },
    );
    assert.ok(result, 'no compare result');
    assert.deepEqual(result.columns.map((c) => c.error ?? 'ok'), ['ok', 'ok']);
    const causal = result.drawn.find((d) => d.role === 'causal');
    const masked = result.drawn.find((d) => d.role === 'masked');
    assert.ok(causal && masked, `both drawn: ${JSON.stringify(result.drawn.map((d) => d.role))}`);
    assert.equal(causal.upperSum, 0);
    assert.equal(causal.upperPainted, 0);
    assert.ok(masked.upperSum > 0 && masked.upperPainted > 0);
    assert.equal(masked.n, causal.n + 2, 'BERT adds [CLS] and [SEP]');
    assert.ok(existsSync(gpt2));
  });
});
