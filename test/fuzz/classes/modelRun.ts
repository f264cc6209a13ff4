/**
 * Opening a model folder the way the extension and `trex` do (openModel: config → checkpoint →
 * graph through the graph cache → ONNX session) and running it on a short text. `ok` requires
 * logits of shape [tokens, vocabulary] that are all finite, token ids inside the vocabulary, and
 * a model whose dimensions are those its weights really have.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { openModel, type LoadedModel } from '../../../src/engine/tasks/openModel';
import { runLogits } from '../../../src/engine/tasks/logits';
import { OnnxRuntimeBackend } from '../../../src/engine/runtime/onnxRuntime';
import { InvariantViolation } from '../outcome';
import type { ModelTruth } from './modelBases';

export const MODEL_TEXT = 'In the beginning God created the heaven and the earth.';

let backend: OnnxRuntimeBackend | undefined;

function fail(rule: string, details: string): never {
  throw new InvariantViolation(rule, details);
}

/** Opens `dir` with its graphs in `graphCacheDir`; the caller releases the session. */
export async function openFolder(dir: string, graphCacheDir: string): Promise<LoadedModel> {
  backend ??= new OnnxRuntimeBackend();
  return openModel(dir, backend, { device: 'cpu', graphCacheDir });
}

/** A model that loaded although its config disagrees with its weights is `wrong`. */
export function checkAgainstWeights(model: LoadedModel, truth: ModelTruth): void {
  const c = model.model.config;
  const pairs: Array<[string, number, number]> = [
    ['layers', c.numLayers, truth.numLayers], ['hidden size', c.hiddenSize, truth.hiddenSize], ['vocabulary', c.vocabSize, truth.vocabSize],
    ['position table', c.positionTableSize, truth.positionTableSize], ['feed-forward width', c.intermediateSize, truth.intermediateSize],
    ['token types', c.typeVocabSize, truth.typeVocabSize],
  ];
  if (c.family !== truth.family) fail('a checkpoint loaded as another family', `${truth.family} as ${c.family}`);
  for (const [what, said, real] of pairs) {
    if (said !== real) fail(`the model loaded with ${said < real ? 'fewer' : 'more'} ${what} in config.json than in the weights`, `config ${said}, weights ${real}`);
  }
}

/** Logits of MODEL_TEXT, checked; returns them (row-major [T, V]). */
export async function checkedLogits(model: LoadedModel): Promise<Float32Array> {
  const r = await runLogits(model, MODEL_TEXT);
  const T = r.tokens.length;
  const V = model.vocabSize;
  r.tokens.forEach((t, i) => {
    if (!Number.isSafeInteger(t.id) || t.id < 0 || t.id >= V) fail("a token id outside the model's vocabulary", `token ${i}: id ${t.id}, vocabulary ${V}`);
  });
  if (r.logits.dims.length !== 2 || r.logits.dims[0] !== T || r.logits.dims[1] !== V) fail('logits are not [tokens, vocabulary]', `[${r.logits.dims.join(', ')}] for ${T} tokens and ${V} words`);
  const data = r.logits.data as Float32Array;
  const bad = data.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) fail('a logit is not finite', `logit ${bad} is ${data[bad]}`);
  return data;
}

/** Keeps a graph cache folder from growing without bound over thousands of cases. */
export function pruneGraphCache(dir: string, keepAtMost = 40): void {
  if (existsSync(dir) && readdirSync(dir).length > keepAtMost) rmSync(dir, { recursive: true, force: true });
}
