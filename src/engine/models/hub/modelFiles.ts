/**
 * Which files of a Hub repo a model needs: its config, its tokenizer files and its safetensors
 * weights (one file, or the index and its shards). PyTorch `.bin`, ONNX, TensorFlow and Flax
 * files, READMEs and sub-folders are skipped.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HubError } from './errors';
import { isFile } from './cacheLayout';

export const CONFIG_FILES = ['config.json', 'generation_config.json'] as const;
export const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'added_tokens.json',
  'vocab.txt',
  'vocab.json',
  'merges.txt',
  'sentencepiece.bpe.model',
  'spiece.model',
  'tokenizer.model',
] as const;
export const SINGLE_WEIGHTS = 'model.safetensors';
export const WEIGHTS_INDEX = 'model.safetensors.index.json';
const SHARD = /^model-\d+-of-\d+\.safetensors$/;

/**
 * The subset of `repoFiles` to download, in a stable order (config, tokenizer, weights).
 * @example selectModelFiles('gpt2', ['config.json', 'pytorch_model.bin', 'model.safetensors', 'onnx/model.onnx', 'vocab.json'])
 *   → ['config.json', 'vocab.json', 'model.safetensors']
 */
export function selectModelFiles(repoId: string, repoFiles: readonly string[]): string[] {
  const present = new Set(repoFiles);
  if (!present.has('config.json')) throw new HubError('no-weights', `The Hub repo '${repoId}' has no config.json; it is not a transformers model.`);
  const chosen: string[] = [...CONFIG_FILES, ...TOKENIZER_FILES].filter((f) => present.has(f));
  if (present.has(WEIGHTS_INDEX)) {
    chosen.push(WEIGHTS_INDEX, ...repoFiles.filter((f) => SHARD.test(f)).sort());
  } else if (present.has(SINGLE_WEIGHTS)) {
    chosen.push(SINGLE_WEIGHTS);
  } else {
    const other = repoFiles.filter((f) => /\.(bin|h5|msgpack|onnx|ckpt)$/.test(f)).slice(0, 3).join(', ');
    throw new HubError('no-weights', `The Hub repo '${repoId}' has no safetensors weights${other ? ` (only ${other})` : ''}; Transformer Explorer reads model.safetensors only.`);
  }
  return chosen;
}

/**
 * What is missing from a snapshot folder for it to be a usable model (empty = complete):
 * config.json, a tokenizer (tokenizer.json or vocabulary files), and every weights file.
 * This is how a model downloaded earlier (by us or by Python) is used with no request at all.
 */
export function missingModelFiles(snapshotDir: string): string[] {
  const has = (f: string): boolean => isFile(join(snapshotDir, f));
  const missing: string[] = [];
  if (!has('config.json')) missing.push('config.json');
  const tokenizerFound = has('tokenizer.json') || has('vocab.txt') || (has('vocab.json') && has('merges.txt')) || has('sentencepiece.bpe.model') || has('spiece.model') || has('tokenizer.model');
  if (!tokenizerFound) missing.push('tokenizer.json');
  if (has(WEIGHTS_INDEX)) {
    missing.push(...shardsOf(join(snapshotDir, WEIGHTS_INDEX)).filter((f) => !has(f)));
  } else if (!has(SINGLE_WEIGHTS)) {
    missing.push(SINGLE_WEIGHTS);
  }
  return missing;
}

/** Shard file names listed in a `model.safetensors.index.json` (its `weight_map` values). */
export function shardsOf(indexPath: string): string[] {
  try {
    const index = JSON.parse(readFileSync(indexPath, 'utf8')) as { weight_map?: Record<string, unknown> };
    const names = Object.values(index.weight_map ?? {}).filter((v): v is string => typeof v === 'string');
    return [...new Set(names)].sort();
  } catch {
    return ['(unreadable model.safetensors.index.json)'];
  }
}
