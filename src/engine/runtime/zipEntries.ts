/**
 * Reads single entries out of a zip file (a .nupkg is one) without loading the archive into
 * memory: the central directory gives each entry's method, sizes, CRC-32 and offset; an entry is
 * streamed through inflate to a file and checked against its size and CRC-32. Stored (0) and
 * deflated (8) entries; no zip64, no encryption (NuGet packages of this size need neither).
 */
import { closeSync, createReadStream, createWriteStream, fstatSync, openSync, readSync } from 'node:fs';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw, crc32 } from 'node:zlib';
import { CudaProviderError } from './cudaProviderErrors';

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc32: number;
  readonly localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function corrupt(file: string, why: string): CudaProviderError {
  return new CudaProviderError('protocol', `${file} is not a readable zip/NuGet package (${why}).`);
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return buffer.subarray(0, done);
}

/** Every entry of the central directory, by name. */
export function listZipEntries(file: string): Map<string, ZipEntry> {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = readAt(fd, size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw corrupt(file, 'no end of central directory');
    const count = tail.readUInt16LE(eocd + 10);
    const directorySize = tail.readUInt32LE(eocd + 12);
    const directoryOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || directoryOffset === 0xffffffff) throw corrupt(file, 'zip64 archives are not supported');
    if (directoryOffset + directorySize > size) throw corrupt(file, 'the central directory lies past the end');
    const directory = readAt(fd, directoryOffset, directorySize);
    const entries = new Map<string, ZipEntry>();
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL) throw corrupt(file, `bad central directory entry ${i}`);
      const nameLength = directory.readUInt16LE(at + 28);
      const extraLength = directory.readUInt16LE(at + 30);
      const commentLength = directory.readUInt16LE(at + 32);
      const entry: ZipEntry = {
        method: directory.readUInt16LE(at + 10),
        crc32: directory.readUInt32LE(at + 16),
        compressedSize: directory.readUInt32LE(at + 20),
        size: directory.readUInt32LE(at + 24),
        localHeaderOffset: directory.readUInt32LE(at + 42),
        name: directory.toString('utf8', at + 46, at + 46 + nameLength),
      };
      if (entry.compressedSize === 0xffffffff || entry.size === 0xffffffff || entry.localHeaderOffset === 0xffffffff) throw corrupt(file, `${entry.name} needs zip64`);
      entries.set(entry.name, entry);
      at += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    closeSync(fd);
  }
}

/** Streams `entry` of `file` to `dest` (created or truncated) and checks its size and CRC-32. */
export async function extractZipEntry(file: string, entry: ZipEntry, dest: string, signal?: AbortSignal): Promise<void> {
  if (entry.method !== 0 && entry.method !== 8) throw corrupt(file, `${entry.name} uses compression method ${entry.method}`);
  const fd = openSync(file, 'r');
  let dataStart: number;
  try {
    const header = readAt(fd, entry.localHeaderOffset, 30);
    if (header.length < 30 || header.readUInt32LE(0) !== LOCAL) throw corrupt(file, `no local header for ${entry.name}`);
    dataStart = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    if (dataStart + entry.compressedSize > fstatSync(fd).size) throw corrupt(file, `${entry.name} lies past the end`);
  } finally {
    closeSync(fd);
  }
  let size = 0;
  let crc = 0;
  const check = new Transform({
    transform(chunk: Buffer, _encoding, callback): void {
      size += chunk.length;
      if (size > entry.size) return callback(corrupt(file, `${entry.name} inflates past its ${entry.size} bytes`));
      crc = crc32(chunk, crc);
      callback(null, chunk);
    },
  });
  const source = entry.compressedSize === 0 ? new PassThrough().end() : createReadStream(file, { start: dataStart, end: dataStart + entry.compressedSize - 1 });
  const cancelled = new CudaProviderError('cancelled', 'Enabling GPU acceleration was cancelled.');
  const onAbort = (): void => void source.destroy(cancelled);
  if (signal?.aborted) throw cancelled;
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await pipeline(source, entry.method === 8 ? createInflateRaw() : new PassThrough(), check, createWriteStream(dest));
  } catch (e) {
    if (signal?.aborted) throw cancelled;
    if (e instanceof CudaProviderError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_') || code.startsWith('ERR_ZLIB')) throw corrupt(file, `${entry.name}: ${(e as Error).message}`);
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (size !== entry.size || crc >>> 0 !== entry.crc32) throw new CudaProviderError('integrity', `${entry.name} in ${file} does not match its CRC-32 or size.`);
}
