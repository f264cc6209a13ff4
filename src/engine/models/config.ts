/**
 * config.json → one normalized ModelConfig for the supported families. Each family names its
 * hyper-parameters differently (GPT-2 `n_embd`, DistilBERT `dim`, BERT `hidden_size`); the graph
 * builders only ever see the normalized names below.
 */
import { promises as fs } from 'node:fs';

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
}

/** A one-line problem with config.json. */
export class ModelConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelConfigError';
  }
}

type Json = Record<string, unknown>;

class Fields {
  constructor(private readonly json: Json, readonly where: string) {}

  /** The first of `keys` present (and not null), as a positive integer. */
  int(keys: string[], fallback?: number, min = 1): number {
    const key = keys.find((k) => this.json[k] !== undefined && this.json[k] !== null);
    if (key === undefined) {
      if (fallback !== undefined) return fallback;
      throw new ModelConfigError(`${this.where}: missing "${keys.join('" or "')}"`);
    }
    const v = this.json[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
      throw new ModelConfigError(`${this.where}: "${key}" should be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
    }
    return v;
  }

  optionalInt(key: string): number | undefined {
    const v = this.json[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new ModelConfigError(`${this.where}: "${key}" should be an integer, got ${JSON.stringify(v)}`);
    return v;
  }

  number(key: string, fallback: number): number {
    const v = this.json[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ModelConfigError(`${this.where}: "${key}" should be a positive number, got ${JSON.stringify(v)}`);
    return v;
  }

  string(key: string, fallback: string): string {
    const v = this.json[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string') throw new ModelConfigError(`${this.where}: "${key}" should be a string, got ${JSON.stringify(v)}`);
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.json[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') throw new ModelConfigError(`${this.where}: "${key}" should be true or false, got ${JSON.stringify(v)}`);
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
    padTokenId: f.optionalInt('pad_token_id'),
    bosTokenId: f.optionalInt('bos_token_id'),
    eosTokenId: f.optionalInt('eos_token_id'),
    tieWordEmbeddings: f.bool('tie_word_embeddings', true),
    ...(torchDtype ? { torchDtype } : {}),
  };
}

function gpt2Config(json: Json, f: Fields, modelType: string): ModelConfig {
  const hiddenSize = f.int(['n_embd', 'hidden_size']);
  const maxPositions = f.int(['n_positions', 'max_position_embeddings', 'n_ctx']);
  for (const flag of ['scale_attn_by_inverse_layer_idx', 'reorder_and_upcast_attn', 'add_cross_attention']) {
    if (json[flag] === true) throw new ModelConfigError(`${f.where}: GPT-2 with "${flag}": true is not supported`);
  }
  return {
    ...common(json, f, modelType, 'gpt2'),
    numLayers: f.int(['n_layer', 'num_hidden_layers']),
    hiddenSize,
    numHeads: f.int(['n_head', 'num_attention_heads']),
    intermediateSize: f.int(['n_inner'], 4 * hiddenSize),
    vocabSize: f.int(['vocab_size']),
    maxPositions,
    positionTableSize: maxPositions,
    positionOffset: 0,
    typeVocabSize: 0,
    layerNormEps: f.number('layer_norm_epsilon', 1e-5),
    activation: f.string('activation_function', 'gelu_new'),
  };
}

function bertLikeConfig(json: Json, f: Fields, modelType: string, family: 'bert' | 'roberta'): ModelConfig {
  const table = f.int(['max_position_embeddings'], 512);
  const base = common(json, f, modelType, family);
  // RoBERTa numbers positions from pad_token_id + 1 (= 2), so 514 rows hold 512 positions.
  const positionOffset = family === 'roberta' ? (base.padTokenId ?? 1) + 1 : 0;
  if (table <= positionOffset) throw new ModelConfigError(`${f.where}: "max_position_embeddings" ${table} leaves no position after the offset ${positionOffset}`);
  const positionType = f.string('position_embedding_type', 'absolute');
  if (positionType !== 'absolute') throw new ModelConfigError(`${f.where}: position_embedding_type "${positionType}" is not supported (only "absolute")`);
  return {
    ...base,
    numLayers: f.int(['num_hidden_layers']),
    hiddenSize: f.int(['hidden_size']),
    numHeads: f.int(['num_attention_heads']),
    intermediateSize: f.int(['intermediate_size']),
    vocabSize: f.int(['vocab_size']),
    maxPositions: table - positionOffset,
    positionTableSize: table,
    positionOffset,
    typeVocabSize: f.int(['type_vocab_size'], 2, 0),
    layerNormEps: f.number('layer_norm_eps', 1e-12),
    activation: f.string('hidden_act', 'gelu'),
  };
}

function distilbertConfig(json: Json, f: Fields, modelType: string): ModelConfig {
  const maxPositions = f.int(['max_position_embeddings'], 512);
  return {
    ...common(json, f, modelType, 'distilbert'),
    numLayers: f.int(['n_layers']),
    hiddenSize: f.int(['dim']),
    numHeads: f.int(['n_heads']),
    intermediateSize: f.int(['hidden_dim']),
    vocabSize: f.int(['vocab_size']),
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
    default: throw new ModelConfigError(`unsupported model_type "${modelType}" in ${where} (supported: ${supported})`);
  }
  if (config.hiddenSize % config.numHeads !== 0) {
    throw new ModelConfigError(`${where}: hidden size ${config.hiddenSize} is not divisible by the ${config.numHeads} heads`);
  }
  return config;
}

/** Reads and normalizes `file` (a model folder's config.json). */
export async function readModelConfig(file: string): Promise<ModelConfig> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelConfigError(code === 'ENOENT' ? `no config.json: ${file} does not exist` : `cannot read ${file}: ${code ?? (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelConfigError(`${file} is not valid JSON (${(e as Error).message})`);
  }
  return parseModelConfig(json, file);
}
