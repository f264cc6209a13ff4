/**
 * A checkpoint's weights, from one `model.safetensors` or from shards listed by
 * `model.safetensors.index.json` (`weight_map`: tensor name → shard file). Each shard is opened
 * once; names resolve across shards; tensors are read on demand and converted to float32.
 */
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { endianness } from 'node:os';
import { DTYPE_BYTES, SafetensorsError, SafetensorsFile, type RawTensor, type SafetensorsDtype, type TensorInfo } from './safetensors';
import { float32ToFloat16Bits } from './safetensorsWriter';
import { oneLine, quoteValue } from '../errorText';

/** A shard index is a few kB to a few MB (one line per tensor); anything far larger is not one. */
export const MAX_SHARD_INDEX_BYTES = 64 << 20;

/** Far more shards than any checkpoint of these families has, and under the usual open-file limit. */
export const MAX_SHARDS = 512;

/** What a model folder holds: one safetensors file, or an index and its shards. */
export type WeightFiles =
  | { readonly kind: 'single'; readonly file: string }
  | { readonly kind: 'sharded'; readonly index: string };

export interface CheckpointTensor extends TensorInfo {
  /** The file holding it. */
  readonly file: string;
}

/** The dtypes weights may be stored in. */
export const FLOAT_DTYPES: readonly SafetensorsDtype[] = ['F32', 'F16', 'BF16', 'F64'];

let halfTable: Float32Array | undefined;

/** float16 bits → float32 value, for all 65,536 patterns (subnormals, ±0, ±inf, NaN). */
function float16Table(): Float32Array {
  if (halfTable) return halfTable;
  halfTable = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0) halfTable[h] = sign * mant * 2 ** -24; // zero and subnormals
    else if (exp === 0x1f) halfTable[h] = mant ? NaN : sign * Infinity;
    else halfTable[h] = sign * (1 + mant / 1024) * 2 ** (exp - 15);
  }
  return halfTable;
}

const littleEndianHost = endianness() === 'LE';

/** The tensor itself, once its bytes are a whole number of elements (the reader guarantees it; other callers may not). */
function wholeElements<T extends Pick<RawTensor, 'dtype' | 'bytes'>>(tensor: T): T {
  const size = DTYPE_BYTES[tensor.dtype];
  if (size === undefined || tensor.bytes.byteLength % size !== 0) {
    throw new SafetensorsError(`${tensor.bytes.byteLength} bytes are not a whole number of ${quoteValue(tensor.dtype)} elements`);
  }
  return tensor;
}

/**
 * A tensor's values as float32: F32 as is (no copy on little-endian hosts), F16/BF16 widened
 * exactly, F64 rounded, integers and booleans converted.
 */
export function toFloat32(tensor: Pick<RawTensor, 'dtype' | 'bytes'>): Float32Array {
  const { dtype, bytes } = wholeElements(tensor);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const aligned = (size: number): boolean => littleEndianHost && bytes.byteOffset % size === 0;
  switch (dtype) {
    case 'F32': {
      if (aligned(4)) return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      const out = new Float32Array(bytes.byteLength / 4);
      for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    }
    case 'F16': {
      const table = float16Table();
      const out = new Float32Array(bytes.byteLength / 2);
      if (aligned(2)) {
        const halves = new Uint16Array(bytes.buffer, bytes.byteOffset, out.length);
        for (let i = 0; i < out.length; i++) out[i] = table[halves[i]];
      } else {
        for (let i = 0; i < out.length; i++) out[i] = table[view.getUint16(i * 2, true)];
      }
      return out;
    }
    case 'BF16': {
      // bfloat16 is the top half of a float32: shifting the bits left by 16 is exact.
      const out = new Float32Array(bytes.byteLength / 2);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < out.length; i++) bits[i] = view.getUint16(i * 2, true) << 16;
      return out;
    }
    default:
      return otherToFloat32(view, dtype);
  }
}

