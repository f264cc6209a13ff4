/**
 * "Attention, step by step" in a real VS Code, on the built-in GPT-2 and BERT (trained on the King
 * James Bible): the panel's softmax row, as its page shows it, equals the attention row the
 * Attention view computes through `model/attention` (its saved snapshot) within 1e-5; the mask is
 * causal for GPT-2 only; the query follows the editor's cursor, and an edit runs the text again.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AttentionShown } from '../../../src/commands/attentionShow';
import type { AttentionSnapshot } from '../../../src/engine/attention/snapshot';
import type { AttentionStepsShown } from '../../../src/webviews/attentionStepsPanel';
import { activateExtension, config, openWithSelection, waitFor } from './helpers';

const SENTENCE = 'Le chat mange des croquettes';
const LAYER = 2;
const HEAD = 3;
const TOLERANCE = 1e-5;

async function resetModel(): Promise<void> {
  await config().update('model', undefined, vscode.ConfigurationTarget.Workspace);
  await config().update('model', undefined, vscode.ConfigurationTarget.Global);
}

/** The index of the token whose characters start `word` in the text. */
function tokenOf(tokens: ReadonlyArray<{ start: number; end: number; special: boolean }>, text: string, word: string): number {
  const at = text.indexOf(word);
  const index = tokens.findIndex((t) => !t.special && t.start <= at && at < t.end);
  assert.ok(index >= 0, `no token at "${word}"`);
  return index;
}

const stepsState = (): Promise<AttentionStepsShown | undefined> => Promise.resolve(vscode.commands.executeCommand<AttentionStepsShown | undefined>('transformerExplorer.attentionStepsState'));

