/**
 * Word → tokens, through tokenizers.js's models, with each token's place in the original text.
 * A model sees one pre-token (a NormalizedString); a token covering its units [a, b) spans the
 * original [startAt(a), endAt(b - 1)).
 */
import type { HfBpeModel, HfTokenizer, HfWordPieceModel } from './hfTokenizers';
import { BpeModel } from './bpeModel';
import { WordPieceModel } from './wordPieceModel';
import { UnigramModel, unigramConfig } from './unigramModel';
import type { NormalizedString } from './normalizedString';
import type { MergeTrace, TokenizerModelKind } from './types';
import { quoteValue } from '../errorText';
import { missingUnk, TokenizerError } from './errors';

export interface TokenSink {
  push(id: number, token: string, start: number, end: number): void;
}

export interface WordModel {
  readonly kind: TokenizerModelKind;
  tokenize(word: NormalizedString, sink: TokenSink): void;
  trace(word: string): MergeTrace;
  /**
   * Where a long word may be cut for its replay without changing it: the starts (UTF-16, in the
   * word) of its final tokens. Undefined when the model cannot be replayed piecewise.
   */
  cutPoints?(word: string): number[] | undefined;
}

/** The model options the engine reads, checked (modelFields.ts). */
export interface ModelConfig {
  unk_token?: string;
  fuse_unk?: boolean;
  byte_fallback?: boolean;
  end_of_word_suffix?: string;
  continuing_subword_prefix?: string;
  ignore_merges?: boolean;
}

export const SUPPORTED_MODELS = ['BPE', 'WordPiece', 'WordLevel', 'Unigram'] as const;

/** WordLevel: the whole word is one token (or the unknown token). */
class WordLevelModel implements WordModel {
  readonly kind = 'WordLevel' as const;

  constructor(
    private readonly vocab: Map<string, number>,
    private readonly unk: string,
  ) {}

  private lookup(word: string): [string, number] {
    const id = this.vocab.get(word);
    if (id !== undefined) return [word, id];
    const unkId = this.vocab.get(this.unk);
    if (unkId === undefined) throw missingUnk(this.unk, word);
    return [this.unk, unkId];
  }

  tokenize(word: NormalizedString, sink: TokenSink): void {
    if (word.length === 0) return;
    const [token, id] = this.lookup(word.text);
    sink.push(id, token, word.startAt(0), word.endAt(word.length - 1));
  }

  trace(word: string): MergeTrace {
    const [token] = this.lookup(word);
    return { kind: 'wordpiece', word, steps: [{ piece: token, start: 0, end: word.length, tried: [] }], tokens: [token] };
  }
}

/**
 * `hf` is tokenizers.js's tokenizer for BPE, WordPiece and WordLevel; Unigram is all ours.
 * `config` is the raw model object (for Unigram), `options` its checked fields.
 * the file in errors raised while encoding.
 */
export function createWordModel(type: string, hf: HfTokenizer | null, config: Record<string, unknown>, options: ModelConfig): WordModel {
  if (type === 'Unigram') return new UnigramModel(unigramConfig(config));
  const model = hf?.model;
  if (!model) throw new TokenizerError('the tokenizer has no model');
  switch (type) {
    case 'BPE':
      return new BpeModel(model as unknown as HfBpeModel, options);
    case 'WordPiece':
      return new WordPieceModel(model as unknown as HfWordPieceModel);
    case 'WordLevel':
      return new WordLevelModel(model.tokens_to_ids, options.unk_token ?? '[UNK]');
    default:
      throw new TokenizerError(`unsupported model type ${quoteValue(type)} (supported: ${SUPPORTED_MODELS.join(', ')})`);
  }
}
