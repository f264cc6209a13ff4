/**
 * Rebuilding a tokenizer.json object from the older files a model folder may hold instead:
 *
 *   vocab.txt                → BERT WordPiece (lower-cased per tokenizer_config.json `do_lower_case`),
 *                              `[CLS] $A [SEP]` template
 *   vocab.json + merges.txt  → byte-level BPE: GPT-2 (ByteLevel post-processor, no special tokens
 *                              added) or RoBERTa (`<s> $A </s>`), told apart by tokenizer_config.json,
 *                              config.json's model_type, or the `<s>`/`</s>` entries of the vocabulary
 *
 *   sentencepiece.bpe.model  → Unigram with the model's Precompiled normalizer, for camembert and
 *                              xlm-roberta (fromSentencePiece.ts); other SentencePiece models are refused
 *
 * The result is what the Hugging Face converters (`BertConverter`, `GPT2Converter`,
 * `RobertaConverter`, `CamembertConverter`, `XLMRobertaConverter`) write for those files.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { quoteValue } from '../errorText';
import { TokenizerError } from './errors';
import { isId } from './jsonFields';
import { readBoundedFile, readJsonFile, readTextFile } from './tokenizerFiles';
import { SENTENCEPIECE_STYLES, sentencePieceStyle, tokenizerJsonFromSentencePiece } from './fromSentencePiece';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A special token as written in tokenizer_config.json / special_tokens_map.json (string or `{ content }`). */
function tokenContent(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (isObject(v) && typeof v.content === 'string') return v.content;
  return undefined;
}

interface AddedToken {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

function addedToken(id: number, content: string, options: { normalized: boolean; lstrip?: boolean }): AddedToken {
  return { id, content, single_word: false, lstrip: options.lstrip ?? false, rstrip: false, normalized: options.normalized, special: true };
}

const byId = (a: AddedToken, b: AddedToken): number => a.id - b.id;

/**
 * vocab.txt lines → token → id (the line number; a repeated token keeps its last line, as in
 * Python). Built with own properties only (Object.fromEntries), so a `__proto__` line is a token.
 */
export function parseVocabTxt(text: string): Record<string, number> {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const vocab = new Map<string, number>();
  lines.forEach((line, id) => vocab.set(line.endsWith('\r') ? line.slice(0, -1) : line, id));
  return Object.fromEntries(vocab);
}

/** vocab.json: token → id, every id an integer from 0 to 2³²−1. */
function vocabJson(json: unknown, where: string): Record<string, number> {
  if (!isObject(json)) throw new TokenizerError(`${where} is not a map of tokens to ids`);
  const entries = Object.entries(json).map(([token, id]): [string, number] => {
    if (!isId(id)) throw new TokenizerError(`${where}: the id of ${quoteValue(token)} is ${quoteValue(id)}, not an integer from 0 to 4294967295`);
    return [token, id];
  });
  return Object.fromEntries(entries);
}

/** The id of `token`: an own entry only (never `constructor` or `toString` from Object's prototype). */
function idIn(vocab: Record<string, number>, token: string): number | undefined {
  return Object.hasOwn(vocab, token) ? vocab[token] : undefined;
}

/** merges.txt → `"a b"` merges in rank order (the `#version` line and blank lines skipped). */
export function parseMergesTxt(text: string, where = 'merges.txt'): string[] {
  const merges: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '' || (i === 0 && line.startsWith('#version'))) return;
    if (line.split(' ').length !== 2) throw new TokenizerError(`${where}: line ${i + 1} is not a merge "a b": ${quoteValue(line)}`);
    merges.push(line);
  });
  return merges;
}

export interface WordPieceOptions {
  lowercase: boolean;
  /** null: strip accents when lower-casing (BERT's default). */
  stripAccents: boolean | null;
  handleChineseChars: boolean;
  special: { unk: string; cls: string; sep: string; pad: string; mask: string };
}

export const BERT_SPECIAL_TOKENS: WordPieceOptions['special'] = { unk: '[UNK]', cls: '[CLS]', sep: '[SEP]', pad: '[PAD]', mask: '[MASK]' };

