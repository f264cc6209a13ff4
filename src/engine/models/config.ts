/**
 * config.json → one normalized ModelConfig for the supported families. Each family names its
 * hyper-parameters differently (GPT-2 `n_embd`, DistilBERT `dim`, BERT `hidden_size`); the graph
 * builders only ever see the normalized names below.
 */
import { promises as fs } from 'node:fs';
import { oneLine, quoteValue } from '../errorText';

export type ModelFamily = 'gpt2' | 'bert' | 'distilbert' | 'roberta';

/** The `model_type` values each family covers. */
export const SUPPORTED_MODEL_TYPES: Readonly<Record<string, ModelFamily>> = {
  gpt2: 'gpt2',
  bert: 'bert',
  distilbert: 'distilbert',
  roberta: 'roberta',
  camembert: 'roberta',
  'xlm-roberta': 'roberta',
};

export interface ModelConfig {
  family: ModelFamily;
  /** config.json's `model_type` as written (e.g. `camembert`). */
  modelType: string;
  architectures: string[];
  /** L */
  numLayers: number;
  /** d */
  hiddenSize: number;
  /** h */
  numHeads: number;
  /** Width of the feed-forward layer (usually 4·d). */
  intermediateSize: number;
  /** V */
  vocabSize: number;
  /** Context length: number of learned positions (minus RoBERTa's offset). */
  maxPositions: number;
  /** Rows of the position-embedding table (maxPositions + positionOffset). */
  positionTableSize: number;
  /** RoBERTa family: positions start at pad_token_id + 1; 0 elsewhere. */
  positionOffset: number;
  /** Token-type (segment) vocabulary; 0 when the family has no token types. */
  typeVocabSize: number;
  layerNormEps: number;
  /** `gelu_new` (tanh approximation) for GPT-2, `gelu` (erf) for BERT-like models, or as configured. */
  activation: string;
  padTokenId?: number;
  bosTokenId?: number;
  eosTokenId?: number;
  /** The LM / MLM head reuses the token embeddings. */
  tieWordEmbeddings: boolean;
  /** `torch_dtype` when given (`float32`, `float16`, `bfloat16`). */
  torchDtype?: string;
  /** config.json's key behind each size, for messages that name it (absent in configs made in code). */
  keys?: Readonly<Partial<Record<SizeField, ConfigKey>>>;
  /** The config.json file read (absent in configs made in code). */
  file?: string;
}

/** A one-line problem with config.json. */
export class ModelConfigError extends Error {
  constructor(message: string) {
    super(oneLine(message));
    this.name = 'ModelConfigError';
  }
}

/** The size fields, which the checkpoint's tensors must agree with. */
export type SizeField = 'numLayers' | 'hiddenSize' | 'numHeads' | 'intermediateSize' | 'vocabSize' | 'positionTableSize' | 'typeVocabSize';

/** Where a size came from in config.json: the key read, or the key left out (`given: false`, a default). */
export interface ConfigKey {
  readonly key: string;
  readonly given: boolean;
}

/**
 * Upper bounds far above every checkpoint of these families (GPT-2 XL: 48 layers, d = 1600;
 * XLM-R: V = 250,002; the longest learned position tables: a few thousand rows), so that nothing
 * sized by a hostile config.json is built before the checkpoint is checked against it.
 */
export const CONFIG_LIMITS: Readonly<Record<SizeField, number>> = {
  numLayers: 1024,
  hiddenSize: 32_768,
  numHeads: 1024,
  intermediateSize: 131_072,
  vocabSize: 2_097_152,
  positionTableSize: 65_536,
  typeVocabSize: 1024,
};

/** Token ids (pad, bos, eos) are at most this (the largest vocabulary allowed). */
const MAX_TOKEN_ID = CONFIG_LIMITS.vocabSize;

type Json = Record<string, unknown>;

class Fields {
  /** The config.json key behind each size read so far. */
  readonly keys: Partial<Record<SizeField, ConfigKey>> = {};

  constructor(private readonly json: Json, readonly where: string) {}

  private bad(key: string, what: string): ModelConfigError {
    return new ModelConfigError(`${this.where}: "${key}" should be ${what}, got ${quoteValue(this.json[key])}`);
  }

