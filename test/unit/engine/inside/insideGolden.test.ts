/**
 * The inside-the-model numbers of our engine (model folder → inspect graph on onnxruntime-node →
 * engine/inside) against the independent PyTorch implementations of tools/golden, to 1e-4, on the
 * six tiny models: q, k, v, the attention's input, head outputs and projected output, hidden
 * states; the attention formula step by step; the logit lens (top-5, target probability and rank);
 * the contextual-embedding cosines and the nearest vocabulary rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attentionSteps } from '../../../../src/engine/inside/attentionSteps';
import { contextualEmbeddings, cosine } from '../../../../src/engine/inside/embeddings';
import type { LensCell } from '../../../../src/engine/inside/insideTypes';
import { runInternals, runInternalsForTokens, type ModelInternals } from '../../../../src/engine/inside/internals';
import { openLensHead } from '../../../../src/engine/inside/lensHead';
import { planLens, readLens, type LensPlan } from '../../../../src/engine/inside/logitLens';
import { embeddingTableOf } from '../../../../src/engine/inside/modelTables';
import { releaseModelExtras } from '../../../../src/engine/tasks/modelExtras';
import { tokensFor } from '../../../../src/engine/tasks/inputs';
import { flatten, maxAbsDiff } from '../../../support/graphGolden';
import { caseText, GOLDEN_MODELS, goldenFile, insideIds, openGoldenModel, type GoldenModelName, type InsideGolden } from '../../../support/tinyGoldenModels';

const TOLERANCE = 1e-4;

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tolerance = TOLERANCE): void {
  const error = maxAbsDiff(actual, expected);
  assert.ok(error < tolerance, `${what}: max abs error ${error}`);
}

function checkInternals(internals: ModelInternals, g: InsideGolden, ids: number[]): void {
  const L = g.attnInput.length;
  assert.deepEqual(internals.tokens.map((t) => t.id), ids, 'the text reads as the golden ids');
  assert.equal(internals.numLayers, L);
  assert.equal(internals.hidden.length, L + 1);
  for (let l = 0; l < L; l++) {
    close(internals.attnInput[l], flatten(g.attnInput[l]), `layer ${l} attention input`);
    close(internals.query[l], flatten(g.query[l]), `layer ${l} q`);
    close(internals.key[l], flatten(g.key[l]), `layer ${l} k`);
    close(internals.value[l], flatten(g.value[l]), `layer ${l} v`);
    close(internals.headOutputs[l], flatten(g.headOutputs[l]), `layer ${l} head outputs`);
    close(internals.attnOutput[l], flatten(g.attnOutput[l]), `layer ${l} attention output`);
    close(internals.attentions[l], flatten(g.attentions[l]), `layer ${l} attention probabilities`);
  }
  for (let l = 0; l <= L; l++) close(internals.hidden[l], flatten(g.hiddenStates[l]), `hidden state ${l}`);
}

function checkSteps(internals: ModelInternals, g: InsideGolden): void {
  const { numLayers: L, numHeads: H, length: T, layout } = internals;
  for (let layer = 0; layer < L; layer++) {
    for (let head = 0; head < H; head++) {
      for (let query = 0; query < T; query++) {
        const s = attentionSteps(internals, { layer, head, query });
        const where = `layer ${layer} head ${head} query ${query}`;
        close(s.input, g.attnInput[layer][query], `${where} x`);
        close(s.q, g.query[layer][head][query], `${where} q`);
        close(flatten(s.keys), flatten(g.key[layer][head]), `${where} keys`);
        close(flatten(s.values), flatten(g.value[layer][head]), `${where} values`);
        close(s.scaled, g.scores[layer][head][query], `${where} scaled scores`);
        close(s.dots, g.scores[layer][head][query].map((v) => v * Math.sqrt(s.dk)), `${where} dots`);
        assert.deepEqual(s.allowed, Array.from({ length: T }, (_, j) => layout === 'postLN' || j <= query), `${where} mask`);
        close(s.weights, g.attentions[layer][head][query], `${where} weights`);
        assert.ok(s.maxDifference < 1e-5, `${where}: the float64 softmax differs from the graph's row by ${s.maxDifference}`);
        close(s.headOutput, g.headOutputs[layer][head][query], `${where} head output`);
        close(s.concat, g.headOutputs[layer].flatMap((h) => h[query]), `${where} heads concatenated`);
        close(s.projected, g.attnOutput[layer][query], `${where} projected`);
        close(flatten(s.allHeads), g.attentions[layer].flatMap((h) => h[query]), `${where} every head's row`);
      }
    }
  }
}

/**
 * One lens cell against the golden row r, position t: probabilities at each rank within 1e-4 in
 * log (real vocabularies have probabilities near 1e-4, where an absolute 1e-4 says nothing); ids
 * equal wherever the golden probability is not tied (within 1e-4 in log) with a neighbour; the
 * target's probability, and its rank within the range float32 ties allow.
 */
