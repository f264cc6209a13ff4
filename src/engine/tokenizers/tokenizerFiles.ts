/**
 * Reading the files a tokenizer is loaded from (tokenizer.json, vocab.txt, vocab.json,
 * merges.txt, SentencePiece models, the configs beside them). A setting or a workspace can name
 * any path, so each read is guarded:
 *
 *  - only a regular file is opened, and it is checked before the open (opening a named pipe
 *    waits for a writer; /dev/zero never ends), then again on the open handle;
 *  - at most MAX_TOKENIZER_FILE_BYTES are read (real tokenizer.json files stay under ~40 MB);
 *  - text must be UTF-8, as Rust tokenizers requires;
 *  - a JSON error says where (line, column) and why, never what the file holds.
 *
 *   await readJsonFile('/etc/passwd')
 *     → TokenizerError: /etc/passwd is not valid JSON (line 1, column 1: an unexpected character)
 */
import { constants, promises as fs, type Stats } from 'node:fs';
import { TokenizerError } from './errors';
import { jsonSyntaxError } from './jsonSyntax';

/** Largest file read: 128 MiB, three times the largest real tokenizer.json seen. */
export const MAX_TOKENIZER_FILE_BYTES = 128 * 1024 * 1024;

const CHUNK = 1 << 20;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function cannotRead(path: string, e: unknown): TokenizerError {
  return new TokenizerError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
}

function checkRegular(path: string, info: Stats): void {
  if (info.isDirectory()) throw new TokenizerError(`${path} is a folder, not a file`);
  if (!info.isFile()) throw new TokenizerError(`${path} is not a regular file`);
  if (info.size > MAX_TOKENIZER_FILE_BYTES) throw tooBig(path);
}

function tooBig(path: string): TokenizerError {
  return new TokenizerError(`${path} is larger than ${MAX_TOKENIZER_FILE_BYTES / (1024 * 1024)} MiB, the most a tokenizer file may be`);
}

/** The bytes of a regular file of at most MAX_TOKENIZER_FILE_BYTES. */
export async function readBoundedFile(path: string): Promise<Buffer> {
  let info: Stats;
  try {
    info = await fs.stat(path);
  } catch (e) {
    throw cannotRead(path, e);
  }
  checkRegular(path, info);
  let handle: fs.FileHandle;
  try {
    // O_NONBLOCK: should the path have become a pipe since the stat, the open still returns.
    handle = await fs.open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw cannotRead(path, e);
  }
  try {
    checkRegular(path, await handle.stat());
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await handle.read(chunk, 0, CHUNK, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > MAX_TOKENIZER_FILE_BYTES) throw tooBig(path);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } catch (e) {
    if (e instanceof TokenizerError) throw e;
    throw cannotRead(path, e);
  } finally {
    await handle.close();
  }
}

/** A bounded regular file as UTF-8 text. */
export async function readTextFile(path: string): Promise<string> {
  const bytes = await readBoundedFile(path);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new TokenizerError(`${path} is not UTF-8 text`);
  }
}

/** `text` parsed as JSON; a syntax error names `path`, the line and the column. */
export function parseJsonText(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const where = jsonSyntaxError(text);
    throw new TokenizerError(`${path} is not valid JSON${where ? ` (line ${where.line}, column ${where.column}: ${where.reason})` : ''}`);
  }
}

/** A bounded regular UTF-8 file parsed as JSON. */
export async function readJsonFile(path: string): Promise<unknown> {
  return parseJsonText(await readTextFile(path), path);
}