/** BERT's tokenizer.json for a vocab.txt. */
export function wordPieceTokenizerJson(vocab: Record<string, number>, options: WordPieceOptions, where = 'vocab.txt'): Json {
  const { unk, cls, sep, pad, mask } = options.special;
  const idOf = (token: string): number => {
    const id = idIn(vocab, token);
    if (id === undefined) throw new TokenizerError(`${where} has no ${token} token`);
    return id;
  };
  const [clsId, sepId] = [idOf(cls), idOf(sep)];
  idOf(unk);
  const added = [pad, unk, cls, sep, mask]
    .flatMap((t) => {
      const id = idIn(vocab, t);
      return id === undefined ? [] : [addedToken(id, t, { normalized: false })];
    })
    .sort(byId);
  const special = (id: string, typeId: number) => ({ SpecialToken: { id, type_id: typeId } });
  const sequence = (id: string, typeId: number) => ({ Sequence: { id, type_id: typeId } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: options.handleChineseChars, strip_accents: options.stripAccents, lowercase: options.lowercase },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special(cls, 0), sequence('A', 0), special(sep, 0)],
      pair: [special(cls, 0), sequence('A', 0), special(sep, 0), sequence('B', 1), special(sep, 1)],
      special_tokens: {
        [cls]: { id: cls, ids: [clsId], tokens: [cls] },
        [sep]: { id: sep, ids: [sepId], tokens: [sep] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: unk, continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}

export type ByteLevelStyle = 'gpt2' | 'roberta';

/** GPT-2's or RoBERTa's tokenizer.json for vocab.json + merges.txt. */
export function byteLevelBpeTokenizerJson(vocab: Record<string, number>, merges: string[], style: ByteLevelStyle, addPrefixSpace = false, where = 'vocab.json'): Json {
  for (const m of merges) {
    if (!Object.hasOwn(vocab, m.replace(' ', ''))) throw new TokenizerError(`${where}: the merge ${quoteValue(m)} makes a token missing from the vocabulary`);
  }
  const byteLevel = { add_prefix_space: addPrefixSpace, trim_offsets: true, use_regex: true };
  const model = { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges };
  const common = { version: '1.0', truncation: null, padding: null, normalizer: null, pre_tokenizer: { type: 'ByteLevel', ...byteLevel }, decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true }, model };
  if (style === 'gpt2') {
    const eos = idIn(vocab, '<|endoftext|>');
    return {
      ...common,
      added_tokens: eos === undefined ? [] : [addedToken(eos, '<|endoftext|>', { normalized: true })],
      post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    };
  }
  const idOf = (token: string): number => {
    const id = idIn(vocab, token);
    if (id === undefined) throw new TokenizerError(`${where} has no ${token} token (needed by a RoBERTa tokenizer)`);
    return id;
  };
  const [bos, eos] = [idOf('<s>'), idOf('</s>')];
  const added = (['<s>', '<pad>', '</s>', '<unk>', '<mask>'] as const)
    .flatMap((t) => {
      const id = idIn(vocab, t);
      return id === undefined ? [] : [addedToken(id, t, { normalized: t !== '<mask>', lstrip: t === '<mask>' })];
    })
    .sort(byId);
  return {
    ...common,
    added_tokens: added,
    post_processor: { type: 'RobertaProcessing', sep: ['</s>', eos], cls: ['<s>', bos], trim_offsets: true, add_prefix_space: addPrefixSpace },
  };
}

async function readJson(path: string): Promise<Json | undefined> {
  if (!existsSync(path)) return undefined;
  const json = await readJsonFile(path);
  if (!isObject(json)) throw new TokenizerError(`${path} is not a JSON object`);
  return json;
}

export const SENTENCEPIECE_FILES = ['sentencepiece.bpe.model', 'spiece.model', 'tokenizer.model', 'sentencepiece.model'];

/** The vocabulary files a folder without tokenizer.json could be rebuilt from, if any. */
export function vocabFilesIn(dir: string): string[] | undefined {
  if (existsSync(join(dir, 'vocab.txt'))) return [join(dir, 'vocab.txt')];
  if (existsSync(join(dir, 'vocab.json')) && existsSync(join(dir, 'merges.txt'))) return [join(dir, 'vocab.json'), join(dir, 'merges.txt')];
  const sp = SENTENCEPIECE_FILES.find((f) => existsSync(join(dir, f)));
  return sp ? [join(dir, sp)] : undefined;
}

/** Why a folder has no usable tokenizer (no tokenizer.json, no vocabulary files). */
export function missingTokenizerMessage(dir: string): string {
  return `no tokenizer.json in the folder ${dir} (nor vocab.txt, vocab.json with merges.txt, or sentencepiece.bpe.model)`;
}

/** A camembert / xlm-roberta SentencePiece model → its tokenizer.json; other families are refused. */
async function fromSentencePieceFile(dir: string, file: string, tokenizerClass: unknown): Promise<Json> {
  const modelType = (await readJson(join(dir, 'config.json')))?.model_type;
  const style = sentencePieceStyle(modelType, tokenizerClass);
  if (!style) {
    const family = typeof modelType === 'string' ? `model_type "${modelType}"` : 'a folder without config.json model_type';
    throw new TokenizerError(`${file}: a tokenizer is rebuilt from a SentencePiece model only for ${SENTENCEPIECE_STYLES.join(' and ')}, not ${family} — add the model's tokenizer.json`);
  }
  return tokenizerJsonFromSentencePiece(await readBoundedFile(file), style, file);
}

/**
 * The tokenizer.json object rebuilt from a folder's vocabulary files. Throws a TokenizerError
 * when the folder holds none, or a SentencePiece model of a family not rebuilt here.
 */
export async function tokenizerJsonFromVocabFiles(dir: string): Promise<{ json: Json; sources: string[] }> {
  const sources = vocabFilesIn(dir);
  if (!sources) throw new TokenizerError(`no tokenizer in ${dir}: expected tokenizer.json, vocab.txt, vocab.json with merges.txt, or sentencepiece.bpe.model`);
  const tokConfig = (await readJson(join(dir, 'tokenizer_config.json'))) ?? {};
  if (SENTENCEPIECE_FILES.some((f) => sources[0] === join(dir, f))) return { json: await fromSentencePieceFile(dir, sources[0], tokConfig.tokenizer_class), sources };
  const specialMap = (await readJson(join(dir, 'special_tokens_map.json'))) ?? {};
  const special = (key: string, fallback: string): string => tokenContent(specialMap[key]) ?? tokenContent(tokConfig[key]) ?? fallback;
  const flag = (key: string, fallback: boolean): boolean => {
    const value = tokConfig[key];
    return typeof value === 'boolean' ? value : fallback;
  };
  if (sources.length === 1) {
    const vocab = parseVocabTxt(await readTextFile(sources[0]));
    const stripAccents = typeof tokConfig.strip_accents === 'boolean' ? tokConfig.strip_accents : null;
    return {
      json: wordPieceTokenizerJson(vocab, {
        lowercase: flag('do_lower_case', true),
        stripAccents,
        handleChineseChars: flag('tokenize_chinese_chars', true),
        special: { unk: special('unk_token', '[UNK]'), cls: special('cls_token', '[CLS]'), sep: special('sep_token', '[SEP]'), pad: special('pad_token', '[PAD]'), mask: special('mask_token', '[MASK]') },
      }, sources[0]),
      sources,
    };
  }
  const vocab = vocabJson(await readJsonFile(sources[0]), sources[0]);
  const merges = parseMergesTxt(await readTextFile(sources[1]), sources[1]);
  const modelType = (await readJson(join(dir, 'config.json')))?.model_type;
  const tokenizerClass = typeof tokConfig.tokenizer_class === 'string' ? tokConfig.tokenizer_class : '';
  const roberta = /roberta|camembert/i.test(tokenizerClass) || (typeof modelType === 'string' && /roberta|camembert/.test(modelType))
    || (!/gpt2/i.test(tokenizerClass) && modelType !== 'gpt2' && Object.hasOwn(vocab, '<s>') && Object.hasOwn(vocab, '</s>'));
  const json = byteLevelBpeTokenizerJson(vocab, merges, roberta ? 'roberta' : 'gpt2', flag('add_prefix_space', false), sources[0]);
  return { json, sources };
}
