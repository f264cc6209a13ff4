/**
 * A safetensors reader that trusts nothing it reads. The format (huggingface/safetensors):
 *
 *   [8 bytes: N, little-endian u64] [N bytes: UTF-8 JSON header] [data section]
 *
 * The header maps each tensor name to `{ dtype, shape, data_offsets: [begin, end] }` (offsets
 * relative to the data section) plus an optional `__metadata__` string→string map. Like the
 * reference implementation, the tensors must tile the data section exactly: sorted by offset,
 * each begins where the previous one ended, the last ends at the end of the file, and each holds
 * numel × dtype-size bytes. Tensor bytes are read on demand with positional reads of just their
 * range, so a 500 MB checkpoint is never copied whole.
 */
import { constants as bufferConstants } from 'node:buffer';
import { promises as fs } from 'node:fs';
import { oneLine, quoteValue } from '../errorText';

export const SAFETENSORS_DTYPES = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL'] as const;
export type SafetensorsDtype = (typeof SAFETENSORS_DTYPES)[number];

/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Readonly<Record<SafetensorsDtype, number>> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1,
};

/** Same bound as the reference implementation: a header over 100 MB is not a real checkpoint. */
export const MAX_HEADER_BYTES = 100_000_000;

/** A one-line problem with a safetensors file or a checkpoint; the message names the file. */
export class SafetensorsError extends Error {
  constructor(message: string) {
    super(oneLine(message));
    this.name = 'SafetensorsError';
  }
}

/** Where one tensor lies in its file. */
export interface TensorInfo {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** Number of elements (product of the shape; 1 for a scalar). */
  readonly numel: number;
  /** Absolute position of the first byte in the file. */
  readonly fileOffset: number;
  readonly byteLength: number;
}

/** A tensor's bytes, exactly as stored (little-endian). */
export interface RawTensor {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly bytes: Uint8Array;
}

export interface SafetensorsHeader {
  readonly metadata: Readonly<Record<string, string>>;
  /** In file order (by offset). */
  readonly tensors: readonly TensorInfo[];
  /** 8 + header length: where the data section begins. */
  readonly dataStart: number;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isDtype(v: unknown): v is SafetensorsDtype {
  return typeof v === 'string' && (SAFETENSORS_DTYPES as readonly string[]).includes(v);
}

function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Checks the 8-byte length prefix against the file size; returns the header length N.
 * `prefix` must hold the first 8 bytes (or all of a shorter file).
 */
export function headerLength(prefix: Uint8Array, fileSize: number, where: string): number {
  if (fileSize < 8 || prefix.length < 8) {
    throw new SafetensorsError(`${where}: not a safetensors file (${fileSize} bytes, shorter than the 8-byte header length)`);
  }
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError(`${where}: header length ${n} is larger than the ${MAX_HEADER_BYTES}-byte limit (not a safetensors file?)`);
  }
  if (n > BigInt(fileSize - 8)) {
    throw new SafetensorsError(`${where}: header length ${n} points past the end of the file (${fileSize} bytes; truncated?)`);
  }
  if (n < 2n) throw new SafetensorsError(`${where}: header length ${n} is too short for a JSON object`);
  return Number(n);
}

