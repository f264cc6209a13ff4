/** A safetensors recipe → the bytes of its files. */
import { applyByteEdits } from '../mutate/byteEdits';
import { writeEdited, type Json } from '../mutate/jsonEdits';
import type { LengthEdit, SafetensorsRecipe } from '../recipe';
import { INDEX_NAME, safetensorsBase, SHARD_NAMES, type StFile } from './safetensorsSeeds';

function lengthField(actual: number, edit: LengthEdit | undefined): Buffer {
  const out = Buffer.alloc(8);
  const value = edit === undefined ? BigInt(actual) : 'set' in edit ? BigInt(edit.set) : BigInt(actual + edit.delta);
  out.writeBigUInt64LE(BigInt.asUintN(64, value));
  return out;
}

/** One file: the header with its edits, its length field, the data, then edits of the whole. */
export function encodeStFile(file: StFile, recipe?: Pick<SafetensorsRecipe, 'header' | 'headerBytes' | 'length' | 'file'>): Uint8Array {
  let header = Buffer.from(writeEdited(file.header, recipe?.header ?? []), 'utf8');
  if (file.pad && header.length % 8 !== 0) header = Buffer.concat([header, Buffer.alloc(8 - (header.length % 8), 0x20)]);
  const headerBytes = recipe ? applyByteEdits(header, recipe.headerBytes) : header;
  const whole = Buffer.concat([lengthField(headerBytes.length, recipe?.length), headerBytes, file.data]);
  return recipe ? applyByteEdits(whole, recipe.file) : whole;
}

/** File name → bytes, for the folder the case runs on. */
export function safetensorsFiles(recipe: SafetensorsRecipe): Map<string, Uint8Array> {
  const base = safetensorsBase(recipe.base);
  if (base.kind === 'single') return new Map([['model.safetensors', encodeStFile(base.file, recipe)]]);
  const files = new Map<string, Uint8Array>();
  base.shards.forEach((shard, i) => files.set(SHARD_NAMES[i], encodeStFile(shard, i === recipe.shard ? recipe : undefined)));
  files.set(INDEX_NAME, Buffer.from(writeEdited(base.index as Json, recipe.index, 2), 'utf8'));
  return files;
}
