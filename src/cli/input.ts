/**
 * The text a trex command works on: its positional arguments, else all of stdin. Stdin is read as
 * a stream (a pipe can be non-blocking: a synchronous read of fd 0 fails with EAGAIN while the
 * writer is still writing), whole, and at most MAX_INPUT_BYTES — more is refused with one line.
 */
import { fstatSync } from 'node:fs';
import { UsageError } from './args';
import { InputError } from './userErrors';

/** 16 MiB: about 16 s of tokenizing; a bigger text is better split. */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/** All of `stream` as UTF-8, refusing more than `maxBytes`. */
export async function readAll(stream: NodeJS.ReadableStream, maxBytes = MAX_INPUT_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    total += bytes.length;
    if (total > maxBytes) {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw new InputError(`stdin holds more than ${maxBytes / (1024 * 1024)} MiB: give a smaller text, or split it`);
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

/** The positional words joined by spaces, else stdin (a terminal is refused: nothing was piped). */
export async function readText(positional: readonly string[], what: string): Promise<string> {
  if (positional.length > 0) return positional.join(' ');
  if (process.stdin.isTTY) throw new UsageError(`no ${what}: give it as an argument or on stdin`);
  if (isFolder(0)) throw new InputError(`stdin is a folder, not a text: give the ${what} as an argument or redirect a file`);
  return readAll(process.stdin);
}

function isFolder(fd: number): boolean {
  try {
    return fstatSync(fd).isDirectory();
  } catch {
    return false; // no stdin at all: read as empty
  }
}
