/**
 * The prediction requests through the real model host (dist/modelHost.js, onnxruntime-node) on
 * tiny random-weight models: fill-mask, MLM demo, streamed generation and its cancellation,
 * surprisal, BERT vs GPT, and the params checks. Predictions are noise: behaviour is checked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelHostClient } from '../../../src/host/client';
import type { GenerationStep } from '../../../src/engine/tasks/taskTypes';
import type { HostProgress } from '../../../src/host/protocol';
import { loadTokenizer } from '../../../src/engine/tokenizers/load';
import { codeOf, onnxHostClient } from '../../support/hostClients';
import { tempDir, tinyModelDir } from '../../support/tinyModels';

const onnxClient = (): ModelHostClient => onnxHostClient(tempDir('trex-host-tasks-'), { limits: { maxModels: 3 } });


test('host: model/fillMask and model/mlmDemo on a tiny BERT; a causal model is refused clearly', async () => {
  const client = onnxClient();
  try {
    const bert = await client.request('model/load', { spec: tinyModelDir('bert'), device: 'cpu' });
    const text = 'the cat [MASK] the <mask> food';
    const result = await client.request('model/fillMask', { modelId: bert.modelId, text, topK: 5, targets: ['eats'] });
    assert.equal(result.masks.length, 2, 'both spellings of the mask are masks');
    for (const slot of result.masks) {
      assert.equal(slot.candidates.length, 5);
      assert.deepEqual(slot.candidates.map((c) => c.rank), [1, 2, 3, 4, 5]);
      for (let i = 1; i < slot.candidates.length; i++) assert.ok(slot.candidates[i - 1].prob >= slot.candidates[i].prob);
      assert.ok(slot.candidates.every((c) => c.prob > 0 && c.prob <= 1));
      assert.equal(result.tokens[slot.position].token, '[MASK]');
    }
    assert.equal(text.slice(result.masks[0].start, result.masks[0].end), '[MASK]');
    assert.equal(text.slice(result.masks[1].start, result.masks[1].end), '<mask>');
    assert.equal(result.targets.length, 1);
    assert.equal(result.targets[0].text, 'eats');
    assert.ok(result.targets[0].rank >= 1 && result.targets[0].prob > 0 && result.targets[0].prob <= 1);

    assert.equal(result.masked, undefined, 'no word to mask: the text is read as it is');

    // Word mode: the host masks the word itself, one mask per token of the model's tokenizer.
    const sentence = 'the cat unaffable the food';
    const word = { start: 8, end: 17 };
    const byWord = await client.request('model/fillMask', { modelId: bert.modelId, text: sentence, word, topK: 3 });
    assert.ok(byWord.masked, 'says what the model read');
    const pieces = (await loadTokenizer(bert.tokenizerSpec)).encode(sentence).tokens.filter((t) => !t.special && t.start < word.end && t.end > word.start);
    assert.ok(pieces.length > 1, 'a word of several tokens');
    assert.equal(byWord.masked.maskCount, pieces.length);
    assert.equal(byWord.masked.text, `the cat ${'[MASK]'.repeat(pieces.length)} the food`);
    const same = await client.request('model/fillMask', { modelId: bert.modelId, text: byWord.masked.text, topK: 3 });
    assert.deepEqual(byWord.masks, same.masks, 'the same as fill-mask on the masked text');
    assert.equal(codeOf(await client.request('model/fillMask', { modelId: bert.modelId, text: sentence, word: { start: 3, end: 3 } }).catch((e: unknown) => e)), 'invalidParams');
    assert.equal(codeOf(await client.request('model/fillMask', { modelId: bert.modelId, text: 'a   b', word: { start: 1, end: 4 } }).catch((e: unknown) => e)), 'invalidInput');

    const noMask = await client.request('model/fillMask', { modelId: bert.modelId, text: 'no mask here' }).catch((e: unknown) => e);
    assert.equal(codeOf(noMask), 'invalidInput');
    assert.match((noMask as Error).message, /mask/i);
    const badTopK = await client.request('model/fillMask', { modelId: bert.modelId, text, topK: 0 }).catch((e: unknown) => e);
    assert.equal(codeOf(badTopK), 'invalidParams');

    const demo = await client.request('model/mlmDemo', { modelId: bert.modelId, text: 'the cat eats the food in the kitchen every day', seed: 3 });
    assert.ok(demo.positions.length >= 1);
    assert.equal(demo.seed, 3);
    assert.equal(demo.accuracy, demo.positions.filter((p) => p.correct).length / demo.positions.length);
    const again = await client.request('model/mlmDemo', { modelId: bert.modelId, text: 'the cat eats the food in the kitchen every day', seed: 3 });
    assert.deepEqual(again.positions.map((p) => [p.position, p.corruption, p.shownAs]), demo.positions.map((p) => [p.position, p.corruption, p.shownAs]), 'seeded');
    const noSeed = await client.request('model/mlmDemo', { modelId: bert.modelId, text: 'x' } as never).catch((e: unknown) => e);
    assert.equal(codeOf(noSeed), 'invalidParams');

    const gpt2 = await client.request('model/load', { spec: tinyModelDir('gpt2'), device: 'cpu' });
    const wrongFamily = await client.request('model/fillMask', { modelId: gpt2.modelId, text }).catch((e: unknown) => e);
    assert.equal(codeOf(wrongFamily), 'invalidInput');
    const wrongWay = await client.request('model/generate', { modelId: bert.modelId, prompt: 'the cat', options: { strategy: 'greedy', maxNewTokens: 2 } }).catch((e: unknown) => e);
    assert.equal(codeOf(wrongWay), 'invalidInput');
    assert.match((wrongWay as Error).message, /causal/);
  } finally {
    client.dispose();
  }
});

test('host: model/generate streams every step as progress; the streamed text is the result', async () => {
  const client = onnxClient();
  try {
    const gpt2 = await client.request('model/load', { spec: tinyModelDir('gpt2'), device: 'cpu' });
    const streamed: GenerationStep[] = [];
    const stages: HostProgress['stage'][] = [];
    const result = await client.request(
      'model/generate',
      { modelId: gpt2.modelId, prompt: 'The cat eats', options: { strategy: 'greedy', maxNewTokens: 6, showTopK: 4 } },
      {
        onProgress: (p) => {
          stages.push(p.stage);
          if (p.stage === 'generating' && p.step) streamed.push(p.step);
        },
      },
    );
    assert.ok(stages.includes('generating'));
    assert.ok(result.steps.length >= 1 && result.steps.length <= 6);
    assert.deepEqual(streamed.map((s) => s.index), result.steps.map((s) => s.index), 'one progress message per generated step, in order');
    assert.deepEqual(streamed.map((s) => s.chosen.id), result.tokenIds);
    assert.ok(result.text.startsWith(streamed.at(-1)!.text) || streamed.at(-1)!.text.startsWith(result.text));
    for (const step of streamed) {
      assert.equal(step.candidates.length, 4);
      assert.equal(step.chosen.id, step.candidates[0].id, 'greedy takes the argmax');
    }
    if (result.finishReason === 'maxTokens') assert.equal(result.steps.length, 6);

    const sampled = (seed: number) =>
      client.request('model/generate', { modelId: gpt2.modelId, prompt: 'The cat eats', options: { strategy: 'sample', maxNewTokens: 5, temperature: 1.5, seed } });
    assert.deepEqual((await sampled(5)).tokenIds, (await sampled(5)).tokenIds, 'a seed gives the same sample');

    const beam = await client.request('model/generate', { modelId: gpt2.modelId, prompt: 'The cat', options: { strategy: 'beam', maxNewTokens: 3, numBeams: 2 } });
    assert.ok(beam.beams && beam.beams.length >= 2, 'beam search returns its tree');

    const bad = await client.request('model/generate', { modelId: gpt2.modelId, prompt: 'x', options: { strategy: 'greedy', maxNewTokens: 0 } }).catch((e: unknown) => e);
    assert.equal(codeOf(bad), 'invalidParams');
  } finally {
    client.dispose();
  }
});

test('host: cancelling model/generate after the first streamed step rejects with cancelled; the host still answers', async () => {
  const client = onnxClient();
  try {
    const gpt2 = await client.request('model/load', { spec: tinyModelDir('gpt2'), device: 'cpu' });
    const abort = new AbortController();
    const streamed: GenerationStep[] = [];
    const outcome = await client
      .request(
        'model/generate',
        { modelId: gpt2.modelId, prompt: 'The cat', options: { strategy: 'greedy', maxNewTokens: 40 } },
        {
          signal: abort.signal,
          onProgress: (p) => {
            if (p.step) {
              streamed.push(p.step);
              abort.abort();
            }
          },
        },
      )
      .catch((e: unknown) => e);
    assert.equal(codeOf(outcome), 'cancelled');
    assert.equal(streamed.length, 1, 'no step is delivered after the cancel');
    const after = await client.request('model/generate', { modelId: gpt2.modelId, prompt: 'The cat', options: { strategy: 'greedy', maxNewTokens: 2 } });
    assert.ok(after.steps.length >= 1);
  } finally {
    client.dispose();
  }
});

test('host: model/surprisal (causal and pseudo) and model/compare', async () => {
  const client = onnxClient();
  try {
    const gpt2 = await client.request('model/load', { spec: tinyModelDir('gpt2'), device: 'cpu' });
    const bert = await client.request('model/load', { spec: tinyModelDir('bert'), device: 'cpu' });
    const text = 'The cat eats the food.';
    const progress: Array<[number, number]> = [];
    const s = await client.request('model/surprisal', { modelId: gpt2.modelId, text, topK: 3 }, { onProgress: (p) => p.done !== undefined && p.total !== undefined && progress.push([p.done, p.total]) });
    assert.equal(s.kind, 'causal');
    assert.ok(s.tokens.length >= 5);
    for (const t of s.tokens) {
      assert.ok(Math.abs(t.surprisal + Math.log2(t.prob)) < 1e-4, 'surprisal = −log2 P');
      assert.ok(t.rank >= 1);
      assert.ok(t.top.length <= 3);
      assert.ok(t.start >= 0 && t.end <= text.length);
    }
    assert.ok(Math.abs(s.perplexity - Math.exp(s.meanNll)) < 1e-6 * s.perplexity);
    const pseudo = await client.request('model/surprisal', { modelId: bert.modelId, text });
    assert.equal(pseudo.kind, 'pseudo');
    assert.ok(pseudo.passes >= pseudo.tokens.length, 'one pass per token');

    const cmp = await client.request('model/compare', { maskedModelId: bert.modelId, causalModelId: gpt2.modelId, text: 'The cat eats the food.', offset: 8, topK: 4 });
    assert.equal(cmp.word.text, 'eats');
    assert.equal(cmp.masked.candidates.length, 4);
    assert.equal(cmp.causal.candidates.length, 4);
    assert.ok(cmp.masked.originalRank >= 1 && cmp.causal.originalRank >= 1);
    const badOffset = await client.request('model/compare', { maskedModelId: bert.modelId, causalModelId: gpt2.modelId, text: 'abc', offset: 9 }).catch((e: unknown) => e);
    assert.equal(codeOf(badOffset), 'invalidParams');
  } finally {
    client.dispose();
  }
});
