/**
 * Real small model folders the config, graph-cache and CLI cases start from: the two built-in
 * models (models/trex-*-kjv) and tiny random-weight checkpoints of the other families, each with a
 * tokenizer whose ids fit its vocabulary. Folders are written once per worker; a case's folder
 * links to them and writes only the file it mutates.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hfConfigJson, writeTinyModelFolder, type TinyModelSpec } from '../../support/tinyModelFolder';
import type { Json } from '../mutate/jsonEdits';
import { parseProto } from '../mutate/protobuf';
import { once, repoFile, repoJson } from '../seeds';

/** What the weights really hold: a config that says otherwise must not load. */
export interface ModelTruth {
  family: 'gpt2' | 'bert' | 'distilbert' | 'roberta';
  numLayers: number;
  hiddenSize: number;
  vocabSize: number;
  positionTableSize: number;
  intermediateSize: number;
  /** Rows of the token-type table (0 when the family has none). */
  typeVocabSize: number;
}

export interface ModelBase {
  name: string;
  truth: ModelTruth;
  /** config.json as the base has it. */
  config(): Json;
  /** Files copied into the folder from the repository (name → repository path). */
  fromRepo: Record<string, string>;
  /** Tiny bases: the random-weight checkpoint written into the folder. */
  tiny?: TinyModelSpec;
}

const WORDPIECE_TOY = 'test/fixtures/wordpiece-toy/tokenizer.json';
const CAMEMBERT_SPM = 'test/fixtures/camembert-spm/sentencepiece.bpe.model';

/** Pieces of the camembert SentencePiece model (its rebuilt vocabulary adds 5 or 2 tokens). */
function camembertPieces(): number {
  return once('camembert-pieces', () => parseProto(repoFile(CAMEMBERT_SPM)).filter((f) => f.n === 1).length);
}

function encoderSpec(modelType: 'bert' | 'distilbert' | 'roberta', vocabSize: number, seed: number): TinyModelSpec {
  const roberta = modelType === 'roberta';
  return {
    family: 'encoder',
    seed,
    config: {
      modelType, vocabSize, hiddenSize: 32, nLayer: 2, nHead: 4, intermediateSize: 64, maxPositions: roberta ? 66 : 64,
      typeVocabSize: modelType === 'distilbert' ? 0 : roberta ? 1 : 2, layerNormEpsilon: roberta ? 1e-5 : 1e-12, padTokenId: roberta ? 1 : 0,
    },
  };
}

function tinyBase(name: string, spec: TinyModelSpec, fromRepo: Record<string, string>, modelType?: string): ModelBase {
  const truth: ModelTruth = spec.family === 'gpt2'
    ? { family: 'gpt2', numLayers: spec.config.nLayer, hiddenSize: spec.config.nEmbd, vocabSize: spec.config.vocabSize, positionTableSize: spec.config.nPositions, intermediateSize: 4 * spec.config.nEmbd, typeVocabSize: 0 }
    : { family: spec.config.modelType, numLayers: spec.config.nLayer, hiddenSize: spec.config.hiddenSize, vocabSize: spec.config.vocabSize, positionTableSize: spec.config.maxPositions, intermediateSize: spec.config.intermediateSize, typeVocabSize: spec.config.typeVocabSize };
  return { name, truth, fromRepo, tiny: spec, config: () => ({ ...(hfConfigJson(spec) as { [key: string]: Json }), ...(modelType ? { model_type: modelType } : {}) }) };
}

