/**
 * Safetensors cases: structure-aware edits of the header (dtypes, shapes, offsets, duplicated,
 * renamed and overlapping tensors, metadata), of the 8-byte length, of the header's bytes, of the
 * whole file (truncation, extra bytes, flips) and, for the sharded base, of the index.
 */
import { randomByteEdit, randomByteEdits, type ByteEdit } from '../mutate/byteEdits';
import { isPlainObject, type GenValue, type Json, type JsonEdit } from '../mutate/jsonEdits';
import { edgeNumber, edgeString, deepNest, randomJsonEdit } from '../mutate/jsonMutator';
import type { Rng } from '../prng';
import type { LengthEdit, SafetensorsRecipe } from '../recipe';
import { encodeStFile } from './safetensorsFiles';
import { safetensorsBase, SAFETENSORS_BASES, SHARD_NAMES, type StFile } from './safetensorsSeeds';

const OTHER_DTYPES = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL'];
const BAD_DTYPES: GenValue[] = [{ lit: 'F8_E4M3' }, { lit: 'f32' }, { lit: '' }, { lit: 4 }, { lit: null }, { lit: 'F32 ' }, { lit: '__proto__' }, { lit: ['F32'] }, { lit: 'U64' }];
const NAMES_TO_ADD = ['', 'a\nb', 'x'.repeat(5000), '__metadata__ ', '../../etc/passwd', 'é', '\u0000', 'wte.weight', '\ud83d'];

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

function entries(file: StFile): Entry[] {
  return Object.entries(file.header)
    .filter(([k]) => k !== '__metadata__')
    .map(([name, e]) => {
      const o = e as { dtype: string; shape: number[]; data_offsets: [number, number] };
      return { name, dtype: o.dtype, shape: o.shape, begin: o.data_offsets[0], end: o.data_offsets[1] };
    });
}

function offsetsValue(rng: Rng, t: Entry, all: Entry[], dataSize: number): GenValue {
  const other = rng.pick(all);
  const len = t.end - t.begin;
  return rng.pick<GenValue>([
    { lit: [t.begin, t.end + 1] }, { lit: [t.begin - 1, t.end] }, { lit: [t.begin + 1, t.end + 1] }, { lit: [t.end, t.begin] },
    { lit: [0, len] }, { lit: [t.begin, dataSize + 1] }, { lit: [dataSize, dataSize + len] }, { lit: [-1, t.end] }, { lit: [t.begin + 0.5, t.end] },
    { lit: [t.begin, t.end, 0] }, { lit: [t.begin] }, { lit: [] }, { lit: null }, { lit: [String(t.begin), t.end] }, { lit: [2 ** 53, 2 ** 53 + len] },
    { raw: `[${t.begin},1e999]` }, { lit: [other.begin, other.end] }, { lit: [other.begin, other.begin + len] }, { lit: [t.begin, t.begin] },
    { lit: [2 ** 32, 2 ** 32 + len] }, { lit: { 0: t.begin, 1: t.end } }, { raw: `[${t.begin},${t.end}.0]` }, { raw: `[-0,${t.end}]` },
  ]);
}

function shapeValue(rng: Rng, t: Entry): GenValue {
  const numel = t.shape.reduce((a, b) => a * b, 1);
  return rng.pick<GenValue>([
    { lit: [...t.shape, 1] }, { lit: [numel] }, { lit: [...t.shape].reverse() }, { lit: [...t.shape, 2] }, { lit: [...t.shape, 0] }, { lit: [] },
    { lit: [-1, ...t.shape] }, { lit: [1.5] }, { lit: ['2'] }, { lit: [2 ** 31, 2 ** 31] }, { lit: [2 ** 53] }, { lit: [2 ** 26, 2 ** 26, 2 ** 26] },
    { lit: [1e308] }, { lit: null }, { lit: {} }, { lit: [[numel]] }, { lit: [0, 2 ** 53] }, { raw: '[1e999]' }, { lit: Array(64).fill(1) },
    { array: 1, times: 100_000 }, { lit: [numel, 0] },
  ]);
}

