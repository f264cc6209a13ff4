/**
 * The bench's checkpoints, written once into a cache folder (TREX_BENCH_DIR, default
 * `<tmp>/trex-bench-models`, never committed): GPT-2-small-shaped and BERT-base-shaped random
 * weights (seeded, same shapes as the real models) with the real bundled tokenizers; from the
 * same safetensors, our lean decode graph (through the graph cache) and the export that
 * transformers.js loads.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedGraph, checkpointIdentity, findCachedGraph, graphCacheKey } from '../../src/engine/graph/graphCache';
import { defineModelGraph, graphFamilyConfig, readGraphWeights, type ModelGraphOptions } from '../../src/engine/graph/modelGraph';
import { writeTinyModelFolder, type TinyModelSpec } from '../../test/support/tinyModelFolder';
import { exportForTransformersJs } from '../../test/support/transformersJsExport';
import { readModelDir } from '../../src/engine/models/modelDir';
import { Checkpoint } from '../../src/engine/models/weights';

export type BenchModelName = 'gpt2-small-random' | 'bert-base-random';

export interface PreparedModel {
  name: BenchModelName;
  /** HF-layout folder (config.json, tokenizer.json, model.safetensors). */
  folder: string;
  /** Our decode graph (.onnx with external data next to it). */
  oursGraph: string;
  /** env.localModelPath for transformers.js; the model id is `name`. */
  tjsRoot: string;
}

export const GPT2_SMALL: TinyModelSpec = {
  family: 'gpt2', seed: 124,
  config: { nLayer: 12, nHead: 12, nEmbd: 768, vocabSize: 50257, nPositions: 1024, layerNormEpsilon: 1e-5 },
};

export const BERT_BASE: TinyModelSpec = {
  family: 'encoder', seed: 110,
  config: {
    modelType: 'bert', vocabSize: 30522, hiddenSize: 768, nLayer: 12, nHead: 12, intermediateSize: 3072,
    maxPositions: 512, typeVocabSize: 2, layerNormEpsilon: 1e-12, padTokenId: 0,
  },
};

export function benchDir(): string {
  return process.env['TREX_BENCH_DIR'] || join(tmpdir(), 'trex-bench-models');
}

/** The graph options of our generation path: no attention outputs, logits of the last position only. */
export function oursGraphOptions(name: BenchModelName): ModelGraphOptions {
  return name === 'gpt2-small-random' ? { variant: 'decode', lastLogitsOnly: true } : { variant: 'decode' };
}

export async function prepareModel(name: BenchModelName, log: (line: string) => void): Promise<PreparedModel> {
  const root = benchDir();
  const folder = join(root, 'folders', name);
  const spec = name === 'gpt2-small-random' ? GPT2_SMALL : BERT_BASE;
  if (!existsSync(join(folder, 'model.safetensors')) || !existsSync(join(folder, 'tokenizer.json'))) {
    log(`writing ${name} random weights to ${folder}`);
    mkdirSync(folder, { recursive: true });
    writeTinyModelFolder(folder, spec);
    const tokenizer = name === 'gpt2-small-random' ? 'gpt2.json' : 'bert-base-uncased.json';
    copyFileSync(join(__dirname, '..', '..', '..', 'dist', 'tokenizers', tokenizer), join(folder, 'tokenizer.json'));
  }
  const model = await readModelDir(folder);
  const family = graphFamilyConfig(model.config);
  const options = oursGraphOptions(name);
  const checkpoint = await Checkpoint.open(model.weightFiles);
  let oursGraph: string;
  try {
    const key = graphCacheKey(checkpointIdentity(checkpoint.filePaths()), { ...options, family });
    const graphs = join(root, 'graphs');
    const cached = findCachedGraph(graphs, key, log);
    if (cached !== undefined) oursGraph = cached;
    else {
      log(`building our decode graph for ${name}`);
      const weights = await readGraphWeights(family, checkpoint);
      oursGraph = cachedGraph(graphs, key, () => defineModelGraph(family, weights, options)).path;
    }
  } finally {
    await checkpoint.close();
  }
  const tjsRoot = join(root, 'transformers-js');
  if (!existsSync(join(tjsRoot, name, 'onnx', 'model.onnx'))) {
    log(`exporting ${name} for transformers.js`);
    await exportForTransformersJs(folder, tjsRoot, name);
  }
  return { name, folder, oursGraph, tjsRoot };
}
