/** Where the training pipeline reads and writes, from the repository root. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root: this file is tools/training/paths.ts, or bundled/compiled one or more levels below the root. */
function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'tools', 'training'))) return dir;
    dir = join(dir, '..');
  }
  throw new Error(`cannot find the repository root from ${__dirname}`);
}

export const REPO_ROOT = repoRoot();
export const TRAINING_DIR = join(REPO_ROOT, 'tools', 'training');
export const WORK_DIR = join(TRAINING_DIR, 'work');
export const HELDOUT_FILE = join(TRAINING_DIR, 'heldout-test.tsv');
export const GPT_DIR = join(REPO_ROOT, 'models', 'trex-gpt2-kjv');
export const BERT_DIR = join(REPO_ROOT, 'models', 'trex-bert-kjv');
export const RESULTS_FILE = join(TRAINING_DIR, 'results.json');
/** Both models read at most 128 tokens. */
export const CONTEXT_LENGTH = 128;
