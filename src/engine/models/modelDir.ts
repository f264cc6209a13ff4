/**
 * A model folder in the Hugging Face Hub layout (a snapshot folder of the HF cache, or a folder
 * saved with `save_pretrained`):
 *
 *   config.json
 *   tokenizer.json                 | vocab.txt | vocab.json + merges.txt
 *   model.safetensors              | model.safetensors.index.json + model-0000i-of-0000n.safetensors
 *
 * `readModelDir` checks that each part is there and says which one is missing.
 */
import { existsSync, promises as fs, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readModelConfig, type ModelConfig } from './config';
import { existsOrLink } from './existsOrLink';
import { Checkpoint, type WeightFiles } from './weights';
import { countParameters, type ParamCount } from './paramCount';
import { vocabFilesIn } from '../tokenizers/fromVocabFiles';
import { checkConfigSizes } from '../graph/checkpointCheck';

/** A one-line problem with a model folder (missing folder, weights or tokenizer). */
export class ModelDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelDirError';
  }
}

export interface ModelDir {
  /** Absolute path of the folder. */
  dir: string;
  config: ModelConfig;
  /** What `loadTokenizer` takes: the tokenizer.json, or the folder when it is rebuilt from vocabulary files. */
  tokenizerSpec: string;
  /** The files the tokenizer comes from. */
  tokenizerFiles: string[];
  weightFiles: WeightFiles;
}

const SENTENCEPIECE_FILES = ['sentencepiece.bpe.model', 'spiece.model', 'tokenizer.model', 'sentencepiece.model'];
const OTHER_WEIGHT_FILES = ['pytorch_model.bin', 'pytorch_model.bin.index.json', 'tf_model.h5', 'flax_model.msgpack', 'model.onnx'];

/**
 * Throws a ModelDirError unless each of `files` is a regular file (through links): a folder, a
 * device or a named pipe there would fail later with a system error, or block a read for ever.
 */
function requireRegularFiles(files: readonly string[]): void {
  for (const file of files) {
    let what: string;
    try {
      const stats = statSync(file);
      if (stats.isFile()) continue;
      what = stats.isDirectory() ? 'a folder' : 'not a regular file (a device, pipe or socket)';
    } catch (e) {
      what = `unreadable (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
    }
    throw new ModelDirError(`${file} is ${what}; a model folder holds plain files`);
  }
}

/** Where a folder's weights are; throws a ModelDirError when there are no safetensors. */
export function findWeightFiles(dir: string): WeightFiles {
  if (existsOrLink(join(dir, 'model.safetensors'))) return { kind: 'single', file: join(dir, 'model.safetensors') };
  if (existsOrLink(join(dir, 'model.safetensors.index.json'))) return { kind: 'sharded', index: join(dir, 'model.safetensors.index.json') };
  const other = OTHER_WEIGHT_FILES.filter((f) => existsSync(join(dir, f)));
  if (other.length > 0) {
    throw new ModelDirError(`${dir} has ${other.join(', ')} but no model.safetensors — only safetensors weights are read (convert them, or download the model's safetensors files)`);
  }
  throw new ModelDirError(`no weights in ${dir}: expected model.safetensors or model.safetensors.index.json with its shards`);
}

/** The tokenizer of a folder: its tokenizer.json, else the vocabulary files it is rebuilt from. */
export function findTokenizer(dir: string): { spec: string; files: string[] } {
  const file = join(dir, 'tokenizer.json');
  if (existsOrLink(file)) {
    requireRegularFiles([file]);
    return { spec: file, files: [file] };
  }
  const vocab = vocabFilesIn(dir);
  if (vocab) {
    requireRegularFiles(vocab);
    return { spec: dir, files: vocab };
  }
  const sp = SENTENCEPIECE_FILES.find((f) => existsSync(join(dir, f)));
  if (sp) {
    throw new ModelDirError(`${dir} has only the SentencePiece model ${sp}; rebuilding a tokenizer from it is not supported yet — add the model's tokenizer.json`);
  }
  throw new ModelDirError(`no tokenizer in ${dir}: expected tokenizer.json, vocab.txt, or vocab.json with merges.txt`);
}

/** Reads a model folder: its normalized config, where its tokenizer and weights are. */
export async function readModelDir(folder: string): Promise<ModelDir> {
  const dir = resolve(folder);
  let isDir = false;
  try {
    isDir = (await fs.stat(dir)).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelDirError(code === 'ENOENT' ? `model folder ${dir} does not exist` : `model folder ${dir} cannot be read (${code ?? 'error'})`);
  }
  if (!isDir) throw new ModelDirError(`${dir} is not a folder (a model is a folder with config.json, a tokenizer and safetensors weights)`);
  const config = await readModelConfig(join(dir, 'config.json'));
  const weightFiles = findWeightFiles(dir);
  const tokenizer = findTokenizer(dir);
  return { dir, config, tokenizerSpec: tokenizer.spec, tokenizerFiles: tokenizer.files, weightFiles };
}

/** What the model card shows, apart from the device (known only once a session runs). */
export interface ModelCardFacts {
  dir: string;
  modelType: string;
  family: ModelConfig['family'];
  numLayers: number;
  hiddenSize: number;
  numHeads: number;
  vocabSize: number;
  contextLength: number;
  parameters: ParamCount;
  /** The safetensors files with their sizes on disk. */
  weightFiles: Array<{ path: string; bytes: number }>;
  /** Stored dtypes, the most used first (`F32`, `F16`, `BF16`). */
  dtypes: string[];
  tokenizerFiles: string[];
}

/** Reads a model folder and its safetensors headers (not the weights) for the model card. */
export async function readModelCard(folder: string): Promise<ModelCardFacts> {
  const model = await readModelDir(folder);
  const checkpoint = await Checkpoint.open(model.weightFiles);
  try {
    checkConfigSizes(model.config, checkpoint);
    const parameters = countParameters(checkpoint.names().map((n) => checkpoint.info(n)), model.config);
    const weightFiles = await Promise.all(checkpoint.filePaths().map(async (path) => ({ path, bytes: (await fs.stat(path)).size })));
    const dtypes = Object.entries(parameters.byDtype).sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0)).map(([dtype]) => dtype);
    const { config } = model;
    return {
      dir: model.dir,
      modelType: config.modelType,
      family: config.family,
      numLayers: config.numLayers,
      hiddenSize: config.hiddenSize,
      numHeads: config.numHeads,
      vocabSize: config.vocabSize,
      contextLength: config.maxPositions,
      parameters,
      weightFiles,
      dtypes,
      tokenizerFiles: model.tokenizerFiles,
    };
  } finally {
    await checkpoint.close();
  }
}
