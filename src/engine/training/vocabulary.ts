/**
 * Tokenizers learned from scratch on a training text with the engine's own BPE trainer
 * (`learnBpeFromWords`, the algorithm behind "Learn BPE from Selection"), as Hugging Face
 * tokenizer.json files — for the built-in models (tools/training/) and for *Train a Model from
 * Scratch* / `trex train`:
 *
 * - GPT: byte-level BPE exactly like GPT-2's — words are GPT-2's regex pieces of each text as
 *   byte characters (`Ġthe`); vocabulary = the 256 bytes, then every merge, then `<|endoftext|>`.
 * - BERT: a WordPiece vocabulary from BPE merges — words are the BERT pre-tokenizer's pieces of the
 *   lowercased verse, each marked with `▁` at its start; a learned symbol `▁xy` becomes the
 *   word-initial piece `xy`, any other symbol `xy` the continuation piece `##xy`. Vocabulary =
 *   [PAD] [UNK] [CLS] [SEP] [MASK], the characters (both forms), then the merged pieces.
 */
import { BYTE_TO_CHAR, gpt2Regex } from '../tokenizers/byteLevel';
import { learnBpeFromWords, type CountedWord } from '../tokenizers/learnBpe';
import type { LearnBpeResult } from '../tokenizers/types';

export const END_OF_TEXT = '<|endoftext|>';
export const BERT_SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
const WORD_START = '▁';

function counted(pieces: Iterable<string>): CountedWord[] {
  const counts = new Map<string, number>();
  for (const p of pieces) counts.set(p, (counts.get(p) ?? 0) + 1);
  return [...counts].map(([word, count]) => ({ word, count }));
}

const encoder = new TextEncoder();

function byteLevel(piece: string): string {
  let s = '';
  for (const b of encoder.encode(piece)) s += BYTE_TO_CHAR[b];
  return s;
}

function* gptWords(texts: readonly string[]): Generator<string> {
  const re = gpt2Regex();
  for (const text of texts) for (const m of text.matchAll(re)) yield byteLevel(m[0]);
}

export interface LearnedVocabulary {
  tokenizerJson: Record<string, unknown>;
  vocabSize: number;
  learned: LearnBpeResult;
}

export function gptTokenizer(texts: readonly string[], merges: number): LearnedVocabulary {
  const learned = learnBpeFromWords(counted(gptWords(texts)), { merges });
  const vocab: Record<string, number> = {};
  let next = 0;
  const add = (t: string): void => {
    if (!(t in vocab)) vocab[t] = next++;
  };
  BYTE_TO_CHAR.forEach(add);
  for (const m of learned.merges) add(m.merged);
  const eot = next;
  add(END_OF_TEXT);
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [{ id: eot, content: END_OF_TEXT, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '',
      fuse_unk: false, byte_fallback: false, ignore_merges: false,
      vocab,
      merges: learned.merges.map((m) => `${m.pair[0]} ${m.pair[1]}`),
    },
  };
  return { tokenizerJson, vocabSize: next, learned };
}

/** BERT's punctuation: ASCII punctuation or a Unicode P* character. */
const PUNCTUATION = /\p{P}|[!-/:-@[-`{-~]/u;

/** BertNormalizer (lowercase, accents stripped) + BertPreTokenizer (whitespace, then each punctuation mark alone). */
export function bertWords(text: string): string[] {
  const normalized = text.normalize('NFD').replace(/\p{Mn}/gu, '').toLowerCase();
  const words: string[] = [];
  for (const chunk of normalized.split(/\s+/)) {
    let word = '';
    for (const ch of chunk) {
      if (PUNCTUATION.test(ch)) {
        if (word) words.push(word);
        words.push(ch);
        word = '';
      } else word += ch;
    }
    if (word) words.push(word);
  }
  return words;
}

export function bertTokenizer(texts: readonly string[], merges: number): LearnedVocabulary {
  const words: string[] = [];
  for (const t of texts) for (const w of bertWords(t)) words.push(WORD_START + w);
  const learned = learnBpeFromWords(counted(words), { merges });
  const vocab: Record<string, number> = {};
  let next = 0;
  const add = (t: string): void => {
    if (!(t in vocab)) vocab[t] = next++;
  };
  const piece = (symbol: string): string => (symbol.startsWith(WORD_START) ? symbol.slice(WORD_START.length) : `##${symbol}`);
  BERT_SPECIALS.forEach(add);
  const chars: string[] = [];
  const seen = new Set<string>();
  for (const { word } of learned.words) {
    for (const ch of Array.from(word).slice(1)) {
      if (!seen.has(ch)) {
        seen.add(ch);
        chars.push(ch);
      }
    }
  }
  chars.forEach(add);
  chars.forEach((c) => add(`##${c}`));
  for (const m of learned.merges) if (m.merged !== WORD_START) add(piece(m.merged));
  const id = (t: string): number => vocab[t];
  const special = (t: string): Record<string, unknown> => ({ id: id(t), content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: BERT_SPECIALS.map(special),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [id('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [id('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
  return { tokenizerJson, vocabSize: next, learned };
}
