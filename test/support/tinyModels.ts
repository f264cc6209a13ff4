/** Shared by the tasks tests: tiny random-weight model folders with the real tokenizers, in temp dirs. */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyModelFolder, type TinyModelSpec } from './tinyModelFolder';
import { readFixture } from './graphGolden';
import { REPO_ROOT } from './repoRoot';

export type TinySpec = TinyModelSpec & { text: string; inputs: unknown; logitColumns: number[] };

/** The committed spec of the tiny GPT-2 / BERT checked against the PyTorch golden files. */
export function tinySpec(name: 'gpt2' | 'bert'): TinySpec {
  return readFixture<TinySpec>(`${name}-real-vocab.spec.json`);
}

/** Writes the tiny model `name` (config, weights, the bundled real tokenizer) into a new temp folder. */
export function tinyModelDir(name: 'gpt2' | 'bert', parent?: string): string {
  const dir = parent ?? mkdtempSync(join(tmpdir(), `trex-tasks-${name}-`));
  writeTinyModelFolder(dir, tinySpec(name));
  copyFileSync(join(REPO_ROOT, 'dist', 'tokenizers', name === 'gpt2' ? 'gpt2.json' : 'bert-base-uncased.json'), join(dir, 'tokenizer.json'));
  return dir;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