/** An edit of one tensor's dtype, shape or offsets. */
function tensorFieldEdit(rng: Rng, all: Entry[], dataSize: number): JsonEdit {
  const t = rng.pick(all);
  switch (rng.int(3)) {
    case 0: return { op: 'set', path: [t.name, 'dtype'], value: rng.chance(0.6) ? { lit: rng.pick(OTHER_DTYPES) } : rng.pick(BAD_DTYPES) };
    case 1: return { op: 'set', path: [t.name, 'shape'], value: shapeValue(rng, t) };
    default: return { op: 'set', path: [t.name, 'data_offsets'], value: offsetsValue(rng, t, all, dataSize) };
  }
}

/** Whole entries: deleted, copied under another name (overlapping), renamed, written twice, or a new one. */
function entryEdit(rng: Rng, all: Entry[], dataSize: number): JsonEdit {
  const t = rng.pick(all);
  const entryOf = (e: Entry): Json => ({ dtype: e.dtype, shape: e.shape, data_offsets: [e.begin, e.end] });
  switch (rng.int(7)) {
    case 0: return { op: 'delete', path: [t.name] };
    case 1: return { op: 'set', path: [`${t.name}.copy`], value: { lit: entryOf(t) } };
    case 2: return { op: 'rename', path: [t.name], to: rng.pick(NAMES_TO_ADD) };
    case 3: return { op: 'dupKey', path: [t.name], value: { lit: rng.chance(0.5) ? entryOf(t) : entryOf(rng.pick(all)) } };
    case 4: return { op: 'set', path: [rng.pick(NAMES_TO_ADD)], value: { lit: { dtype: 'F32', shape: [0], data_offsets: rng.chance(0.5) ? [dataSize, dataSize] : [0, 0] } } };
    case 5: return { op: 'set', path: [t.name], value: rng.pick<GenValue>([{ lit: null }, { lit: [] }, { lit: 'F32' }, { lit: {} }, { lit: { dtype: t.dtype } }, deepNest(rng)]) };
    default: return { op: 'set', path: [t.name, rng.pick(['extra', 'offsets', 'DTYPE', '__proto__'])], value: { lit: 1 } };
  }
}

function metadataEdit(rng: Rng): JsonEdit {
  return rng.pick<JsonEdit>([
    { op: 'set', path: ['__metadata__'], value: rng.pick<GenValue>([{ lit: null }, { lit: 'pt' }, { lit: [] }, { lit: { format: 1 } }, { lit: { a: { b: 'c' } } }, deepNest(rng)]) },
    { op: 'set', path: ['__metadata__'], value: { lit: { format: 'pt', long: 'y'.repeat(10_000) } } },
    { op: 'set', path: ['__metadata__', 'format'], value: edgeString(rng) },
    { op: 'delete', path: ['__metadata__'] },
  ]);
}

function lengthEdit(rng: Rng, headerLength: number, fileSize: number): LengthEdit {
  if (rng.chance(0.3)) return { delta: rng.pick([1, -1, 2, -2, 8, -8, -headerLength, fileSize]) };
  const u64 = (BigInt(rng.next()) << 32n) | BigInt(rng.next());
  return { set: rng.pick([0, 1, 2, fileSize, fileSize - 8, fileSize - 7, 100_000_000, 100_000_001, 2 ** 53].map(String).concat([String(2n ** 63n), String(2n ** 64n - 1n), String(u64)])) };
}

function headerByteEdit(rng: Rng, headerLength: number): ByteEdit {
  return rng.pick<ByteEdit>([
    { op: 'insert', at: 0, bytes: [0xef, 0xbb, 0xbf] }, { op: 'insert', at: 0, bytes: [0x20] }, { op: 'insert', at: headerLength, bytes: [0x20, 0x20, 0x20] },
    { op: 'insert', at: headerLength, bytes: [0x00] }, { op: 'insert', at: headerLength, bytes: [0x0a] }, { op: 'set', at: rng.int(headerLength), byte: 0xff },
    { op: 'insert', at: rng.int(headerLength), bytes: [0xc3] }, randomByteEdit(rng, headerLength),
  ]);
}

function fileEdit(rng: Rng, headerEnd: number, fileSize: number): ByteEdit {
  return rng.pick<ByteEdit>([
    { op: 'truncate', at: rng.int(fileSize) }, { op: 'truncate', at: headerEnd }, { op: 'truncate', at: fileSize - 1 }, { op: 'truncate', at: 8 },
    { op: 'append', bytes: [0], times: rng.pick([1, 7, 8, 4096]) }, { op: 'flip', at: headerEnd + rng.int(Math.max(1, fileSize - headerEnd)), mask: 1 << rng.int(8) },
    randomByteEdit(rng, fileSize),
  ]);
}

