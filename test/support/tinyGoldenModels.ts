/**
 * The six tiny models of the PyTorch golden files (test/fixtures/tiny-models/*.spec.json) as model
 * folders a user could open: config.json + model.safetensors from the seeded weights, and a
 * tokenizer. The real-vocabulary ones get the bundled GPT-2 / bert-base-uncased tokenizer; the
 * 96-token ones a WordLevel tokenizer.json whose token i is `t{i}` (with the family's special
 * tokens), so that a text such as "t10 t11 t12" reads as the golden ids.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openModel, type LoadedModel } from '../../src/engine/tasks/openModel';
import { createBackend } from '../../src/host/backends';
import type { InferenceBackend } from '../../src/engine/runtime/types';
import { readFixture } from './graphGolden';
import { REPO_ROOT } from './repoRoot';
import { writeTinyModelFolder, type TinyModelSpec } from './tinyModelFolder';
import { tempDir } from './tinyModels';

export const GOLDEN_MODELS = ['gpt2-tiny', 'gpt2-real-vocab', 'bert-tiny', 'bert-real-vocab', 'distilbert-tiny', 'roberta-tiny'] as const;
export type GoldenModelName = (typeof GOLDEN_MODELS)[number];

/** What gpt2_golden.py / encoder_golden.py write in each case's `inside` (see their docstrings). */
export interface InsideGolden {
  /** Encoders only (GPT-2's are the case's inputIds): the real tokens, read as one text. */
  inputIds?: number[];
  attnInput: number[][][];
  query: number[][][][];
  key: number[][][][];
  value: number[][][][];
  scores: number[][][][];
  attentions: number[][][][];
  headOutputs: number[][][][];
  attnOutput: number[][][];
  hiddenStates: number[][][];
  lens: {
    targets: number[];
    topIds: number[][][];
    topProbs: number[][][];
    nextProb: number[][];
    targetProb: Array<Array<number | null>>;
    targetRank: Array<Array<number | null>>;
    targetRankRange: Array<Array<[number, number] | null>>;
  };
  similarity: {
    pair: [number, number];
    pairCosine: number[];
    staticCosine: number[][];
    nearest: { position: number; id: number; ids: number[]; cosines: number[] };
  };
}

export interface GoldenCase {
  inputIds: number[];
  inside: InsideGolden;
}

export interface GoldenFile {
  config: Record<string, number | string>;
  cases: GoldenCase[];
}

type Spec = TinyModelSpec & { text?: string };

export function goldenSpec(name: GoldenModelName): Spec {
  return readFixture<Spec>(`${name}.spec.json`);
}

export function goldenFile(name: GoldenModelName): GoldenFile {
  return readFixture<GoldenFile>(`${name.replace(/-tiny$/, '')}-golden.json`);
}

/** The ids a case's `inside` fields were computed on. */
export function insideIds(c: GoldenCase): number[] {
  return c.inside.inputIds ?? c.inputIds;
}

/** The special tokens of the 96-token tokenizers, per family (the ids the golden inputs use). */
const SPECIALS: Record<string, Record<string, number>> = {
  gpt2: {},
  bert: { '[PAD]': 0, '[UNK]': 1, '[CLS]': 2, '[SEP]': 3, '[MASK]': 4 },
  distilbert: { '[PAD]': 0, '[UNK]': 1, '[CLS]': 2, '[SEP]': 3, '[MASK]': 4 },
  roberta: { '<s>': 0, '<pad>': 1, '</s>': 2, '<unk>': 3, '<mask>': 4 },
};

const UNKNOWN: Record<string, string> = { gpt2: 't0', bert: '[UNK]', distilbert: '[UNK]', roberta: '<unk>' };

function familyOf(spec: Spec): string {
  return spec.family === 'gpt2' ? 'gpt2' : spec.config.modelType;
}

/** A WordLevel tokenizer.json of `vocabSize` tokens `t{i}`, the family's specials in their places. */
export function wordLevelTokenizer(spec: Spec): Record<string, unknown> {
  const specials = SPECIALS[familyOf(spec)];
  const byId = new Map(Object.entries(specials).map(([token, id]) => [id, token]));
  const vocab: Record<string, number> = {};
  for (let i = 0; i < spec.config.vocabSize; i++) vocab[byId.get(i) ?? `t${i}`] = i;
  const [cls, sep] = spec.family === 'gpt2' ? [] : Object.entries(specials).filter(([t]) => /^(\[CLS\]|\[SEP\]|<s>|<\/s>)$/.test(t));
  return {
    version: '1.0',
    added_tokens: Object.entries(specials).map(([content, id]) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: { type: 'WhitespaceSplit' },
    post_processor: cls && sep ? { type: 'BertProcessing', cls, sep } : null,
    decoder: null,
    model: { type: 'WordLevel', vocab, unk_token: UNKNOWN[familyOf(spec)] },
  };
}

/** The text a case is read from: the spec's text (real vocabularies) or its tokens written out, specials added by the tokenizer left out. */
export function caseText(name: GoldenModelName, c: GoldenCase): string {
  const spec = goldenSpec(name);
  if (spec.text !== undefined) return spec.text;
  const ids = insideIds(c);
  const specials = SPECIALS[familyOf(spec)];
  const names = new Map(Object.entries(specials).map(([token, id]) => [id, token]));
  const inner = spec.family === 'gpt2' ? ids : ids.slice(1, -1);
  return inner.map((id) => names.get(id) ?? `t${id}`).join(' ');
}

/** Writes the model folder of `name` into a new temp folder. */
export function goldenModelDir(name: GoldenModelName): string {
  const spec = goldenSpec(name);
  const dir = tempDir(`trex-inside-${name}-`);
  writeTinyModelFolder(dir, spec);
  if (name.endsWith('-real-vocab')) {
    copyFileSync(join(REPO_ROOT, 'dist', 'tokenizers', spec.family === 'gpt2' ? 'gpt2.json' : 'bert-base-uncased.json'), join(dir, 'tokenizer.json'));
  } else {
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(wordLevelTokenizer(spec)));
  }
  return dir;
}

export interface OpenedGoldenModel {
  model: LoadedModel;
  backend: InferenceBackend;
  graphCacheDir: string;
}

/** Opens the model of `name` on the CPU with the real onnxruntime backend and a fresh graph cache. */
export async function openGoldenModel(name: GoldenModelName): Promise<OpenedGoldenModel> {
  const backend = createBackend('onnx');
  const graphCacheDir = tempDir('trex-inside-graphs-');
  const model = await openModel(goldenModelDir(name), backend, { device: 'cpu', graphCacheDir });
  return { model, backend, graphCacheDir };
}
