/**
 * The attention viewer's analysis kept in the model host (attentionViewHandlers.ts), through the
 * real host process and onnxruntime on the tiny GPT-2 and BERT: `attention/analyse` answers tokens
 * and an id, `attention/view`, `attention/row` and `attention/grid` agree with the analysis built
 * from the full tensors of `model/attention`; an unknown or evicted id answers `unknownAnalysis`;
 * bad layers and heads are refused; `host/configure` states the peak memory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AttentionAnalysis } from '../../../src/engine/attention/analysis';
import { ANALYSIS_CACHE } from '../../../src/engine/attention/analysisCache';
import { dequantizeBlocks } from '../../../src/engine/attention/quantize';
import { hostErrorCode } from '../../../src/host/hostErrors';
import { onnxHostClient } from '../../support/hostClients';
import { tempDir, tinyModelDir } from '../../support/tinyModels';

const codeOf = (e: unknown): string | undefined => hostErrorCode(e);
const close = (a: Float32Array, b: Float32Array, eps: number, what: string): void => {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let k = 0; k < a.length; k++) assert.ok(Math.abs(a[k] - b[k]) <= eps, `${what}[${k}]: ${a[k]} vs ${b[k]}`);
};

test('host: the attention analysis stays in the host; views, rows and thumbnails match the full tensors', async () => {
  const client = onnxHostClient(tempDir('trex-attn-view-'));
  try {
    for (const name of ['gpt2', 'bert'] as const) {
      const loaded = await client.request('model/load', { spec: tinyModelDir(name), device: 'cpu' });
      const text = 'The cat sat on the mat because it was tired.';
      const analysed = await client.request('attention/analyse', { modelId: loaded.modelId, text });
      assert.equal(typeof analysed.analysisId, 'string');
      assert.ok(analysed.modelMs >= 0);
      assert.equal(analysed.numLayers, loaded.numLayers);
      const full = await client.request('model/attention', { modelId: loaded.modelId, text });
      assert.deepEqual(analysed.tokens, full.tokens);
      const local = new AttentionAnalysis({ text, tokens: full.tokens, layers: full.attentions.map((t) => t.data as Float32Array), numHeads: loaded.numHeads, causal: name === 'gpt2' });
      const ref = { modelId: loaded.modelId, analysisId: analysed.analysisId };

      for (const options of [{ hideSpecial: false, mergeSubwords: false }, { hideSpecial: true, mergeSubwords: true }]) {
        const layer = loaded.numLayers - 1;
        const view = await client.request('attention/view', { ...ref, ...options, layer, heads: ['mean', 1, 'rollout'] });
        const expected = ['mean', 1, 'rollout'].map((h) => local.view(layer, h as 'mean' | 1 | 'rollout', options));
        assert.equal(view.n, expected[0].matrix.n);
        assert.deepEqual(view.labels, expected[0].labels);
        assert.deepEqual(view.groups, expected[0].groups);
        view.matrices.forEach((m, k) => close(m, expected[k].matrix.data, 1e-5, `${name} view ${k}`));

        const grid = await client.request('attention/grid', { ...ref, ...options, max: 8 });
        const thumbs = local.thumbnails(options, 8);
        assert.equal(grid.side, thumbs.side);
        assert.ok(grid.thumbs instanceof Uint8Array, 'thumbnails cross as bytes');
        assert.equal(grid.scales.length, loaded.numLayers * loaded.numHeads);
        const back = dequantizeBlocks(grid.thumbs, grid.scales);
        const maxScale = Math.max(...grid.scales);
        close(back, thumbs.data, maxScale / 510 + 1e-6, `${name} thumbnails`);
        assert.deepEqual(grid.stats, local.stats());
        const one = await client.request('attention/grid', { ...ref, ...options, max: 8, layer: 1 });
        close(dequantizeBlocks(one.thumbs, one.scales), local.layerThumbnails(options, 8, 1).data, maxScale / 510 + 1e-6, `${name} layer 1's thumbnails`);
        assert.deepEqual(one.stats, [local.layerStats(1)]);
      }

      const row = await client.request('attention/row', { ...ref, layer: 1, head: 'mean', row: 2 });
      close(row.weights, local.raw(1, 'mean').data.subarray(2 * local.n, 3 * local.n), 1e-6, `${name} row`);
      const rolloutRow = await client.request('attention/row', { ...ref, layer: 1, head: 'rollout', row: 0 });
      close(rolloutRow.weights, local.raw(1, 'rollout').data.subarray(0, local.n), 1e-5, `${name} rollout row`);

      const bad = { ...ref, hideSpecial: false, mergeSubwords: false };
      assert.equal(codeOf(await client.request('attention/view', { ...bad, layer: loaded.numLayers, heads: ['mean'] }).catch((e: unknown) => e)), 'invalidParams');
      assert.equal(codeOf(await client.request('attention/view', { ...bad, layer: 0, heads: [loaded.numHeads] }).catch((e: unknown) => e)), 'invalidParams');
      assert.equal(codeOf(await client.request('attention/view', { ...bad, layer: 0, heads: [] }).catch((e: unknown) => e)), 'invalidParams');
      assert.equal(codeOf(await client.request('attention/row', { ...ref, layer: 0, head: 0, row: local.n }).catch((e: unknown) => e)), 'invalidParams');
      assert.equal(codeOf(await client.request('attention/grid', { ...bad, max: 8, layer: loaded.numLayers }).catch((e: unknown) => e)), 'invalidParams');
      const unknown = await client.request('attention/view', { ...bad, analysisId: 'nope', layer: 0, heads: ['mean'] }).catch((e: unknown) => e);
      assert.equal(codeOf(unknown), 'unknownAnalysis');
      assert.match((unknown as Error).message, /analyse the text again/);

      // Newer texts evict the oldest beyond the count bound: its id answers unknownAnalysis.
      for (let k = 0; k < ANALYSIS_CACHE.texts; k++) await client.request('attention/analyse', { modelId: loaded.modelId, text: `text number ${k}` });
      assert.equal(codeOf(await client.request('attention/row', { ...ref, layer: 0, head: 0, row: 0 }).catch((e: unknown) => e)), 'unknownAnalysis');
      await client.request('model/release', { modelId: loaded.modelId });
    }
    const state = await client.request('host/configure', {});
    assert.ok(state.maxRssBytes > 10 * 2 ** 20, `peak memory stated (${state.maxRssBytes})`);
  } finally {
    client.dispose();
  }
});
