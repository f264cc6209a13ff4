/**
 * The extension's handle on an analysis the model host keeps (attentionCompute.ts `HostAnalysis`):
 * when the host answers `unknownAnalysis` (evicted, or a new host), the text is analysed again,
 * once, and the request retried — concurrent requests share that one new analysis; with a
 * `reload`, a lost model (`unknownModel`) is loaded again first. Other errors pass through.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HostRequestError } from '../../../src/host/hostErrors';
import type { ModelHostService } from '../../../src/models/modelHostService';
import type { ModelInfo } from '../../../src/models/modelTypes';
import { HostAnalysis } from '../../../src/webviews/attentionCompute';

const model = (modelId: string): ModelInfo =>
  ({ modelId, family: 'gpt2', label: 'tiny', device: 'cpu', tokenizerSpec: 'gpt2', numLayers: 2, numHeads: 2, contextLength: 64, vocabSize: 10, spec: 'x', dir: '/x' }) as ModelInfo;

/** A fake host that keeps analyses of `live` ids only, and models of `liveModels`. */
function fakeHost(state: { live: Set<string>; liveModels: Set<string>; analyses: number; calls: string[] }): ModelHostService {
  return {
    request: async (method: string, params: Record<string, unknown>) => {
      state.calls.push(`${method} ${String(params['modelId'])} ${String(params['analysisId'] ?? '')}`);
      if (!state.liveModels.has(String(params['modelId']))) throw new HostRequestError('unknownModel', 'gone');
      if (method === 'attention/analyse') {
        const id = `a${++state.analyses}`;
        state.live.add(id);
        return { analysisId: id, tokens: [], modelMs: 1, numLayers: 2, numHeads: 2 };
      }
      if (!state.live.has(String(params['analysisId']))) throw new HostRequestError('unknownAnalysis', 'evicted');
      if (method === 'attention/row') return { weights: Float32Array.of(Number(params['row'])) };
      if (method === 'attention/grid') return { side: 1, thumbs: Uint8Array.of(255, 0, 51, 255), scales: Float32Array.of(0.5, 0, 1, 0.2), stats: [] };
      throw new HostRequestError('invalidParams', 'bad');
    },
  } as unknown as ModelHostService;
}

test('HostAnalysis: an evicted analysis is made again once, shared by concurrent requests', async () => {
  const state = { live: new Set(['a0']), liveModels: new Set(['m1']), analyses: 0, calls: [] as string[] };
  const a = new HostAnalysis(fakeHost(state), model('m1'), 'text', 'a0', 2, 2);
  assert.deepEqual(Array.from(await a.row(0, 'mean', 3)), [3]);
  state.live.clear(); // evicted
  const rows = await Promise.all([a.row(0, 0, 1), a.row(1, 'rollout', 2)]);
  assert.deepEqual(rows.map((r) => r[0]), [1, 2]);
  assert.equal(state.analyses, 1, 'one new analysis for both');
  const grid = await a.grid(8, { hideSpecial: false, mergeSubwords: false });
  assert.deepEqual(Array.from(grid.thumbs).map((v) => Math.round(v * 1000) / 1000), [0.5, 0, 0.2, 0.2], 'thumbnails dequantized for the webview');
  await assert.rejects(a.view(0, ['mean'], { hideSpecial: false, mergeSubwords: false }), /bad/, 'other errors pass through');
});

test('HostAnalysis: a lost model is loaded again when a reload is given, else the error stands', async () => {
  const state = { live: new Set(['a0']), liveModels: new Set(['m1']), analyses: 0, calls: [] as string[] };
  const host = fakeHost(state);
  const plain = new HostAnalysis(host, model('m1'), 'text', 'a0', 2, 2);
  const reloading = new HostAnalysis(host, model('m1'), 'text', 'a0', 2, 2, async () => (state.liveModels.add('m2'), model('m2')));
  state.liveModels.clear();
  await assert.rejects(plain.row(0, 0, 0), (e: unknown) => e instanceof HostRequestError && e.code === 'unknownModel');
  assert.deepEqual(Array.from(await reloading.row(0, 0, 4)), [4]);
  assert.equal(reloading.model.modelId, 'm2');
});