function kjvBase(name: 'gpt2' | 'bert'): ModelBase {
  const dir = `models/trex-${name}-kjv`;
  const c = repoJson(`${dir}/config.json`) as { [key: string]: number };
  const truth: ModelTruth = name === 'gpt2'
    ? { family: 'gpt2', numLayers: c.n_layer, hiddenSize: c.n_embd, vocabSize: c.vocab_size, positionTableSize: c.n_positions, intermediateSize: 4 * c.n_embd, typeVocabSize: 0 }
    : { family: 'bert', numLayers: c.num_hidden_layers, hiddenSize: c.hidden_size, vocabSize: c.vocab_size, positionTableSize: c.max_position_embeddings, intermediateSize: c.intermediate_size, typeVocabSize: c.type_vocab_size };
  return {
    name: `${name}-kjv`,
    truth,
    config: () => repoJson(`${dir}/config.json`),
    fromRepo: { 'model.safetensors': `${dir}/model.safetensors`, 'tokenizer.json': `${dir}/tokenizer.json`, 'tokenizer_config.json': `${dir}/tokenizer_config.json` },
  };
}

function allBases(): ModelBase[] {
  return once('model-bases', () => {
    const gpt2Tiny = repoJson('test/fixtures/tiny-models/gpt2-tiny.spec.json') as unknown as TinyModelSpec;
    const bertTiny = repoJson('test/fixtures/tiny-models/bert-tiny.spec.json') as unknown as TinyModelSpec;
    const pieces = camembertPieces();
    return [
      kjvBase('gpt2'),
      kjvBase('bert'),
      tinyBase('distilbert-tiny', encoderSpec('distilbert', 3943, 3103), { 'tokenizer.json': 'models/trex-bert-kjv/tokenizer.json' }),
      tinyBase('roberta-tiny', encoderSpec('roberta', 4096, 3102), { 'tokenizer.json': 'models/trex-gpt2-kjv/tokenizer.json' }),
      tinyBase('camembert-tiny', encoderSpec('roberta', pieces + 5, 3104), { 'sentencepiece.bpe.model': CAMEMBERT_SPM }, 'camembert'),
      tinyBase('xlm-roberta-tiny', encoderSpec('roberta', pieces + 2, 3105), { 'sentencepiece.bpe.model': CAMEMBERT_SPM }, 'xlm-roberta'),
      tinyBase('gpt2-tiny', { family: 'gpt2', seed: gpt2Tiny.seed, config: gpt2Tiny.config } as TinyModelSpec, { 'tokenizer.json': WORDPIECE_TOY }),
      tinyBase('bert-tiny', { family: 'encoder', seed: bertTiny.seed, config: bertTiny.config } as TinyModelSpec, { 'tokenizer.json': WORDPIECE_TOY }),
    ];
  });
}

/** The bases config.json cases mutate (one family each, camembert and xlm-roberta through their SentencePiece model). */
export const CONFIG_BASES = ['gpt2-kjv', 'bert-kjv', 'distilbert-tiny', 'roberta-tiny', 'camembert-tiny', 'xlm-roberta-tiny'] as const;

export function modelBase(name: string): ModelBase {
  const base = allBases().find((b) => b.name === name);
  if (!base) throw new Error(`fuzz: unknown model base ${name}`);
  return base;
}

/**
 * The base's folder under `keep` (written on first use): config.json, the tokenizer files and
 * the weights. Each file gets its own time stamp so the engine's caches never mix two bases.
 */
export function baseFolder(base: ModelBase, keep: string, stamp: () => Date): string {
  const dir = join(keep, 'bases', base.name);
  if (existsSync(join(dir, '.complete'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (base.tiny) writeTinyModelFolder(dir, base.tiny);
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(base.config(), null, 2)}\n`);
  for (const [name, from] of Object.entries(base.fromRepo)) writeFileSync(join(dir, name), repoFile(from));
  for (const name of readdirSync(dir)) utimesSync(join(dir, name), stamp(), stamp());
  writeFileSync(join(dir, '.complete'), '');
  return dir;
}

/** Links the base's files into `dir`, except those the case writes itself. */
export function linkBase(base: ModelBase, baseDir: string, dir: string, except: readonly string[]): void {
  for (const name of readdirSync(baseDir)) {
    if (name.startsWith('.') || except.includes(name) || existsSync(join(dir, name))) continue;
    symlinkSync(join(baseDir, name), join(dir, name));
  }
}

