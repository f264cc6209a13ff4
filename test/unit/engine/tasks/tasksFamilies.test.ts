/** openModel + attention + logits on the other encoder families (DistilBERT: no token types; RoBERTa: position offset). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTinyModelFolder } from '../../../support/tinyModelFolder';
import type { EncoderModelType } from '../../../../src/engine/graph/encoderNames';
import { OnnxRuntimeBackend } from '../../../../src/engine/runtime/onnxRuntime';
import { runAttention } from '../../../../src/engine/tasks/attention';
import { runLogits } from '../../../../src/engine/tasks/logits';
import { openModel } from '../../../../src/engine/tasks/openModel';
import { tempDir } from '../../../support/tinyModels';
import { REPO_ROOT } from '../../../support/repoRoot';

function encoderFolder(modelType: EncoderModelType): string {
  const dir = tempDir(`trex-tasks-${modelType}-`);
  const config = {
    modelType, vocabSize: 30522, hiddenSize: 32, nLayer: 2, nHead: 4, intermediateSize: 64,
    maxPositions: modelType === 'roberta' ? 34 : 32, typeVocabSize: modelType === 'distilbert' ? 0 : 1,
    layerNormEpsilon: 1e-12, padTokenId: modelType === 'roberta' ? 1 : 0,
  };
  writeTinyModelFolder(dir, { family: 'encoder', config, seed: 7 });
  copyFileSync(join(REPO_ROOT, 'dist', 'tokenizers', 'bert-base-uncased.json'), join(dir, 'tokenizer.json'));
  return dir;
}

for (const modelType of ['distilbert', 'roberta'] as const) {
  test(`${modelType}: opens, attention rows are distributions, logits [T, V]`, async () => {
    const m = await openModel(encoderFolder(modelType), new OnnxRuntimeBackend(), { device: 'cpu', graphCacheDir: tempDir('trex-graphs-') });
    try {
      assert.equal(m.family, modelType);
      if (modelType === 'distilbert') assert.ok(!m.session.inputNames.includes('token_type_ids'), 'DistilBERT has no token types');
      assert.equal(m.contextLength, 32, modelType === 'roberta' ? 'RoBERTa: 34 position rows minus the offset of 2' : 'positions');
      const { tokens, attentions } = await runAttention(m, 'Le chat [MASK] sur le tapis.');
      const T = tokens.length;
      assert.equal(attentions.length, 2);
      const a = attentions[1].data as Float32Array;
      for (let r = 0; r < 4 * T; r++) {
        const sum = a.subarray(r * T, (r + 1) * T).reduce((x, y) => x + y, 0);
        assert.ok(Math.abs(sum - 1) < 1e-5);
      }
      const { logits } = await runLogits(m, 'Le chat [MASK] sur le tapis.', [3]);
      assert.deepEqual(logits.dims, [1, 30522]);
      assert.ok((logits.data as Float32Array).every(Number.isFinite));
      await assert.rejects(runLogits(m, 'mot '.repeat(40)), /at most 32/);
    } finally {
      await m.session.release();
    }
  });
}
