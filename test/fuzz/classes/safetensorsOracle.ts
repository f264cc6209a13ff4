/**
 * The harness's own reading of the safetensors rules, written apart from the engine's reader: a
 * file the engine opens must pass it, else the engine accepted a file it should have refused.
 */
import { basename } from 'node:path';
import { isPlainObject, type Json } from '../mutate/jsonEdits';

export const ORACLE_DTYPE_SIZES: Readonly<Record<string, number>> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };
const MAX_HEADER = 100_000_000;

export interface OracleTensor {
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/** Tensor name → where it lies (offsets within the data section), and where the data begins; or why the file is invalid. */
export type OracleVerdict = { ok: true; tensors: Map<string, OracleTensor>; dataStart: number } | { ok: false; why: string };

const index = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export function oracleSafetensors(bytes: Uint8Array): OracleVerdict {
  const fail = (why: string): OracleVerdict => ({ ok: false, why });
  if (bytes.length < 8) return fail('shorter than 8 bytes');
  const n = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).readBigUInt64LE(0);
  if (n > BigInt(MAX_HEADER) || n > BigInt(bytes.length - 8)) return fail(`header length ${n} out of the file`);
  const headerBytes = bytes.subarray(8, 8 + Number(n));
  let header: Json;
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
    // The reference implementation refuses a header that does not start with '{' (no BOM, no space).
    if (!text.startsWith('{')) return fail('header does not start with "{"');
    header = JSON.parse(text) as Json;
  } catch {
    return fail('header is not UTF-8 JSON');
  }
  if (!isPlainObject(header)) return fail('header is not an object');
  const dataSize = bytes.length - 8 - Number(n);
  const tensors = new Map<string, OracleTensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isPlainObject(entry) || !Object.values(entry).every((v) => typeof v === 'string')) return fail('__metadata__ is not a map of strings');
      continue;
    }
    if (!isPlainObject(entry)) return fail(`${name}: entry is not an object`);
    const size = typeof entry.dtype === 'string' ? ORACLE_DTYPE_SIZES[entry.dtype] : undefined;
    if (size === undefined || !Object.prototype.hasOwnProperty.call(ORACLE_DTYPE_SIZES, entry.dtype as string)) return fail(`${name}: unknown dtype`);
    const shape = entry.shape;
    if (!Array.isArray(shape) || !shape.every(index)) return fail(`${name}: shape is not a list of non-negative integers`);
    const numel = (shape as number[]).reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(numel) || !Number.isSafeInteger(numel * size)) return fail(`${name}: shape too large`);
    const offsets = entry.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(index)) return fail(`${name}: data_offsets is not a pair of non-negative integers`);
    const [begin, end] = offsets as [number, number];
    if (end < begin || end - begin !== numel * size) return fail(`${name}: byte length is not numel × dtype size (${end - begin} for ${numel} × ${size})`);
    tensors.set(name, { dtype: entry.dtype as string, shape: shape as number[], begin, end });
  }
  let cursor = 0;
  for (const t of [...tensors.values()].sort((a, b) => a.begin - b.begin || a.end - b.end)) {
    if (t.begin !== cursor) return fail(`the tensors do not tile the data section (offset ${t.begin}, expected ${cursor})`);
    cursor = t.end;
  }
  if (cursor !== dataSize) return fail(`the tensors do not cover the data section (${cursor} of ${dataSize} bytes)`);
  return { ok: true, tensors, dataStart: 8 + Number(n) };
}

/** model.safetensors.index.json: its weight map, or why it is invalid. */
export function oracleShardIndex(bytes: Uint8Array, shardsPresent: ReadonlySet<string>): { ok: true; map: Map<string, string> } | { ok: false; why: string } {
  let json: Json;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8')) as Json;
  } catch {
    return { ok: false, why: 'index is not JSON' };
  }
  if (!isPlainObject(json) || !isPlainObject(json.weight_map)) return { ok: false, why: 'no weight_map object' };
  const map = new Map<string, string>();
  for (const [name, file] of Object.entries(json.weight_map)) {
    if (typeof file !== 'string' || file === '' || file === '.' || file === '..' || basename(file) !== file || file.includes('\\')) return { ok: false, why: `weight_map[${name}] is not a file name` };
    if (!shardsPresent.has(file)) return { ok: false, why: `weight_map[${name}] names a missing shard` };
    map.set(name, file);
  }
  if (map.size === 0) return { ok: false, why: 'empty weight_map' };
  return { ok: true, map };
}