/** F64 and the integer dtypes, element by element straight into the result (no array of numbers in between). */
function otherToFloat32(view: DataView, dtype: Exclude<SafetensorsDtype, 'F32' | 'F16' | 'BF16'>): Float32Array {
  const n = view.byteLength;
  switch (dtype) {
    case 'F64': return fill(n / 8, (i) => view.getFloat64(i * 8, true));
    case 'I64': return fill(n / 8, (i) => Number(view.getBigInt64(i * 8, true)));
    case 'I32': return fill(n / 4, (i) => view.getInt32(i * 4, true));
    case 'I16': return fill(n / 2, (i) => view.getInt16(i * 2, true));
    case 'I8': return fill(n, (i) => view.getInt8(i));
    case 'U8': return fill(n, (i) => view.getUint8(i));
    case 'BOOL': return fill(n, (i) => (view.getUint8(i) ? 1 : 0));
    default: {
      const never: never = dtype;
      throw new SafetensorsError(`cannot convert dtype ${quoteValue(never)} to float32`);
    }
  }
}

function fill(length: number, value: (i: number) => number): Float32Array {
  const out = new Float32Array(Math.floor(length));
  for (let i = 0; i < out.length; i++) out[i] = value(i);
  return out;
}

/**
 * Tensors some checkpoints store that are not learned weights: GPT-2's causal masks
 * (`h.0.attn.bias` [1, 1, P, P], `attn.masked_bias`), BERT's `position_ids`, integer tensors.
 */
export function isStoredBuffer(t: Pick<TensorInfo, 'name' | 'dtype' | 'shape'>): boolean {
  if (!FLOAT_DTYPES.includes(t.dtype)) return true;
  return (/(^|\.)attn\.(bias|masked_bias)$/.test(t.name) && t.shape.length !== 1) || /(^|\.)(position_ids|token_type_ids)$/.test(t.name);
}

/** float32 → float16 bits for every element (F16 tensors are copied as is), for float16 weights on GPU. */
export function toFloat16Bits(tensor: Pick<RawTensor, 'dtype' | 'bytes'>): Uint16Array {
  wholeElements(tensor);
  if (tensor.dtype === 'F16') {
    const { bytes } = tensor;
    const out = new Uint16Array(bytes.byteLength / 2);
    new Uint8Array(out.buffer).set(bytes);
    if (!littleEndianHost) for (let i = 0; i < out.length; i++) out[i] = ((out[i] & 0xff) << 8) | (out[i] >>> 8);
    return out;
  }
  const values = toFloat32(tensor);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32ToFloat16Bits(values[i]);
  return out;
}

/** A float32 tensor by name, in the shape graph builders take. */
export interface Float32Weight {
  dims: number[];
  data: Float32Array;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads `model.safetensors.index.json`: tensor name → shard file name (validated, no paths). */
export async function readShardIndex(index: string): Promise<Map<string, string>> {
  const json = await readIndexJson(index);
  if (!isObject(json) || !isObject(json.weight_map)) throw new SafetensorsError(`${index}: no "weight_map" object`);
  const map = new Map<string, string>();
  const shards = new Set<string>();
  for (const [name, file] of Object.entries(json.weight_map)) {
    if (!isShardName(file)) {
      throw new SafetensorsError(`${index}: weight_map[${quoteValue(name)}] is not a file name in the folder: ${quoteValue(file)}`);
    }
    shards.add(file);
    if (shards.size > MAX_SHARDS) throw new SafetensorsError(`${index}: the weight_map names more than ${MAX_SHARDS} shard files`);
    map.set(name, file);
  }
  if (map.size === 0) throw new SafetensorsError(`${index}: the weight_map is empty`);
  return map;
}

/** A plain file name in the index's folder: no folder part, not `.`/`..`, no control characters, at most 255 characters. */
function isShardName(file: unknown): file is string {
  // eslint-disable-next-line no-control-regex
  return typeof file === 'string' && /^[^\\/\u0000-\u001f]{1,255}$/.test(file) && file !== '.' && file !== '..' && basename(file) === file;
}

async function readIndexJson(index: string): Promise<unknown> {
  try {
    const stats = await fs.stat(index);
    if (!stats.isFile()) throw new SafetensorsError(`${index} is ${stats.isDirectory() ? 'a folder' : 'not a regular file (a device, pipe or socket)'}, not a shard index`);
    const { size } = stats;
    if (size > MAX_SHARD_INDEX_BYTES) throw new SafetensorsError(`${index}: ${size} bytes is too large for a shard index (at most ${MAX_SHARD_INDEX_BYTES})`);
    return JSON.parse(await fs.readFile(index, 'utf8'));
  } catch (e) {
    if (e instanceof SafetensorsError) throw e;
    const why = (e as NodeJS.ErrnoException).code ?? oneLine((e as Error).message, 120);
    throw new SafetensorsError(`cannot read the shard index ${index}: ${why}`);
  }
}

/** An open checkpoint: every tensor's location, reads on demand. Call close() when done. */
export class Checkpoint {
  private constructor(
    private readonly files: readonly SafetensorsFile[],
    private readonly locations: ReadonlyMap<string, SafetensorsFile>,
  ) {}

