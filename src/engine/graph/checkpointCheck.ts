/**
 * A checkpoint checked against its config.json before anything sized by the config is built or
 * shown: first the number of layers the checkpoint holds, then the tensors that carry each size
 * (token and position embeddings, token types, the first MLP, the head bias), then every tensor a
 * graph reads. A size that disagrees is a ModelConfigError naming the config field and the tensor:
 *
 *   …/config.json: "n_positions" is 2048 but wpe.weight in model.safetensors has 1024 rows
 *
 * Only the safetensors headers are read. The work is bounded by the checkpoint (its tensor names)
 * and by CONFIG_LIMITS, never by a number config.json alone gives.
 */
import { basename } from 'node:path';
import { quoteValue } from '../errorText';
import { ModelConfigError, type ModelConfig, type SizeField } from '../models/config';
import type { Checkpoint } from '../models/weights';
import { encoderNames } from './encoderNames';
import { GraphBuildError } from './graphBuildError';
import { encoderTensorSpecs, gpt2TensorSpecs, type TensorSpec } from './tensorSpecs';

/** A tensor whose dimensions are config sizes, one field per dimension. */
type Anchor = readonly [name: string, fields: readonly SizeField[]];

interface Expected {
  /** Prefixes a stored name may carry (`transformer.`, `bert.`…), '' first. */
  prefixes: string[];
  /** Layer i's tensors are `<layerRoot>.<i>.…` (after a prefix). */
  layerRoot: string;
  anchors: Anchor[];
  /** Every tensor a graph reads, with its shape under this config. */
  specs: TensorSpec[];
  /** Read when present (an untied decoder), with its shape. */
  optional: TensorSpec[];
}

/** What a checkpoint of `c`'s family holds under `c`'s sizes; the specs only once the layer count is known to be the checkpoint's. */
function expectedTensors(c: ModelConfig, withSpecs: boolean): Expected {
  if (c.family === 'gpt2') {
    const gpt2 = { nLayer: c.numLayers, nHead: c.numHeads, nEmbd: c.hiddenSize, vocabSize: c.vocabSize, nPositions: c.positionTableSize, layerNormEpsilon: c.layerNormEps };
    return {
      prefixes: ['', 'transformer.'],
      layerRoot: 'h',
      anchors: [['wte.weight', ['vocabSize', 'hiddenSize']], ['wpe.weight', ['positionTableSize', 'hiddenSize']], ['h.0.mlp.c_fc.weight', ['hiddenSize', 'intermediateSize']]],
      specs: withSpecs ? gpt2TensorSpecs(gpt2, c.intermediateSize) : [],
      optional: [],
    };
  }
  const n = encoderNames(c.family);
  const encoder = {
    modelType: c.family, vocabSize: c.vocabSize, hiddenSize: c.hiddenSize, nLayer: c.numLayers, nHead: c.numHeads, intermediateSize: c.intermediateSize,
    maxPositions: c.positionTableSize, typeVocabSize: c.typeVocabSize, layerNormEpsilon: c.layerNormEps, padTokenId: c.padTokenId ?? 0,
  };
  return {
    prefixes: ['', n.prefix],
    layerRoot: n.layers,
    anchors: [
      [`${n.wordEmbeddings}.weight`, ['vocabSize', 'hiddenSize']],
      [`${n.positionEmbeddings}.weight`, ['positionTableSize', 'hiddenSize']],
      ...(n.tokenTypeEmbeddings ? [[`${n.tokenTypeEmbeddings}.weight`, ['typeVocabSize', 'hiddenSize']] as Anchor] : []),
      [`${n.layer(0).intermediate}.weight`, ['intermediateSize', 'hiddenSize']],
      [n.headBias, ['vocabSize']],
    ],
    specs: withSpecs ? encoderTensorSpecs(encoder) : [],
    optional: [[`${n.headDecoder}.weight`, [c.vocabSize, c.hiddenSize], 'matrix']],
  };
}

/** Checkpoints converted from old TensorFlow BERTs (bert-base-uncased among them) call LayerNorm's weight/bias gamma/beta. */
function legacyNormName(name: string): string {
  return name.replace(/\.weight$/, '.gamma').replace(/\.bias$/, '.beta');
}

/** The stored name of the tensor a builder calls `name`: with or without a prefix, or under its legacy gamma/beta name. */
export function storedTensorName(checkpoint: Checkpoint, name: string, prefixes: readonly string[]): string | undefined {
  const bare = prefixes.reduce((n, p) => (p && n.startsWith(p) ? n.slice(p.length) : n), name);
  return checkpoint.resolve(bare, prefixes) ?? checkpoint.resolve(name) ?? checkpoint.resolve(legacyNormName(bare), prefixes);
}

