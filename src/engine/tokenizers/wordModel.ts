/**
 * What every word model (BPE, WordPiece, WordLevel, Unigram) is to the tokenizer: a leaf module,
 * so that the models and models.ts, which creates them, need not import each other.
 */
import type { NormalizedString } from './normalizedString';
import type { MergeTrace, TokenizerModelKind } from './types';

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