/** Parses and validates the JSON header; `fileSize` bounds every tensor's bytes. */
export function parseHeader(headerBytes: Uint8Array, fileSize: number, where: string): SafetensorsHeader {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch {
    throw new SafetensorsError(`${where}: the header is not valid UTF-8 (not a safetensors file?)`);
  }
  if (!text.startsWith('{')) throw new SafetensorsError(`${where}: the header does not start with "{" (not a safetensors file?)`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError(`${where}: the header is not valid JSON (${oneLine((e as Error).message, 120)})`);
  }
  if (!isObject(json)) throw new SafetensorsError(`${where}: the header is not a JSON object`);
  const dataStart = 8 + headerBytes.length;
  const dataSize = fileSize - dataStart;
  const metadata: Record<string, string> = {};
  const tensors: TensorInfo[] = [];
  const ranges: Array<{ name: string; begin: number; end: number }> = [];
  for (const [name, entry] of Object.entries(json)) {
    if (name === '__metadata__') {
      if (!isObject(entry)) throw new SafetensorsError(`${where}: __metadata__ is not an object`);
      for (const [k, v] of Object.entries(entry)) {
        if (typeof v !== 'string') throw new SafetensorsError(`${where}: __metadata__.${quoteKey(k)} is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    const bad = (what: string): SafetensorsError => new SafetensorsError(`${where}: tensor ${quoteValue(name)}: ${what}`);
    if (!isObject(entry)) throw bad('entry is not an object');
    if (!isDtype(entry.dtype)) throw bad(`unsupported dtype ${quoteValue(entry.dtype)} (supported: ${SAFETENSORS_DTYPES.join(', ')})`);
    const shape = entry.shape;
    if (!Array.isArray(shape) || !shape.every(isIndex)) throw bad(`shape ${quoteValue(shape)} is not a list of non-negative integers`);
    const numel = (shape as number[]).reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(numel)) throw bad(`shape ${quoteValue(shape)} is too large`);
    const offsets = entry.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) {
      throw bad(`data_offsets ${quoteValue(offsets)} is not a pair of non-negative integers`);
    }
    const [begin, end] = offsets as [number, number];
    if (end < begin) throw bad(`data_offsets [${begin}, ${end}] end before they begin`);
    if (end > dataSize) throw bad(`data_offsets [${begin}, ${end}] point past the end of the file (data section: ${dataSize} bytes; truncated?)`);
    const expected = numel * DTYPE_BYTES[entry.dtype];
    if (end - begin !== expected) {
      throw bad(`holds ${end - begin} bytes but shape ${quoteValue(shape)} of ${entry.dtype} needs ${expected}`);
    }
    ranges.push({ name, begin, end });
    tensors.push({ name, dtype: entry.dtype, shape: [...(shape as number[])], numel, fileOffset: dataStart + begin, byteLength: expected });
  }
  ranges.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const r of ranges) {
    if (r.begin < cursor) throw new SafetensorsError(`${where}: tensor ${quoteValue(r.name)} overlaps the tensor before it (offset ${r.begin} < ${cursor})`);
    if (r.begin > cursor) throw new SafetensorsError(`${where}: gap in the data section before tensor ${quoteValue(r.name)} (offset ${r.begin}, expected ${cursor})`);
    cursor = r.end;
  }
  if (cursor !== dataSize) {
    throw new SafetensorsError(`${where}: the tensors cover ${cursor} of the ${dataSize} data bytes (truncated or padded file?)`);
  }
  tensors.sort((a, b) => a.fileOffset - b.fileOffset);
  return { metadata, tensors, dataStart };
}

/** Largest single read (fs reads take at most 2 GiB − 1). */
const READ_CHUNK = 1 << 30;

async function readExactly(handle: fs.FileHandle, position: number, length: number, where: string): Promise<Uint8Array> {
  if (length > bufferConstants.MAX_LENGTH) throw new SafetensorsError(`${where}: a ${length}-byte read is larger than this Node.js can hold in one buffer`);
  // Its own ArrayBuffer (offset 0, so typed-array views are aligned), not zero-filled: every byte is read over.
  const bytes = new Uint8Array(Buffer.allocUnsafeSlow(length).buffer, 0, length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(bytes, done, Math.min(length - done, READ_CHUNK), position + done);
    if (bytesRead === 0) throw new SafetensorsError(`${where}: unexpected end of file at byte ${position + done} (file changed while reading?)`);
    done += bytesRead;
  }
  return bytes;
}

function notAFile(path: string, stats: { isDirectory(): boolean }): string {
  return `${path} is not a file (a ${stats.isDirectory() ? 'folder' : 'device, pipe or socket'})`;
}

/** A key of __metadata__ as a path segment: bare when it is a plain name, else quoted. */
function quoteKey(key: string): string {
  return /^[\w.-]{1,80}$/.test(key) ? key : quoteValue(key);
}

/** A read that failed with a system error (EISDIR, EIO…) as a one-line SafetensorsError naming the file. */
async function orSafetensorsError<T>(where: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof SafetensorsError) throw e;
    throw new SafetensorsError(`cannot read ${where}: ${(e as NodeJS.ErrnoException).code ?? oneLine((e as Error).message, 120)}`);
  }
}

/** An open safetensors file: the validated header in memory, tensor bytes read on demand. */
export class SafetensorsFile {
  private readonly byName: ReadonlyMap<string, TensorInfo>;

  private constructor(
    readonly path: string,
    readonly fileSize: number,
    readonly header: SafetensorsHeader,
    private handle: fs.FileHandle | undefined,
  ) {
    this.byName = new Map(header.tensors.map((t) => [t.name, t]));
  }

  /** Opens and validates `path`; throws a SafetensorsError naming the first problem. */
  static async open(path: string): Promise<SafetensorsFile> {
    let handle: fs.FileHandle;
    try {
      // Checked before opening: opening a named pipe blocks until a writer comes, possibly for ever.
      const stats = await fs.stat(path);
      if (!stats.isFile()) throw new SafetensorsError(notAFile(path, stats));
      handle = await fs.open(path, 'r');
    } catch (e) {
      if (e instanceof SafetensorsError) throw e;
      throw new SafetensorsError(`cannot open ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    try {
      const stats = await orSafetensorsError(path, () => handle.stat());
      if (!stats.isFile()) throw new SafetensorsError(notAFile(path, stats)); // replaced since the check above
      const { size } = stats;
      const prefix = await orSafetensorsError(path, () => readExactly(handle, 0, Math.min(8, size), path));
      const n = headerLength(prefix, size, path);
      const header = parseHeader(await orSafetensorsError(path, () => readExactly(handle, 8, n, path)), size, path);
      return new SafetensorsFile(path, size, header, handle);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  get metadata(): Readonly<Record<string, string>> {
    return this.header.metadata;
  }

  /** Tensor names in file order. */
  names(): string[] {
    return this.header.tensors.map((t) => t.name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  info(name: string): TensorInfo {
    const info = this.byName.get(name);
    if (!info) throw new SafetensorsError(`${this.path}: no tensor named ${quoteValue(name)}`);
    return info;
  }

  /** Reads one tensor's bytes (a fresh, 8-byte-aligned buffer). */
  async read(name: string): Promise<RawTensor> {
    const info = this.info(name);
    const handle = this.handle;
    if (!handle) throw new SafetensorsError(`${this.path}: read ${quoteValue(name)} after close()`);
    const bytes = await orSafetensorsError(this.path, () => readExactly(handle, info.fileOffset, info.byteLength, this.path));
    return { name, dtype: info.dtype, shape: info.shape, bytes };
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }
}
