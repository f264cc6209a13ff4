/**
 * Finding and loading tokenizers: the two bundled ones (generated into dist/tokenizers/ by
 * scripts/build-tokenizers.mjs), a tokenizer.json file, or a model folder holding one.
 */
import { existsSync, promises as fs } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { buildTokenizer } from './buildTokenizer';
import { BUNDLED_TOKENIZERS, type BundledTokenizer } from './bundledNames';
import { TokenizerError } from './errors';
import type { TextTokenizer } from './textTokenizer';
import { missingTokenizerMessage, SENTENCEPIECE_FILES, tokenizerJsonFromVocabFiles, vocabFilesIn } from './fromVocabFiles';
import { readJsonFile } from './tokenizerFiles';

/** Files a folder's tokenizer is rebuilt from when it has no tokenizer.json. */
const REBUILT_FROM = ['vocab.txt', 'vocab.json', ...SENTENCEPIECE_FILES];

export { TokenizerError } from './errors';

export { BUNDLED_TOKENIZERS, type BundledTokenizer } from './bundledNames';

const BUNDLED_LABELS: Record<BundledTokenizer, string> = {
  gpt2: 'GPT-2 (byte-level BPE)',
  'bert-base-uncased': 'BERT base uncased (WordPiece)',
};

function isBundled(spec: string): spec is BundledTokenizer {
  return (BUNDLED_TOKENIZERS as readonly string[]).includes(spec);
}

/**
 * The folder holding the bundled tokenizer.json files: `TREX_TOKENIZERS_DIR`, else `tokenizers/`
 * next to this bundle (dist/extension.js, dist/cli.js), else `dist/tokenizers` in a parent folder
 * (compiled tests and benchmarks run from out/).
 */
export function bundledTokenizersDir(): string {
  const candidates: string[] = [];
  if (process.env.TREX_TOKENIZERS_DIR) candidates.push(process.env.TREX_TOKENIZERS_DIR);
  candidates.push(join(__dirname, 'tokenizers'));
  for (let dir = __dirname, i = 0; i < 6; i++, dir = dirname(dir)) candidates.push(join(dir, 'dist', 'tokenizers'));
  const found = candidates.find((d) => existsSync(join(d, 'gpt2.json')));
  if (!found) throw new TokenizerError('the bundled tokenizers are missing — run `npm run build` first');
  return found;
}

/** The tokenizer.json a spec names; throws a TokenizerError saying why not. */
async function resolveFile(spec: string): Promise<string> {
  if (isBundled(spec)) return join(bundledTokenizersDir(), `${spec}.json`);
  const path = resolve(spec);
  let stat;
  try {
    stat = await fs.stat(path);
  } catch {
    const looksLikeName = !/[\\/]/.test(spec) && !spec.endsWith('.json');
    throw new TokenizerError(
      looksLikeName
        ? `unknown tokenizer "${spec}" (bundled: ${BUNDLED_TOKENIZERS.join(', ')}; or give a path to a tokenizer.json or a folder holding one)`
        : `cannot read ${path}: no such file or folder`,
    );
  }
  if (!stat.isDirectory()) return path;
  const inside = join(path, 'tokenizer.json');
  if (existsSync(inside)) return inside;
  // No tokenizer.json: rebuilt from vocab.txt, vocab.json + merges.txt or a SentencePiece model (see load()).
  const vocab = vocabFilesIn(path);
  if (!vocab) throw new TokenizerError(missingTokenizerMessage(path));
  return vocab[0];
}

async function load(spec: string, file: string): Promise<TextTokenizer> {
  if (REBUILT_FROM.includes(basename(file)) && resolve(spec) !== file) {
    const { json } = await tokenizerJsonFromVocabFiles(dirname(file));
    return buildTokenizer(json, { id: spec, source: dirname(file), name: basename(dirname(file)), where: file });
  }
  const json = await readJsonFile(file);
  const bundled = isBundled(spec);
  const folder = basename(file) === 'tokenizer.json' ? basename(dirname(file)) : basename(file, '.json');
  return buildTokenizer(json, {
    id: spec,
    source: bundled ? 'bundled' : file,
    label: bundled ? BUNDLED_LABELS[spec] : undefined,
    name: folder,
    where: bundled ? `bundled ${spec}` : file,
  });
}

const cache = new Map<string, { mtimeMs: number; tokenizer: Promise<TextTokenizer> }>();

/** spec: 'gpt2' | 'bert-base-uncased' | path to a tokenizer.json | path to a model folder holding one. */
export async function loadTokenizer(spec: string): Promise<TextTokenizer> {
  if (typeof spec !== 'string' || spec.trim() === '') {
    throw new TokenizerError(`no tokenizer given (bundled: ${BUNDLED_TOKENIZERS.join(', ')}; or a path to a tokenizer.json)`);
  }
  const file = await resolveFile(spec);
  let mtimeMs = 0;
  try {
    mtimeMs = (await fs.stat(file)).mtimeMs;
  } catch (e) {
    throw new TokenizerError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const key = `${spec}\0${file}`;
  const hit = cache.get(key);
  if (hit && hit.mtimeMs === mtimeMs) return hit.tokenizer;
  const tokenizer = load(spec, file);
  cache.set(key, { mtimeMs, tokenizer });
  tokenizer.catch(() => cache.delete(key));
  return tokenizer;
}