/** The stored name of a required tensor, or a GraphBuildError saying which names were looked for. */
export function requireStoredName(checkpoint: Checkpoint, name: string, prefixes: readonly string[]): string {
  const stored = storedTensorName(checkpoint, name, prefixes);
  if (stored !== undefined) return stored;
  const bare = prefixes.reduce((n, p) => (p && n.startsWith(p) ? n.slice(p.length) : n), name);
  throw new GraphBuildError(`${checkpointLabel(checkpoint)}: the checkpoint has no tensor "${name}" (looked for ${prefixes.map((p) => `"${p}${bare}"`).join(', ')})`);
}

function checkpointLabel(checkpoint: Checkpoint): string {
  const files = checkpoint.filePaths();
  return files.length === 1 ? basename(files[0]) : `${basename(files[0])} and ${files.length - 1} more shards`;
}

/** The number of layers the checkpoint holds: one more than the highest `<root>.<i>.` index in its names (0 when none). */
function layersHeld(checkpoint: Checkpoint, prefixes: readonly string[], root: string): number {
  const pattern = new RegExp(`^${root.replace(/\./g, '\\.')}\\.(\\d{1,9})\\.`);
  let held = 0;
  for (const stored of checkpoint.names()) {
    const prefix = prefixes.find((p) => p !== '' && stored.startsWith(p)) ?? '';
    const match = pattern.exec(stored.slice(prefix.length));
    if (match) held = Math.max(held, Number(match[1]) + 1);
  }
  return held;
}

/** `"n_layer" is 12` or `"n_inner" is not set, so 3072,` — the field as config.json has it. */
function fieldText(c: ModelConfig, field: SizeField, value: number): string {
  const key = c.keys?.[field];
  if (!key) return `${field} is ${value}`;
  return key.given ? `"${key.key}" is ${value}` : `"${key.key}" is not set, so ${value},`;
}

function dimensionName(rank: number, i: number): string {
  if (rank === 1) return 'elements';
  return i === 0 ? 'rows' : i === 1 ? 'columns' : `entries in dimension ${i}`;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((n, i) => n === b[i]);

/**
 * Throws a ModelConfigError when config.json's sizes disagree with the checkpoint: the number of
 * layers it holds, or a size field against the tensor that carries it. Enough for the model card,
 * which shows those sizes; a graph also needs every tensor (checkCheckpointAgainstConfig).
 */
export function checkConfigSizes(c: ModelConfig, checkpoint: Checkpoint): void {
  const configFile = c.file ?? 'config.json';
  const shape = expectedTensors(c, false);
  const held = layersHeld(checkpoint, shape.prefixes, shape.layerRoot);
  if (held !== c.numLayers) {
    const which = held === 0 ? `no layers (no ${shape.layerRoot}.0.* tensor)` : `${held} layers (${shape.layerRoot}.0 to ${shape.layerRoot}.${held - 1})`;
    throw new ModelConfigError(`${configFile}: ${fieldText(c, 'numLayers', c.numLayers)} but ${checkpointLabel(checkpoint)} holds ${which}`);
  }
  for (const [name, fields] of shape.anchors) {
    const stored = storedTensorName(checkpoint, name, shape.prefixes);
    if (stored === undefined) continue; // reported with the full list below
    const info = checkpoint.info(stored);
    const wanted = fields.map((f) => c[f]);
    if (info.shape.length !== wanted.length) continue;
    const i = wanted.findIndex((n, k) => info.shape[k] !== n);
    if (i < 0) continue;
    throw new ModelConfigError(`${configFile}: ${fieldText(c, fields[i], wanted[i])} but ${quoteValue(stored)} in ${basename(info.file)} has ${info.shape[i]} ${dimensionName(wanted.length, i)}`);
  }
}

/**
 * checkConfigSizes, then every tensor a graph reads: one missing or misshapen on its own (a damaged
 * layer, say) is a GraphBuildError naming the file and the tensor.
 */
export function checkCheckpointAgainstConfig(c: ModelConfig, checkpoint: Checkpoint): void {
  checkConfigSizes(c, checkpoint);
  const configFile = c.file ?? 'config.json';
  const { prefixes, specs, optional } = expectedTensors(c, true);
  const check = (stored: string, dims: readonly number[]): void => {
    const info = checkpoint.info(stored);
    if (!sameShape(info.shape, dims)) {
      throw new GraphBuildError(`${basename(info.file)}: tensor ${quoteValue(stored)} has shape ${quoteValue(info.shape)}, but ${configFile} implies [${dims.join(', ')}]`);
    }
  };
  for (const [name, dims] of specs) check(requireStoredName(checkpoint, name, prefixes), dims);
  for (const [name, dims] of optional) if (checkpoint.has(name)) check(name, dims);
}
