/**
 * Inside the model (issue 14) in a real VS Code, on the built-in models trained on the King James
 * Bible: the Logit Lens (causal: its last row is the model's own next-token prediction, checked
 * against a greedy completion of the same text; masked: against Fill Mask at the same [MASK] or
 * masked word) and Contextual Embeddings (cosines in [−1, 1], the same word elsewhere, two
 * selections with their similarity). Each command resolves to the result and to what its page
 * reports it drew.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CompletionOutcome } from '../../../src/commands/completeText';
import type { EmbeddingsShown } from '../../../src/commands/contextualEmbeddings';
import type { FillMaskShown } from '../../../src/commands/fillMask';
import type { LensShown } from '../../../src/commands/logitLens';
import type { LogitLensResult } from '../../../src/engine/inside/insideTypes';
import { activateExtension, config, openWithSelection, undoIn } from './helpers';

const GPT2 = 'builtin:trex-gpt2-kjv';
const BERT = 'builtin:trex-bert-kjv';
const GENESIS = 'In the beginning God created the heaven and the earth. And the earth was without form, and void';

async function resetModel(): Promise<void> {
  await config().update('model', undefined, vscode.ConfigurationTarget.Workspace);
  await config().update('model', undefined, vscode.ConfigurationTarget.Global);
}

async function useModel(spec: string, family: string): Promise<void> {
  const state = await vscode.commands.executeCommand<{ active?: { family: string } }>('transformerExplorer.selectModel', spec);
  assert.equal(state.active?.family, family, `${spec} did not become the active model`);
}

async function lens(): Promise<LensShown> {
  const shown = await vscode.commands.executeCommand<LensShown | undefined>('transformerExplorer.showLogitLens');
  assert.ok(shown, 'showLogitLens returned nothing');
  return shown;
}

async function embeddings(): Promise<EmbeddingsShown> {
  const shown = await vscode.commands.executeCommand<EmbeddingsShown | undefined>('transformerExplorer.showEmbeddings');
  assert.ok(shown, 'showEmbeddings returned nothing');
  return shown;
}

/** What holds for every lens: the grid's shape, probabilities, the outlined cell, and what the page drew. */
function assertLensShape(shown: LensShown): void {
  const r: LogitLensResult = shown.result;
  const L = r.numLayers;
  assert.equal(r.cells.length, L + 1, 'rows: the embeddings, then every layer');
  for (const row of r.cells) assert.equal(row.length, r.positions.length);
  r.cells.forEach((row, l) =>
    row.forEach((cell, c) => {
      assert.equal(cell.top.length, 5, `cell ${l},${c}: top 5`);
      let total = 0;
      cell.top.forEach((t, i) => {
        assert.ok(t.prob > 0 && t.prob <= 1, `cell ${l},${c}: probability ${t.prob}`);
        if (i > 0) assert.ok(t.prob <= cell.top[i - 1].prob + 1e-6, `cell ${l},${c}: best first`);
        total += t.prob;
      });
      assert.ok(total <= 1 + 1e-4, `cell ${l},${c}: the top 5 sum to ${total}`);
    }),
  );
  r.firstFinal.forEach((first, c) => {
    const final = r.cells[L][c].top[0].id;
    assert.equal(r.cells[first][c].top[0].id, final, `column ${c}: the outlined row has the final top-1`);
    for (let l = 0; l < first; l++) assert.notEqual(r.cells[l][c].top[0].id, final, `column ${c}: row ${l} already had it`);
  });
  assert.ok(shown.drawn, 'the page did not report drawing the grid');
  assert.deepEqual(shown.drawn, { drawId: shown.drawn.drawId, rows: L + 1, columns: r.positions.length, cells: (L + 1) * r.positions.length, firstFinal: r.positions.length, caveat: true });
}

