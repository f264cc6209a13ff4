/** The project's own files that cases start from, read once per process. */
import { readFileSync } from 'node:fs';
import { repoPath } from './paths';
import type { Json } from './mutate/jsonEdits';

const files = new Map<string, Buffer>();
const parsed = new Map<string, Json>();

/** A file of the repository (e.g. `models/trex-gpt2-kjv/tokenizer.json`), cached. */
export function repoFile(relative: string): Buffer {
  let bytes = files.get(relative);
  if (!bytes) {
    bytes = readFileSync(repoPath(relative));
    files.set(relative, bytes);
  }
  return bytes;
}

/** A JSON file of the repository, parsed once (callers must not change it: edits copy on write). */
export function repoJson(relative: string): Json {
  let value = parsed.get(relative);
  if (value === undefined) {
    value = JSON.parse(repoFile(relative).toString('utf8')) as Json;
    parsed.set(relative, value);
  }
  return value;
}

/** A value computed once per process under `key`. */
const memo = new Map<string, unknown>();
export function once<T>(key: string, make: () => T): T {
  if (!memo.has(key)) memo.set(key, make());
  return memo.get(key) as T;
}