function indexEdit(rng: Rng, index: Json): JsonEdit {
  const names = isPlainObject(index) && isPlainObject(index.weight_map) ? Object.keys(index.weight_map) : ['x'];
  const name = rng.pick(names);
  return rng.pick<JsonEdit>([
    { op: 'set', path: ['weight_map', name], value: { lit: rng.pick(['../model-00001-of-00002.safetensors', '/etc/passwd', '', '.', '..', 'missing.safetensors', 'model.safetensors.index.json', SHARD_NAMES[1 - SHARD_NAMES.indexOf(rng.pick(SHARD_NAMES))]]) } },
    { op: 'set', path: ['weight_map', name], value: rng.pick<GenValue>([{ lit: null }, { lit: 1 }, { lit: [SHARD_NAMES[0]] }, edgeNumber(rng)]) },
    { op: 'set', path: ['weight_map', 'not.in.any.shard'], value: { lit: SHARD_NAMES[0] } },
    { op: 'delete', path: ['weight_map', name] },
    { op: 'set', path: ['weight_map'], value: rng.pick<GenValue>([{ lit: {} }, { lit: [] }, { lit: null }, deepNest(rng)]) },
    { op: 'dupKey', path: ['weight_map', name], value: { lit: SHARD_NAMES[1] } },
    randomJsonEdit(rng, index),
  ]);
}

/** Case `index`: the unmutated bases first, then 1–4 edits of random kinds. */
export function generateSafetensors(rng: Rng, index: number): SafetensorsRecipe {
  const pristine = index < SAFETENSORS_BASES.length;
  return mutateSafetensors(rng, pristine ? SAFETENSORS_BASES[index][0] : rng.weighted(SAFETENSORS_BASES), pristine ? 0 : undefined);
}

/** A case from `baseName` with 1–4 random edits (`edits` 0: the base as it is). */
export function mutateSafetensors(rng: Rng, baseName: string, edits?: 0): SafetensorsRecipe {
  const base = safetensorsBase(baseName);
  const shard = base.kind === 'sharded' ? rng.int(base.shards.length) : 0;
  const recipe: SafetensorsRecipe = { cls: 'safetensors', base: baseName, shard, header: [], headerBytes: [], file: [], index: [], note: edits === 0 ? 'unmutated seed' : '' };
  if (edits === 0) return recipe;
  const file = base.kind === 'single' ? base.file : base.shards[shard];
  const all = entries(file);
  const headerLength = Buffer.byteLength(JSON.stringify(file.header));
  const fileSize = encodeStFile(file).length;
  const kinds: string[] = [];
  do {
    const kind = rng.weighted([['tensor', all.length ? 35 : 0], ['entry', all.length ? 15 : 0], ['metadata', 6], ['generic', 12], ['length', 8], ['headerBytes', 7], ['file', 12], ['index', base.kind === 'sharded' ? 15 : 0], ['dumb', 6]] as const);
    kinds.push(kind);
    switch (kind) {
      case 'tensor': recipe.header.push(tensorFieldEdit(rng, all, file.data.length)); break;
      case 'entry': recipe.header.push(entryEdit(rng, all, file.data.length)); break;
      case 'metadata': recipe.header.push(metadataEdit(rng)); break;
      case 'generic': recipe.header.push(randomJsonEdit(rng, file.header)); break;
      case 'length': recipe.length = lengthEdit(rng, headerLength, fileSize); break;
      case 'headerBytes': recipe.headerBytes.push(headerByteEdit(rng, headerLength)); break;
      case 'file': recipe.file.push(fileEdit(rng, 8 + headerLength, fileSize)); break;
      case 'index': if (base.kind === 'sharded') recipe.index.push(indexEdit(rng, base.index)); break;
      default: recipe.file.push(...randomByteEdits(rng, fileSize, rng.range(1, 4))); break;
    }
  } while (kinds.length < 4 && rng.chance(0.35));
  recipe.note = kinds.join('+');
  return recipe;
}
