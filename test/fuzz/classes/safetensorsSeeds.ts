/**
 * Valid safetensors files cases start from: small generated ones (every dtype, scalars, empty
 * tensors, unicode names, header padding, 300 tensors, a two-shard checkpoint with its index),
 * the tiny models' weights (F32, F16, BF16), and a built-in model's real checkpoint.
 */
import { tinyModelWeights, type TinyModelSpec } from '../../support/tinyModelFolder';
import type { SafetensorsDtype } from '../../../src/engine/models/safetensors';
import { encodeValues } from '../../../src/engine/models/safetensorsWriter';
import type { Json } from '../mutate/jsonEdits';
import { Rng } from '../prng';
import { once, repoFile } from '../seeds';
import { modelBase } from './modelBases';

/** One file taken apart: its header object and its data section. */
export interface StFile {
  header: { [key: string]: Json };
  data: Uint8Array;
  /** Pad the header with spaces to a multiple of 8 bytes, as Hugging Face writes it. */
  pad: boolean;
}

export type StBase = { kind: 'single'; file: StFile } | { kind: 'sharded'; shards: StFile[]; index: Json };

export const SHARD_NAMES = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];
export const INDEX_NAME = 'model.safetensors.index.json';

const SIZES: Record<SafetensorsDtype, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

type TensorSpec = [name: string, dtype: SafetensorsDtype, shape: number[]];

/** A file of the given tensors with seeded contents, laid out in the order given. */
function generated(seed: number, tensors: TensorSpec[], metadata?: Record<string, string>, pad = false): StFile {
  const rng = new Rng(seed);
  const header: { [key: string]: Json } = metadata ? { __metadata__: metadata } : {};
  const chunks: number[][] = [];
  let offset = 0;
  for (const [name, dtype, shape] of tensors) {
    const n = shape.reduce((a, b) => a * b, 1) * SIZES[dtype];
    header[name] = { dtype, shape, data_offsets: [offset, offset + n] };
    chunks.push(dtype === 'BOOL' ? Array.from({ length: n }, () => rng.int(2)) : rng.bytes(n));
    offset += n;
  }
  return { header, data: Uint8Array.from(chunks.flat()), pad };
}

function fromWeights(spec: TinyModelSpec, dtype: SafetensorsDtype): StFile {
  const header: { [key: string]: Json } = { __metadata__: { format: 'pt' } };
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [name, { dims, data }] of [...tinyModelWeights(spec)].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const bytes = encodeValues(data, dtype);
    header[name] = { dtype, shape: dims, data_offsets: [offset, offset + bytes.length] };
    parts.push(bytes);
    offset += bytes.length;
  }
  return { header, data: Buffer.concat(parts), pad: true };
}

/** A real file taken apart (it is valid: the project ships it). */
function fromFile(relative: string): StFile {
  const bytes = repoFile(relative);
  const n = Number(bytes.readBigUInt64LE(0));
  return { header: JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as { [key: string]: Json }, data: bytes.subarray(8 + n), pad: false };
}

const MIXED: TensorSpec[] = [
  ['a.F64', 'F64', [2, 2]], ['b.F32', 'F32', [3]], ['c.F16', 'F16', [2, 3]], ['d.BF16', 'BF16', [1, 4]], ['e.I64', 'I64', []],
  ['f.I32', 'I32', [0, 3]], ['g.I16', 'I16', [5]], ['h.I8', 'I8', [2, 2, 2]], ['i.U8', 'U8', [7]], ['j.BOOL', 'BOOL', [3]],
];

function sharded(): StBase {
  const first = generated(11, [['wte.weight', 'F32', [4, 2]], ['wpe.weight', 'F32', [3, 2]]], { format: 'pt' });
  const second = generated(12, [['h.0.ln_1.weight', 'F16', [2]], ['h.0.ln_1.bias', 'BF16', [2]], ['ln_f.weight', 'F32', [2]]], { format: 'pt' });
  const weightMap: { [key: string]: Json } = {};
  [first, second].forEach((f, i) => Object.keys(f.header).filter((k) => k !== '__metadata__').forEach((k) => (weightMap[k] = SHARD_NAMES[i])));
  return { kind: 'sharded', shards: [first, second], index: { metadata: { total_size: first.data.length + second.data.length }, weight_map: weightMap } };
}

/** Base name → how often cases start from it. */
export const SAFETENSORS_BASES: ReadonlyArray<readonly [string, number]> = [
  ['gen:mixed', 20], ['gen:one', 8], ['gen:empty', 3], ['gen:unicode', 6], ['gen:many', 3], ['gen:aligned', 6],
  ['model:gpt2-tiny', 7], ['model:bert-tiny-f16', 5], ['model:gpt2-tiny-bf16', 3], ['file:models/trex-gpt2-kjv/model.safetensors', 1], ['gen:sharded', 12],
];

function makeBase(name: string): StBase {
  const single = (file: StFile): StBase => ({ kind: 'single', file });
  switch (name) {
    case 'gen:mixed': return single(generated(1, MIXED, { format: 'pt', note: 'every dtype' }));
    case 'gen:one': return single(generated(2, [['weight', 'F32', [4, 4]]]));
    case 'gen:empty': return single(generated(3, [], { format: 'pt' }));
    case 'gen:unicode': return single(generated(4, [['é.poids', 'F32', [2]], ['😀', 'U8', [3]], ['a.b.c.d', 'F16', [1]], ['名前', 'I8', [1, 1]]]));
    case 'gen:many': return single(generated(5, Array.from({ length: 300 }, (_, i): TensorSpec => [`layer.${i}.w`, i % 2 ? 'F16' : 'F32', [i % 5, 2]])));
    case 'gen:aligned': return single(generated(6, MIXED.slice(0, 4), { format: 'pt' }, true));
    case 'model:gpt2-tiny': return single(fromWeights(modelBase('gpt2-tiny').tiny as TinyModelSpec, 'F32'));
    case 'model:bert-tiny-f16': return single(fromWeights(modelBase('bert-tiny').tiny as TinyModelSpec, 'F16'));
    case 'model:gpt2-tiny-bf16': return single(fromWeights(modelBase('gpt2-tiny').tiny as TinyModelSpec, 'BF16'));
    case 'gen:sharded': return sharded();
    default:
      if (name.startsWith('file:')) return single(fromFile(name.slice(5)));
      throw new Error(`fuzz: unknown safetensors base ${name}`);
  }
}

export function safetensorsBase(name: string): StBase {
  return once(`st:${name}`, () => makeBase(name));
}

/** The model base a `model:` safetensors base belongs to (the CLI runs the model around it). */
export function modelOfBase(name: string): string | undefined {
  if (name.startsWith('model:gpt2-tiny')) return 'gpt2-tiny';
  if (name.startsWith('model:bert-tiny')) return 'bert-tiny';
  return undefined;
}