  /** The first of `keys` present (and not null), as an integer in [min, CONFIG_LIMITS[field]]; remembered as the field's key. */
  size(field: SizeField, keys: string[], fallback?: number, min = 1): number {
    const key = keys.find((k) => this.json[k] !== undefined && this.json[k] !== null);
    if (key === undefined) {
      if (fallback === undefined) throw new ModelConfigError(`${this.where}: missing "${keys.join('" or "')}"`);
      this.keys[field] = { key: keys[0], given: false };
      return fallback;
    }
    const v = this.json[key];
    const max = CONFIG_LIMITS[field];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) throw this.bad(key, `an integer from ${min} to ${max}`);
    this.keys[field] = { key, given: true };
    return v;
  }

  /** A token id: absent, or an integer from 0 to MAX_TOKEN_ID. */
  tokenId(key: string): number | undefined {
    const v = this.json[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > MAX_TOKEN_ID) throw this.bad(key, `a token id from 0 to ${MAX_TOKEN_ID}`);
    return v;
  }

  /** A positive number at most `max`. */
  number(key: string, fallback: number, max: number): number {
    const v = this.json[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > max) throw this.bad(key, `a positive number at most ${max}`);
    return v;
  }

  string(key: string, fallback: string): string {
    const v = this.json[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string') throw this.bad(key, 'a string');
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.json[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') throw this.bad(key, 'true or false');
    return v;
  }
}

function common(json: Json, f: Fields, modelType: string, family: ModelFamily) {
  const architectures = Array.isArray(json.architectures) ? json.architectures.filter((a): a is string => typeof a === 'string') : [];
  const torchDtype = typeof json.torch_dtype === 'string' ? json.torch_dtype : undefined;
  return {
    family,
    modelType,
    architectures,
    padTokenId: f.tokenId('pad_token_id'),
    bosTokenId: f.tokenId('bos_token_id'),
    eosTokenId: f.tokenId('eos_token_id'),
    tieWordEmbeddings: f.bool('tie_word_embeddings', true),
    ...(torchDtype ? { torchDtype } : {}),
  };
}

function gpt2Config(json: Json, f: Fields, modelType: string): ModelConfig {
  const hiddenSize = f.size('hiddenSize', ['n_embd', 'hidden_size']);
  const maxPositions = f.size('positionTableSize', ['n_positions', 'max_position_embeddings', 'n_ctx']);
  for (const flag of ['scale_attn_by_inverse_layer_idx', 'reorder_and_upcast_attn', 'add_cross_attention']) {
    if (json[flag] === true) throw new ModelConfigError(`${f.where}: GPT-2 with "${flag}": true is not supported`);
  }
  return {
    ...common(json, f, modelType, 'gpt2'),
    numLayers: f.size('numLayers', ['n_layer', 'num_hidden_layers']),
    hiddenSize,
    numHeads: f.size('numHeads', ['n_head', 'num_attention_heads']),
    intermediateSize: f.size('intermediateSize', ['n_inner'], 4 * hiddenSize),
    vocabSize: f.size('vocabSize', ['vocab_size']),
    maxPositions,
    positionTableSize: maxPositions,
    positionOffset: 0,
    typeVocabSize: 0,
    layerNormEps: f.number('layer_norm_epsilon', 1e-5, 1),
    activation: f.string('activation_function', 'gelu_new'),
  };
}

function bertLikeConfig(json: Json, f: Fields, modelType: string, family: 'bert' | 'roberta'): ModelConfig {
  const table = f.size('positionTableSize', ['max_position_embeddings'], 512);
  const base = common(json, f, modelType, family);
  // RoBERTa numbers positions from pad_token_id + 1 (= 2), so 514 rows hold 512 positions.
  const positionOffset = family === 'roberta' ? (base.padTokenId ?? 1) + 1 : 0;
  if (table <= positionOffset) throw new ModelConfigError(`${f.where}: "max_position_embeddings" ${table} leaves no position after the offset ${positionOffset} (pad_token_id + 1)`);
  const positionType = f.string('position_embedding_type', 'absolute');
  if (positionType !== 'absolute') throw new ModelConfigError(`${f.where}: position_embedding_type ${quoteValue(positionType)} is not supported (only "absolute")`);
  return {
    ...base,
    numLayers: f.size('numLayers', ['num_hidden_layers']),
    hiddenSize: f.size('hiddenSize', ['hidden_size']),
    numHeads: f.size('numHeads', ['num_attention_heads']),
    intermediateSize: f.size('intermediateSize', ['intermediate_size']),
    vocabSize: f.size('vocabSize', ['vocab_size']),
    maxPositions: table - positionOffset,
    positionTableSize: table,
    positionOffset,
    typeVocabSize: f.size('typeVocabSize', ['type_vocab_size'], 2, 0),
    layerNormEps: f.number('layer_norm_eps', 1e-12, 1),
    activation: f.string('hidden_act', 'gelu'),
  };
}

function distilbertConfig(json: Json, f: Fields, modelType: string): ModelConfig {
  const maxPositions = f.size('positionTableSize', ['max_position_embeddings'], 512);
  return {
    ...common(json, f, modelType, 'distilbert'),
    numLayers: f.size('numLayers', ['n_layers']),
    hiddenSize: f.size('hiddenSize', ['dim']),
    numHeads: f.size('numHeads', ['n_heads']),
    intermediateSize: f.size('intermediateSize', ['hidden_dim']),
    vocabSize: f.size('vocabSize', ['vocab_size']),
    maxPositions,
    positionTableSize: maxPositions,
    positionOffset: 0,
    typeVocabSize: 0,
    layerNormEps: 1e-12, // fixed in DistilBERT's code, not in its config
    activation: f.string('activation', 'gelu'),
  };
}

/** Normalizes a parsed config.json; `where` names it in error messages. */
export function parseModelConfig(json: unknown, where = 'config.json'): ModelConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ModelConfigError(`${where} is not a JSON object`);
  const obj = json as Json;
  const modelType = obj.model_type;
  const supported = Object.keys(SUPPORTED_MODEL_TYPES).join(', ');
  if (typeof modelType !== 'string') throw new ModelConfigError(`${where} has no "model_type" (supported: ${supported})`);
  const f = new Fields(obj, where);
  const family: ModelFamily | undefined = SUPPORTED_MODEL_TYPES[modelType];
  let config: ModelConfig;
  switch (family) {
    case 'gpt2': config = gpt2Config(obj, f, modelType); break;
    case 'bert': config = bertLikeConfig(obj, f, modelType, 'bert'); break;
    case 'roberta': config = bertLikeConfig(obj, f, modelType, 'roberta'); break;
    case 'distilbert': config = distilbertConfig(obj, f, modelType); break;
    default: throw new ModelConfigError(`unsupported model_type ${quoteValue(modelType)} in ${where} (supported: ${supported})`);
  }
  if (config.hiddenSize % config.numHeads !== 0) {
    const key = (field: SizeField): string => f.keys[field]?.key ?? field;
    throw new ModelConfigError(`${where}: hidden size ${config.hiddenSize} ("${key('hiddenSize')}") is not divisible by the ${config.numHeads} heads ("${key('numHeads')}")`);
  }
  return { ...config, keys: f.keys };
}

/** A config.json is a few kB (with label maps, some hundred kB); anything far larger is not one. */
export const MAX_CONFIG_BYTES = 16 << 20;

/** Reads and normalizes `file` (a model folder's config.json). */
export async function readModelConfig(file: string): Promise<ModelConfig> {
  let text: string;
  try {
    const stats = await fs.stat(file);
    // A folder, device or named pipe would fail later with a system error, or block the read for ever.
    if (!stats.isFile()) throw new ModelConfigError(`${file} is ${stats.isDirectory() ? 'a folder' : 'not a regular file (a device, pipe or socket)'}, not a config.json`);
    if (stats.size > MAX_CONFIG_BYTES) throw new ModelConfigError(`${file} is ${stats.size} bytes, too large for a config.json (at most ${MAX_CONFIG_BYTES})`);
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if (e instanceof ModelConfigError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelConfigError(code === 'ENOENT' ? `no config.json: ${file} does not exist` : `cannot read ${file}: ${code ?? (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelConfigError(`${file} is not valid JSON (${oneLine((e as Error).message, 120)})`);
  }
  return { ...parseModelConfig(json, file), file };
}