  static async open(weights: WeightFiles): Promise<Checkpoint> {
    if (weights.kind === 'single') {
      const file = await SafetensorsFile.open(weights.file);
      return new Checkpoint([file], new Map(file.names().map((n) => [n, file])));
    }
    const map = await readShardIndex(weights.index);
    const folder = dirname(weights.index);
    const shardNames = [...new Set(map.values())];
    const opened: SafetensorsFile[] = [];
    try {
      const missing: string[] = [];
      for (const shard of shardNames) {
        try {
          await fs.access(join(folder, shard));
        } catch {
          missing.push(shard);
        }
      }
      if (missing.length > 0) {
        const more = missing.length > 3 ? ` and ${missing.length - 3} more` : '';
        throw new SafetensorsError(`${weights.index} lists shards that are missing from ${folder}: ${missing.slice(0, 3).join(', ')}${more}`);
      }
      const byShard = new Map<string, SafetensorsFile>();
      for (const shard of shardNames) {
        const file = await SafetensorsFile.open(join(folder, shard));
        opened.push(file);
        byShard.set(shard, file);
      }
      const locations = new Map<string, SafetensorsFile>();
      for (const [name, shard] of map) {
        const file = byShard.get(shard) as SafetensorsFile;
        if (!file.has(name)) throw new SafetensorsError(`${weights.index} maps ${quoteValue(name)} to ${shard}, which has no such tensor`);
        locations.set(name, file);
      }
      return new Checkpoint(opened, locations);
    } catch (e) {
      await Promise.all(opened.map((f) => f.close()));
      throw e;
    }
  }

  /** Tensor names: file order for one file, index order for shards. */
  names(): string[] {
    return [...this.locations.keys()];
  }

  has(name: string): boolean {
    return this.locations.has(name);
  }

  /** The shard files (one for an unsharded checkpoint). */
  filePaths(): string[] {
    return this.files.map((f) => f.path);
  }

  info(name: string): CheckpointTensor {
    const file = this.locations.get(name);
    if (!file) throw new SafetensorsError(`the checkpoint has no tensor named ${quoteValue(name)}`);
    return { ...file.info(name), file: file.path };
  }

  async read(name: string): Promise<RawTensor> {
    return (await this.fileOf(name)).read(name);
  }

  /** A weight's values as float32, with its shape; a weight stored as integers or booleans is an error. */
  async readFloat32(name: string): Promise<{ shape: readonly number[]; data: Float32Array }> {
    const info = this.info(name);
    if (!FLOAT_DTYPES.includes(info.dtype)) {
      throw new SafetensorsError(`${info.file}: tensor ${quoteValue(name)} is ${info.dtype}, not a float weight (${FLOAT_DTYPES.join(', ')})`);
    }
    const raw = await this.read(name);
    return { shape: raw.shape, data: toFloat32(raw) };
  }

  /** The first of `prefixes` + `name` stored (`transformer.wte.weight` or `wte.weight`…). */
  resolve(name: string, prefixes: readonly string[] = ['']): string | undefined {
    return prefixes.map((p) => p + name).find((n) => this.locations.has(n));
  }

  /**
   * Every learned weight as float32 (buffers such as causal masks and position ids left out,
   * unless `include` says otherwise), read one tensor at a time.
   */
  async readFloat32Map(include: (t: CheckpointTensor) => boolean = (t) => !isStoredBuffer(t)): Promise<Map<string, Float32Weight>> {
    const map = new Map<string, Float32Weight>();
    for (const name of this.names()) {
      if (!include(this.info(name))) continue;
      const { shape, data } = await this.readFloat32(name);
      map.set(name, { dims: [...shape], data });
    }
    return map;
  }

  async close(): Promise<void> {
    await Promise.all(this.files.map((f) => f.close()));
  }

  private async fileOf(name: string): Promise<SafetensorsFile> {
    const file = this.locations.get(name);
    if (!file) throw new SafetensorsError(`the checkpoint has no tensor named ${quoteValue(name)}`);
    return file;
  }
}