suite('Inside the model: Logit Lens and Contextual Embeddings on the built-in models', function () {
  this.timeout(180_000);

  suiteSetup(async () => {
    await activateExtension();
    await resetModel();
  });
  suiteTeardown(async () => {
    await resetModel();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Logit Lens, causal: a row per layer, a column per token; the last row is the model’s own next-token prediction', async () => {
    await useModel(GPT2, 'gpt2');
    const { editor } = await openWithSelection('lens-causal.txt', GENESIS);
    const shown = await lens();
    assert.equal(shown.result.kind, 'causal');
    assert.equal(shown.text, GENESIS);
    assert.equal(shown.result.numLayers, 3);
    assert.deepEqual(shown.result.positions, shown.result.tokens.map((_, i) => i), 'every token is a column');
    assertLensShape(shown);
    const L = shown.result.numLayers;
    const ids = shown.result.tokens.map((t) => t.id);
    // Each column's target is the token that comes next, with its rank among the vocabulary.
    shown.result.cells[L].forEach((cell, c) => {
      if (c + 1 < ids.length) {
        assert.equal(cell.target?.id, ids[c + 1], `column ${c}: the target is the next token`);
        assert.ok(cell.target && cell.target.rank >= 1, `column ${c}: a rank`);
        if (cell.target.rank === 1) assert.equal(cell.top[0].id, cell.target.id);
      } else assert.equal(cell.target, undefined, 'nothing follows the last token');
    });
    // The last column's final row against a greedy completion of the same text (one new token).
    editor.selection = new vscode.Selection(editor.document.positionAt(GENESIS.length), editor.document.positionAt(GENESIS.length));
    const outcome = await vscode.commands.executeCommand<CompletionOutcome>('transformerExplorer.completeText', { options: { strategy: 'greedy', maxNewTokens: 1 }, panel: false });
    assert.ok(outcome.result && outcome.result.steps.length === 1, `completion: ${JSON.stringify(outcome.finishReason)}`);
    const step = outcome.result.steps[0];
    const last = shown.result.cells[L][ids.length - 1];
    assert.equal(last.top[0].id, step.chosen.id, `the lens’s output row predicts “${last.top[0].text}”, the completion wrote “${step.chosen.text}”`);
    assert.ok(Math.abs(last.top[0].prob - step.chosen.prob) < 1e-3, `probability ${last.top[0].prob} vs ${step.chosen.prob}`);
    step.candidates.slice(0, 5).forEach((c, i) => assert.equal(last.top[i].id, c.id, `candidate ${i + 1}`));
    await undoIn(editor);
  });

  test('Logit Lens, causal: a text longer than the context is cut to it and says so', async () => {
    await useModel(GPT2, 'gpt2');
    const long = Array.from({ length: 12 }, () => GENESIS).join('. ');
    await openWithSelection('lens-long.txt', long);
    const shown = await lens();
    assert.ok(shown.result.tokens.length <= 128, `${shown.result.tokens.length} tokens read`);
    assert.ok(shown.result.tokens.length > 100, 'the window is the whole context');
    assert.ok(shown.text.length < long.length && long.startsWith(shown.text), 'the start of the selection was read');
    assertLensShape(shown);
  });

  test('Logit Lens, masked: at the text’s [MASK], the output row is Fill Mask’s answer', async () => {
    await useModel(BERT, 'bert');
    const text = 'In the beginning God created the [MASK] and the earth.';
    await openWithSelection('lens-mask.txt', text);
    const shown = await lens();
    assert.equal(shown.result.kind, 'masked');
    assert.equal(shown.result.positions.length, 1, 'one column: the mask');
    assert.equal(shown.result.masked, undefined);
    assertLensShape(shown);
    const fill = await vscode.commands.executeCommand<FillMaskShown>('transformerExplorer.fillMask', { topK: 5 });
    assert.ok(fill, 'fillMask returned nothing');
    const L = shown.result.numLayers;
    const candidates = fill.result.masks[0].candidates;
    shown.result.cells[L][0].top.forEach((t, i) => {
      assert.equal(t.id, candidates[i].id, `candidate ${i + 1}: lens “${t.text}”, Fill Mask “${candidates[i].text}”`);
      assert.ok(Math.abs(t.prob - candidates[i].prob) < 1e-3, `candidate ${i + 1}: ${t.prob} vs ${candidates[i].prob}`);
    });
  });

  test('Logit Lens: a text with a [MASK] goes to the masked model even when the active one is causal', async () => {
    await useModel(GPT2, 'gpt2');
    await openWithSelection('lens-mask-causal-active.txt', 'And God said, Let there be [MASK]: and there was light.');
    const shown = await lens();
    assert.equal(shown.result.kind, 'masked');
    assert.equal(shown.family, 'bert', `read by ${shown.model}`);
    assert.equal(shown.result.positions.length, 1);
    assertLensShape(shown);
  });

  test('Logit Lens, masked: without a [MASK], the word at the cursor is masked and the view says which', async () => {
    await useModel(BERT, 'bert');
    const { editor } = await openWithSelection('lens-word.txt', GENESIS, 'heaven');
    const at = editor.document.positionAt(GENESIS.indexOf('heaven') + 2);
    editor.selection = new vscode.Selection(at, at);
    const shown = await lens();
    assert.equal(shown.result.kind, 'masked');
    const masked = shown.result.masked;
    assert.ok(masked, 'no word was masked');
    assert.equal(masked.text, 'heaven');
    assert.ok(masked.readText.includes('[MASK]') && !masked.readText.includes('heaven'), masked.readText);
    assert.equal(shown.result.positions.length, masked.maskCount);
    assertLensShape(shown);
    const L = shown.result.numLayers;
    const target = shown.result.cells[L][0].target;
    assert.ok(target && target.rank >= 1 && target.prob > 0, 'the original token’s probability and rank');
    const fill = await vscode.commands.executeCommand<FillMaskShown>('transformerExplorer.fillMask', { topK: 5 });
    assert.equal(fill.mode, 'word');
    assert.equal(shown.result.cells[L][0].top[0].id, fill.result.masks[0].candidates[0].id, 'the output row is Fill Mask’s best candidate');
  });

  test('Contextual Embeddings: one word against its other occurrences and its static embedding, nearest tokens', async () => {
    await useModel(BERT, 'bert');
    const { editor } = await openWithSelection('embeddings-one.txt', GENESIS, 'earth');
    editor.selection = new vscode.Selection(editor.document.positionAt(GENESIS.indexOf('earth') + 1), editor.document.positionAt(GENESIS.indexOf('earth') + 1));
    const shown = await embeddings();
    const r = shown.result;
    const L = r.numLayers;
    assert.equal(r.word.text, 'earth');
    assert.equal(r.comparisons.length, 1, 'the other “earth”');
    assert.equal(r.comparisons[0].source, 'occurrence');
    assert.equal(r.comparisons[0].other.start, GENESIS.indexOf('earth', GENESIS.indexOf('earth') + 1));
    for (const values of [r.staticCosine, ...r.comparisons.map((c) => c.cosine)]) {
      assert.equal(values.length, L + 1, 'one value per layer, embeddings included');
      for (const v of values) assert.ok(Number.isFinite(v) && v >= -1 - 1e-6 && v <= 1 + 1e-6, `cosine ${v}`);
    }
    assert.ok(r.comparisons[0].cosine[0] < 1, 'the same word at two positions differs already in the embeddings (position embeddings)');
    assert.ok(r.nearest.length >= 1);
    for (const n of r.nearest) {
      assert.equal(n.neighbours.length, 10);
      n.neighbours.forEach((nb, i) => {
        assert.ok(nb.cosine >= -1 - 1e-6 && nb.cosine <= 1 + 1e-6, `neighbour cosine ${nb.cosine}`);
        assert.notEqual(nb.id, r.tokens[n.position].id, 'the token itself is not its own neighbour');
        if (i > 0) assert.ok(nb.cosine <= n.neighbours[i - 1].cosine + 1e-9, 'closest first');
      });
    }
    assert.equal(r.similarity, undefined, 'one selection: no similarity');
    assert.ok(shown.drawn, 'the page did not report drawing');
    assert.equal(shown.drawn.curves, r.comparisons.length + 1, 'a curve per comparison and the static one');
    assert.equal(shown.drawn.points, L + 1);
    assert.equal(shown.drawn.neighbours, r.nearest.reduce((n, x) => n + x.neighbours.length, 0));
    assert.equal(shown.drawn.similarity, null);
  });

  test('Contextual Embeddings: two selections (multi-cursor) give a curve and their semantic similarity', async () => {
    await useModel(GPT2, 'gpt2');
    const text = `${GENESIS}.\nAnd God said, Let there be light: and there was light.`;
    const { editor } = await openWithSelection('embeddings-two.txt', text, 'heaven');
    const doc = editor.document;
    const light = text.indexOf('light');
    editor.selections = [new vscode.Selection(doc.positionAt(text.indexOf('heaven')), doc.positionAt(text.indexOf('heaven') + 6)), new vscode.Selection(doc.positionAt(light), doc.positionAt(light + 5))];
    const shown = await embeddings();
    const r = shown.result;
    assert.equal(r.word.text, 'heaven');
    assert.equal(r.comparisons.length, 1);
    assert.equal(r.comparisons[0].source, 'selection');
    assert.equal(r.comparisons[0].other.text, 'light');
    assert.ok(r.similarity, 'two selections: a similarity');
    assert.equal(r.similarity.method, 'meanLastLayerCosine');
    assert.ok(r.similarity.cosine >= -1 && r.similarity.cosine <= 1, `similarity ${r.similarity.cosine}`);
    assert.ok(Math.abs(r.similarity.cosine - r.comparisons[0].cosine[r.numLayers]) < 1e-9, 'the similarity is the last layer’s point of the curve');
    assert.ok(shown.drawn, 'the page did not report drawing');
    assert.equal(shown.drawn.curves, 2);
    assert.ok(shown.drawn.similarity !== null && Math.abs(shown.drawn.similarity - r.similarity.cosine) < 1e-12, 'the page shows the similarity');
  });
});
