/**
 * The attention viewer's data from the real model host (onnxruntime-node, tiny random-weight
 * GPT-2 and BERT with the real vocabularies): the learned position table equals the weights the
 * folder was written from, and the attention the host returns is causal for GPT-2 (upper triangle
 * zero, in every head and in the rollout) and not for BERT.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AttentionAnalysis } from '../../../../src/engine/attention/analysis';
import { isLowerTriangular } from '../../../../src/engine/attention/matrix';
import { tinyModelWeights } from '../../../support/tinyModelFolder';
import { onnxHostClient } from '../../../support/hostClients';
import { tempDir, tinyModelDir, tinySpec } from '../../../support/tinyModels';

const onnxClient = onnxHostClient;

test('host: model/positions gives the learned position table; attention is causal for GPT-2 only', async () => {
  const client = onnxClient(tempDir('trex-attn-cache-'));
  try {
    for (const name of ['gpt2', 'bert'] as const) {
      const spec = tinySpec(name);
      const loaded = await client.request('model/load', { spec: tinyModelDir(name), device: 'cpu' });

      const expected = [...tinyModelWeights(spec).entries()].find(([k]) => /wpe\.weight$|position_embeddings\.weight$/.test(k));
      assert.ok(expected, `${name}: the tiny model has a position table`);
      const [, weights] = expected;
      const positions = await client.request('model/positions', { modelId: loaded.modelId, rows: 5 });
      assert.deepEqual(positions.table.dims, [5, weights.dims[1]]);
      assert.equal(positions.offset, 0);
      assert.ok(positions.table.data instanceof Float32Array);
      assert.deepEqual(Array.from(positions.table.data), Array.from(weights.data.subarray(0, 5 * weights.dims[1])));
      const all = await client.request('model/positions', { modelId: loaded.modelId });
      assert.equal(all.table.dims[0], weights.dims[0], 'all rows when none are asked for');
      await assert.rejects(client.request('model/positions', { modelId: loaded.modelId, rows: 0 }), /rows must be a positive integer/);

      const text = 'The cat sat on the mat because it was tired.';
      const att = await client.request('model/attention', { modelId: loaded.modelId, text });
      const analysis = new AttentionAnalysis({
        text,
        tokens: att.tokens,
        layers: att.attentions.map((a) => a.data as Float32Array),
        numHeads: loaded.numHeads,
        causal: loaded.family === 'gpt2',
      });
      const heads = Array.from({ length: loaded.numLayers * loaded.numHeads }, (_, k) => analysis.raw(Math.floor(k / loaded.numHeads), k % loaded.numHeads));
      if (name === 'gpt2') {
        assert.ok(heads.every((m) => isLowerTriangular(m)), 'GPT-2: no token attends to a later one');
        assert.ok(isLowerTriangular(analysis.rollout(loaded.numLayers - 1)), 'and neither does the rollout');
      } else {
        assert.ok(heads.every((m) => !isLowerTriangular(m)), 'BERT: every head looks both ways');
        assert.equal(att.tokens[0].token, '[CLS]');
      }
      for (const m of heads) {
        for (let i = 0; i < m.n; i++) {
          const sum = m.data.subarray(i * m.n, (i + 1) * m.n).reduce((s, v) => s + v, 0);
          assert.ok(Math.abs(sum - 1) < 1e-4, `rows are distributions (${sum})`);
        }
      }
    }
  } finally {
    client.dispose();
  }
});
