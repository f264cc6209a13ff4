/**
 * The rollout in onnxruntime (rolloutProduct.ts): one step per layer, mean over heads, residual,
 * rows renormalised, product with the rollout so far. It agrees with the JavaScript reference
 * (analysis.ts's `rollout`) on random attention, causal and not, and stays causal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AttentionAnalysis } from '../../../../src/engine/attention/analysis';
import { isLowerTriangular } from '../../../../src/engine/attention/matrix';
import { sessionRolloutStep } from '../../../../src/engine/attention/rolloutProduct';
import { OnnxRuntimeBackend } from '../../../../src/engine/runtime/onnxRuntime';

function layers(count: number, heads: number, n: number, causal: boolean, seed: number): Float32Array[] {
  let x = seed;
  const rnd = (): number => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Array.from({ length: count }, () => {
    const t = new Float32Array(heads * n * n);
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < n; i++) {
        const end = causal ? i + 1 : n;
        let s = 0;
        for (let j = 0; j < end; j++) s += t[(h * n + i) * n + j] = rnd() + 0.01;
        for (let j = 0; j < end; j++) t[(h * n + i) * n + j] /= s;
      }
    }
    return t;
  });
}

test('rollout step in onnxruntime = the JavaScript rollout (BERT-like and causal), layer by layer', async () => {
  const step = sessionRolloutStep(new OnnxRuntimeBackend());
  for (const causal of [false, true]) {
    const n = 9;
    const input = { text: 'x'.repeat(n), tokens: Array.from({ length: n }, (_, i) => ({ token: 'x', start: i, end: i + 1, special: false })), layers: layers(4, 3, n, causal, causal ? 5 : 6), numHeads: 3, causal };
    const reference = new AttentionAnalysis(input);
    const fast = new AttentionAnalysis(input);
    await fast.prepareRollout(1, step);
    await fast.prepareRollout(3, step); // continues from layer 2
    for (let l = 0; l < 4; l++) {
      const a = fast.rollout(l);
      const b = reference.rollout(l);
      for (let k = 0; k < n * n; k++) assert.ok(Math.abs(a.data[k] - b.data[k]) < 1e-5, `causal ${causal}, layer ${l}, cell ${k}: ${a.data[k]} vs ${b.data[k]}`);
    }
    if (causal) assert.ok(isLowerTriangular(fast.rollout(3)));
  }
});