function checkCell(cell: LensCell, g: InsideGolden['lens'], r: number, t: number, where: string, withTarget = true): void {
  const probs = g.topProbs[r][t];
  const ids = g.topIds[r][t];
  assert.equal(cell.top.length, probs.length, `${where}: top-${probs.length}`);
  close(cell.top.map((c) => Math.log(c.prob)), probs.map(Math.log), `${where} top log-probabilities`);
  const neighbour = (i: number): number => (i < probs.length ? probs[i] : g.nextProb[r][t]);
  cell.top.forEach((c, i) => {
    const tied = (i > 0 && Math.abs(Math.log(probs[i] / probs[i - 1])) < TOLERANCE) || Math.abs(Math.log(probs[i] / neighbour(i + 1))) < TOLERANCE;
    if (!tied) assert.equal(c.id, ids[i], `${where}: rank ${i + 1} is ${ids[i]} (p ${probs[i]})`);
  });
  if (!withTarget) return;
  const target = g.targets[t];
  const targetProb = g.targetProb[r][t];
  const range = g.targetRankRange[r][t];
  if (target < 0 || targetProb === null || range === null) {
    assert.equal(cell.target, undefined, `${where}: no target`);
    return;
  }
  assert.ok(cell.target, `${where}: a target`);
  assert.equal(cell.target.id, target);
  close([Math.log(cell.target.prob)], [Math.log(targetProb)], `${where} target log-probability`);
  assert.ok(cell.target.rank >= range[0] && cell.target.rank <= range[1], `${where}: target rank ${cell.target.rank}, golden ${g.targetRank[r][t]} (ties allow ${range[0]}…${range[1]})`);
}

for (const name of GOLDEN_MODELS) {
  test(`${name}: internals, attention steps, logit lens and embedding similarities equal the PyTorch golden to 1e-4`, async () => {
    const { model, backend, graphCacheDir } = await openGoldenModel(name as GoldenModelName);
    const golden = goldenFile(name);
    try {
      const causal = model.family === 'gpt2';
      const head = await openLensHead(model, backend, { device: 'cpu', graphCacheDir });
      const table = await embeddingTableOf(model);
      for (const [n, c] of golden.cases.entries()) {
        const g = c.inside;
        const ids = insideIds(c);
        const text = caseText(name, c);
        const tokens = tokensFor(model, text);
        const internals = await runInternalsForTokens(model, tokens);
        checkInternals(internals, g, ids);
        checkSteps(internals, g);
        assert.deepEqual((await runInternals(model, text)).hidden, internals.hidden, 'runInternals reads the same text the same way');

        // The lens: a causal model reads every position against the next token; for an encoder,
        // every position against its own token (a plan of our own: planLens reads only masks).
        const plan: LensPlan = causal ? planLens(model, text) : { kind: 'masked', text, columns: () => ({ positions: ids.map((_, t) => t), targets: ids }) };
        const lens = await readLens(model, plan, internals, head, 5);
        assert.equal(lens.kind, causal ? 'causal' : 'masked');
        assert.deepEqual(lens.positions, ids.map((_, t) => t));
        assert.equal(lens.cells.length, internals.numLayers + 1);
        lens.cells.forEach((row, r) => row.forEach((cell, t) => checkCell(cell, g.lens, r, t, `case ${n} row ${r} position ${t}`)));
        lens.firstFinal.forEach((first, t) => {
          const finalTop = lens.cells[internals.numLayers][t].top[0].id;
          assert.equal(lens.cells[first][t].top[0].id, finalTop);
          for (let r = 0; r < first; r++) assert.notEqual(lens.cells[r][t].top[0].id, finalTop);
        });

        // Embeddings: the pair of positions as two selections; the first one's static cosine and neighbours.
        const [a, b] = g.similarity.pair;
        const span = (p: number): { start: number; end: number } => ({ start: internals.tokens[p].start, end: internals.tokens[p].end });
        const e = contextualEmbeddings(internals, text, table, model.tokenizer, { spans: [span(a), span(b)], neighbours: 10 });
        assert.deepEqual(e.word.positions, [a]);
        assert.equal(e.comparisons.length, 1);
        assert.equal(e.comparisons[0].source, 'selection');
        assert.deepEqual(e.comparisons[0].other.positions, [b]);
        close(e.comparisons[0].cosine, g.similarity.pairCosine, `case ${n} cosine of positions ${a} and ${b}`);
        close(e.staticCosine, g.similarity.staticCosine.map((row) => row[a]), `case ${n} hidden vs static at ${a}`);
        assert.ok(e.similarity);
        close([e.similarity.cosine], [g.similarity.pairCosine[internals.numLayers]], 'similarity: the last layer');
        const near = g.similarity.nearest;
        assert.equal(near.position, a);
        assert.equal(e.nearest[0].position, a);
        assert.deepEqual(e.nearest[0].neighbours.map((x) => x.id), near.ids, `case ${n}: the 10 rows nearest ${near.id}`);
        close(e.nearest[0].neighbours.map((x) => x.cosine), near.cosines, `case ${n} neighbour cosines`);
        for (let t = 0; t < ids.length; t++) {
          const staticRow = table.data.subarray(ids[t] * table.dim, (ids[t] + 1) * table.dim);
          close(internals.hidden.map((h) => cosine(h.subarray(t * table.dim, (t + 1) * table.dim), staticRow)), g.similarity.staticCosine.map((row) => row[t]), `case ${n} hidden vs static at ${t}`);
        }

        // The lens as the view plans it on a text with a mask: read at the mask only, no target.
        const maskAt = model.maskToken === undefined ? -1 : text.indexOf(model.maskToken);
        if (maskAt >= 0) {
          const masked = await readLens(model, planLens(model, text), internals, head, 5);
          const position = internals.tokens.findIndex((t) => t.start === maskAt && t.special);
          assert.ok(position > 0);
          assert.deepEqual(masked.positions, [position]);
          masked.cells.forEach((row, r) => checkCell(row[0], g.lens, r, position, `mask, row ${r}`, false));
          assert.ok(masked.cells.every((row) => row[0].target === undefined), 'a mask written in the text has no target');
        }
      }
    } finally {
      await releaseModelExtras(model);
      await model.session.release();
    }
  });
}
