/**
 * Step 1 of the training pipeline (see README.md): the split, the two tokenizers (learned with the
 * engine's BPE trainer on the training split), a check that the engine and the Rust `tokenizers`
 * package read them identically, and the token ids PyTorch trains and evaluates on.
 *
 * Writes models/trex-{gpt2,bert}-kjv/tokenizer.json + tokenizer_config.json,
 * tools/training/heldout-test.tsv (committed) and tools/training/work/* (ignored).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTokenizer } from '../../src/engine/tokenizers/load';
import type { TextTokenizer } from '../../src/engine/tokenizers/textTokenizer';
import { bertTokenizer, gptTokenizer, END_OF_TEXT, type LearnedVocabulary } from './bpeVocabularies';
import { readBible, splitVerses, versesToTsv, SPLIT_SEED } from './corpus';
import { fillMaskItems, perplexityItems } from './evalItems';
import { CONTEXT_LENGTH, GPT_DIR, BERT_DIR, HELDOUT_FILE, WORK_DIR } from './paths';

interface RustEncoding {
  getIds(): number[];
  getOffsets(): number[][];
}
interface RustTokenizer {
  encode(text: string, pair: string | null, options: { addSpecialTokens: boolean }): Promise<RustEncoding>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rust = require('tokenizers') as { Tokenizer: { fromFile(path: string): RustTokenizer } };

function writeJson(path: string, value: unknown, pretty = false): void {
  writeFileSync(path, pretty ? `${JSON.stringify(value, null, 2)}\n` : JSON.stringify(value));
}

function writeTokenizer(dir: string, learned: LearnedVocabulary, config: Record<string, unknown>): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'tokenizer.json');
  writeJson(path, learned.tokenizerJson, true);
  writeJson(join(dir, 'tokenizer_config.json'), config, true);
  return path;
}

/** Our engine and the Rust library must give the same ids and offsets on every verse (ASCII text: offsets agree as they are). */
async function compareWithRust(name: string, path: string, ours: TextTokenizer, texts: readonly string[], special: boolean): Promise<void> {
  const reference = rust.Tokenizer.fromFile(path);
  for (const text of texts) {
    const a = ours.encode(text, { special }).tokens;
    const b = await reference.encode(text, null, { addSpecialTokens: special });
    const ids = b.getIds();
    const offsets = b.getOffsets();
    const same = a.length === ids.length && a.every((t, i) => t.id === ids[i] && t.start === offsets[i][0] && t.end === offsets[i][1]);
    if (!same) throw new Error(`${name}: the engine and Rust tokenizers differ on ${JSON.stringify(text)}`);
  }
  console.log(`prepare: ${name}: engine = Rust tokenizers on ${texts.length} texts`);
}

async function main(): Promise<void> {
  mkdirSync(WORK_DIR, { recursive: true });
  const verses = readBible();
  const split = splitVerses(verses);
  console.log(`prepare: ${verses.length} verses → train ${split.train.length}, validation ${split.validation.length}, test ${split.test.length} (seed ${SPLIT_SEED})`);
  for (const part of ['train', 'validation', 'test'] as const) writeFileSync(join(WORK_DIR, `${part}.tsv`), versesToTsv(split[part]));
  writeFileSync(HELDOUT_FILE, versesToTsv(split.test));

  const trainTexts = split.train.map((v) => v.text);
  let t0 = Date.now();
  const gpt = gptTokenizer(trainTexts);
  console.log(`prepare: GPT byte-level BPE: ${gpt.learned.merges.length} merges, vocabulary ${gpt.vocabSize} (${Date.now() - t0} ms)`);
  t0 = Date.now();
  const bert = bertTokenizer(trainTexts);
  console.log(`prepare: BERT WordPiece: ${bert.learned.merges.length} merges, vocabulary ${bert.vocabSize} (${Date.now() - t0} ms)`);
  const gptPath = writeTokenizer(GPT_DIR, gpt, {
    tokenizer_class: 'GPT2Tokenizer', model_max_length: CONTEXT_LENGTH, add_prefix_space: false,
    bos_token: END_OF_TEXT, eos_token: END_OF_TEXT, unk_token: END_OF_TEXT,
  });
  const bertPath = writeTokenizer(BERT_DIR, bert, {
    tokenizer_class: 'BertTokenizer', model_max_length: CONTEXT_LENGTH, do_lower_case: true,
    pad_token: '[PAD]', unk_token: '[UNK]', cls_token: '[CLS]', sep_token: '[SEP]', mask_token: '[MASK]',
  });

  const gptTok = await loadTokenizer(gptPath);
  const bertTok = await loadTokenizer(bertPath);
  const all = verses.map((v) => v.text);
  await compareWithRust('GPT', gptPath, gptTok, [...all, ...split.test.slice(0, 200).map((v) => END_OF_TEXT + v.text)], false);
  await compareWithRust('BERT', bertPath, bertTok, all, true);

  const ids = (tok: TextTokenizer, list: typeof split.train): number[][] => list.map((v) => tok.encode(v.text).tokens.map((t) => t.id));
  const data = (tok: TextTokenizer) => ({ train: ids(tok, split.train), validation: ids(tok, split.validation) });
  const eot = gptTok.encode(END_OF_TEXT).tokens[0].id;
  const specials = Object.fromEntries(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((t) => [t, bertTok.encode(t).tokens[0].id]));
  writeJson(join(WORK_DIR, 'gpt-data.json'), { vocabSize: gpt.vocabSize, eot, ...data(gptTok) });
  writeJson(join(WORK_DIR, 'bert-data.json'), { vocabSize: bert.vocabSize, specials, ...data(bertTok) });

  const testTexts = split.test.map((v) => v.text);
  const ppl = perplexityItems(gptTok, testTexts, CONTEXT_LENGTH);
  const fill = fillMaskItems(bertTok, testTexts, CONTEXT_LENGTH);
  for (const item of fill) {
    if (item.ids[item.position] !== specials['[MASK]']) throw new Error(`fill-mask item: [MASK] is not at ${item.position} in ${item.text}`);
  }
  writeJson(join(WORK_DIR, 'eval-items.json'), { perplexity: ppl.items.map((i) => i.ids), perplexitySkipped: ppl.skipped, fillMask: fill.map(({ ids, position, target }) => ({ ids, position, target })) });
  const count = (d: number[][]): number => d.reduce((s, v) => s + v.length, 0);
  console.log(`prepare: GPT tokens train ${count(data(gptTok).train)}; BERT tokens train ${count(data(bertTok).train)}; ` +
    `held-out: ${ppl.items.length} perplexity verses (${ppl.skipped} too long), ${fill.length} fill-mask items`);
  console.log(`prepare: "In the beginning God created" → GPT ${JSON.stringify(gptTok.encode('In the beginning God created').tokens.map((t) => t.token))}, ` +
    `BERT ${JSON.stringify(bertTok.encode('In the beginning God created').tokens.map((t) => t.token))}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