suite('Attention, step by step: the formula with the model’s own numbers', function () {
  this.timeout(240_000);
  let parent: string;

  suiteSetup(async () => {
    await activateExtension();
    parent = mkdtempSync(path.join(tmpdir(), 'trex-steps-it-'));
    await resetModel();
  });
  suiteTeardown(async () => {
    await resetModel();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(parent, { recursive: true, force: true });
  });

  for (const [family, spec] of [['GPT-2', 'builtin:trex-gpt2-kjv'], ['BERT', 'builtin:trex-bert-kjv']] as const) {
    test(`${family}: layer ${LAYER}, head ${HEAD}, “mange”: the panel’s weights are the Attention view’s row (≤ 1e-5)`, async () => {
      await vscode.commands.executeCommand('transformerExplorer.selectModel', spec);
      await openWithSelection(`steps-${family}.txt`, `${SENTENCE}\n`, SENTENCE);
      // The Attention view's row, independently: model/attention through the view, saved as a snapshot.
      const view = await vscode.commands.executeCommand<AttentionShown>('transformerExplorer.showAttention', { tab: 'heatmap', layer: LAYER, head: HEAD, hideSpecial: false, mergeSubwords: false });
      assert.equal(view.status.kind, 'ready', JSON.stringify(view.status));
      assert.ok(view.payload && view.drawn, 'the Attention view drew nothing');
      const file = path.join(parent, `${family}.json`);
      await vscode.commands.executeCommand('transformerExplorer.saveAttentionSnapshot', { path: file });
      const snapshot = JSON.parse(readFileSync(file, 'utf8')) as AttentionSnapshot;
      assert.equal(snapshot.layer, LAYER);
      assert.equal(snapshot.head, HEAD);
      const query = tokenOf(view.payload.tokens, SENTENCE, 'mange');

      const shown = await vscode.commands.executeCommand<AttentionStepsShown | undefined>('transformerExplorer.showAttentionSteps', { layer: LAYER, head: HEAD, query });
      assert.ok(shown, 'the command showed nothing');
      const { payload, drawn } = shown;
      const r = payload.result;
      assert.deepEqual(r.tokens.map((t) => t.token), view.payload.tokens.map((t) => t.token), 'the same tokens as the Attention view');
      assert.deepEqual([r.layer, r.head, r.query], [LAYER, HEAD, query]);
      assert.equal(r.layout, family === 'GPT-2' ? 'preLN' : 'postLN');
      assert.equal(r.dk * r.numHeads, r.dModel);
      assert.equal(r.q.length, r.dk);
      assert.equal(r.keys.length, r.tokens.length);
      assert.equal(r.concat.length, r.dModel);
      assert.equal(r.projected.length, r.dModel);
      assert.ok(r.maxDifference <= TOLERANCE, `max |Δ| = ${r.maxDifference}`);
      // What the page drew, read back from its table.
      assert.ok(drawn, 'the page did not report a drawing');
      assert.deepEqual([drawn.layer, drawn.head, drawn.query], [LAYER, HEAD, query]);
      assert.equal(drawn.stages, 4, 'the four stages');
      assert.equal(drawn.heads, r.numHeads, 'a row per head');
      assert.equal(drawn.checkPassed, true, 'the page says the check passed');
      const row = snapshot.weights[query];
      assert.deepEqual(snapshot.tokens.length, r.tokens.length, `snapshot tokens ${JSON.stringify(snapshot.tokens)} vs ${JSON.stringify(r.tokens.map((t) => t.token))}`);
      assert.equal(drawn.weights.length, row.length);
      drawn.weights.forEach((w, j) => {
        assert.ok(Math.abs(w - row[j]) <= TOLERANCE, `a[${query}][${j}]: panel ${w}, Attention view ${row[j]}`);
        assert.ok(Math.abs(drawn.modelWeights[j] - row[j]) <= TOLERANCE, `model row [${j}]`);
      });
      assert.ok(Math.abs(drawn.weights.reduce((a, b) => a + b, 0) - 1) < 1e-9, 'the softmax sums to 1');
      // The mask: GPT-2 sees nothing after the query; BERT sees both sides.
      const after = drawn.weights.slice(query + 1);
      if (family === 'GPT-2') {
        assert.ok(after.every((w) => w === 0), 'no weight after the query');
        assert.deepEqual(r.allowed, r.tokens.map((_, j) => j <= query));
      } else {
        assert.ok(after.some((w) => w > 0), 'weight after the query too');
        assert.ok(r.allowed.every(Boolean));
      }
      // Every head's row of this query is the model's.
      assert.deepEqual(r.allHeads[HEAD], r.modelWeights);
    });
  }

  test('the query follows the editor’s cursor; an edit of the text runs it again', async () => {
    const { editor } = await openWithSelection('steps-follow.txt', `${SENTENCE}\n`);
    const doc = editor.document;
    // No selection: the cursor's line, the token at the cursor as the query.
    const at = (offset: number): vscode.Selection => new vscode.Selection(doc.positionAt(offset), doc.positionAt(offset));
    editor.selection = at(SENTENCE.indexOf('mange') + 1);
    const shown = await vscode.commands.executeCommand<AttentionStepsShown | undefined>('transformerExplorer.showAttentionSteps', { layer: 1, head: 0 });
    assert.ok(shown?.drawn, 'nothing drawn');
    const tokens = shown.payload.result.tokens;
    assert.equal(shown.payload.text, SENTENCE);
    assert.equal(shown.payload.result.query, tokenOf(tokens, SENTENCE, 'mange'));
    const croquettes = tokenOf(tokens, SENTENCE, 'croquettes');
    editor.selection = at(SENTENCE.indexOf('croquettes') + 1);
    const moved = await waitFor(stepsState, (s) => s?.drawn?.query === croquettes && s.payload.result.query === croquettes, 'the query to follow the cursor to “croquettes”', 30_000);
    assert.equal(moved?.payload.result.layer, 1, 'the layer stays');
    await editor.edit((e) => e.insert(doc.positionAt(SENTENCE.length), ' tout'));
    const edited = await waitFor(stepsState, (s) => s?.payload.text === `${SENTENCE} tout` && s.drawn?.query === s.payload.result.query, 'the panel to run the edited line', 30_000);
    assert.ok(edited && edited.payload.result.tokens.length > tokens.length, 'more tokens after the edit');
    assert.equal(edited.drawn?.checkPassed, true);
  });
});
