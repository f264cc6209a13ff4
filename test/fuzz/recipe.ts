/**
 * A case as data: which seed it starts from and the edits applied to it. The worker turns a
 * recipe into files and runs the engine on them; a regression fixture is a saved recipe.
 */
import type { ByteEdit } from './mutate/byteEdits';
import type { JsonEdit } from './mutate/jsonEdits';
import type { ProtoEdit } from './mutate/protoEdits';

export const FUZZ_CLASSES = ['safetensors', 'tokenizer', 'sentencepiece', 'config', 'graph-cache', 'cli'] as const;
export type FuzzClass = (typeof FUZZ_CLASSES)[number];

export function isFuzzClass(v: unknown): v is FuzzClass {
  return typeof v === 'string' && (FUZZ_CLASSES as readonly string[]).includes(v);
}

/** The 8-byte header length of a safetensors file: a value, or the true one moved by `delta`. */
export type LengthEdit = { set: string } | { delta: number };

export interface SafetensorsRecipe {
  cls: 'safetensors';
  base: string;
  /** Sharded bases: the shard the edits below apply to. */
  shard: number;
  header: JsonEdit[];
  /** Edits of the header's JSON text (BOM, padding, invalid UTF-8). */
  headerBytes: ByteEdit[];
  length?: LengthEdit;
  /** Edits of the whole file. */
  file: ByteEdit[];
  /** Sharded bases: edits of model.safetensors.index.json. */
  index: JsonEdit[];
  note: string;
}

export interface TokenizerRecipe {
  cls: 'tokenizer';
  base: string;
  json: JsonEdit[];
  bytes: ByteEdit[];
  note: string;
}

export interface SentencePieceRecipe {
  cls: 'sentencepiece';
  base: string;
  /** config.json's model_type next to the model (camembert, xlm-roberta, or another). */
  modelType: string;
  /** sentencepiece.bpe.model, spiece.model… */
  fileName: string;
  proto: ProtoEdit[];
  bytes: ByteEdit[];
  note: string;
}

export interface ConfigRecipe {
  cls: 'config';
  base: string;
  json: JsonEdit[];
  bytes: ByteEdit[];
  note: string;
}

export type GraphCacheTarget = 'onnx' | 'data';

export interface GraphCacheRecipe {
  cls: 'graph-cache';
  base: string;
  target: GraphCacheTarget;
  /** Deletes the target file instead of editing it. */
  remove: boolean;
  edits: ByteEdit[];
  note: string;
}

export type CliCommand = 'tokenize' | 'tokenize-special' | 'bpe' | 'model-card' | 'logits' | 'generate';

export type CliInner = TokenizerRecipe | SentencePieceRecipe | ConfigRecipe | SafetensorsRecipe;

export interface CliRecipe {
  cls: 'cli';
  command: CliCommand;
  inner: CliInner;
  note: string;
}

export type CaseRecipe = SafetensorsRecipe | TokenizerRecipe | SentencePieceRecipe | ConfigRecipe | GraphCacheRecipe | CliRecipe;

/** Smaller variants of a recipe: each with one edit left out (for minimizing a failure). */
export function shrinkRecipe(recipe: CaseRecipe): CaseRecipe[] {
  const out: CaseRecipe[] = [];
  const fields = Object.entries(recipe) as Array<[string, unknown]>;
  for (const [key, value] of fields) {
    if (key === 'inner') {
      for (const inner of shrinkRecipe(value as CaseRecipe)) out.push({ ...recipe, inner } as CaseRecipe);
    } else if (Array.isArray(value)) {
      value.forEach((_v, i) => out.push({ ...recipe, [key]: value.filter((_w, j) => j !== i) } as CaseRecipe));
    } else if (key === 'length' && value !== undefined) {
      const { length: _dropped, ...rest } = recipe as SafetensorsRecipe;
      out.push(rest as SafetensorsRecipe);
    }
  }
  return out;
}

/** How many edits a recipe holds (smaller is simpler). */
export function recipeSize(recipe: CaseRecipe): number {
  let n = 0;
  for (const [key, value] of Object.entries(recipe) as Array<[string, unknown]>) {
    if (key === 'inner') n += recipeSize(value as CaseRecipe);
    else if (Array.isArray(value)) n += value.length;
    else if (key === 'length' && value !== undefined) n += 1;
  }
  return n;
}
