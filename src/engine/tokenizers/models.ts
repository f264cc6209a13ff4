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
import type { ModelConfig, TokenSink, WordModel } from './wordModel';

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
