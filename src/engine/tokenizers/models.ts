/**
 * Word → tokens, through tokenizers.js's models, with each token's place in the original text.
 * A model sees one pre-token (a NormalizedString); a token covering its units [a, b) spans the
 * original [startAt(a), endAt(b - 1)).
 */
import type { HfBpeModel, HfTokenizer, HfWordPieceModel } from './hfTokenizers';
import type { NormalizedString } from './normalizedString';
import type { MergeTrace, TokenizerModelKind } from './types';
import { traceBpe } from './bpeTrace';
import { traceWordPiece } from './wordPieceTrace';
import { TokenizerError } from './errors';

export interface TokenSink {
  push(id: number, token: string, start: number, end: number): void;
}

export interface WordModel {
  readonly kind: TokenizerModelKind;
  tokenize(word: NormalizedString, sink: TokenSink): void;
  trace(word: string): MergeTrace;
}

export interface ModelConfig {
  type?: string;
  unk_token?: string | null;
  fuse_unk?: boolean;
  byte_fallback?: boolean;
  end_of_word_suffix?: string | null;
  continuing_subword_prefix?: string | null;
  max_input_chars_per_word?: number;
  [key: string]: unknown;
}

export const SUPPORTED_MODELS = ['BPE', 'WordPiece', 'WordLevel'] as const;

/** Byte-fallback tokens of a symbol (`<0xE4>`…), or undefined if one is missing. */
function byteFallback(symbol: string, vocab: Map<string, number>): Array<[string, number]> | undefined {
  const out: Array<[string, number]> = [];
  for (const b of Buffer.from(symbol, 'utf8')) {
    const t = `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
    const id = vocab.get(t);
    if (id === undefined) return undefined;
    out.push([t, id]);
  }
  return out;
}

class BpeModel implements WordModel {
  readonly kind = 'BPE' as const;
  private readonly suffix: string;
  private readonly unkId: number | undefined;

  constructor(
    private readonly hf: HfBpeModel,
    private readonly config: ModelConfig,
  ) {
    this.suffix = config.end_of_word_suffix ?? '';
    this.unkId = config.unk_token != null ? hf.tokens_to_ids.get(config.unk_token) : undefined;
    if (config.continuing_subword_prefix) {
      throw new TokenizerError(
        `unsupported BPE option continuing_subword_prefix ${JSON.stringify(config.continuing_subword_prefix)} (only "" is supported)`,
      );
    }
  }

  tokenize(word: NormalizedString, sink: TokenSink): void {
    const text = word.text;
    if (text.length === 0) return;
    const vocab = this.hf.tokens_to_ids;
    if (this.hf.ignore_merges) {
      const id = vocab.get(text);
      if (id !== undefined) return sink.push(id, text, word.startAt(0), word.endAt(text.length - 1));
    }
    const symbols = this.hf.bpe(text);
    const last = symbols.length - 1;
    let pos = 0;
    let unkStart = -1;
    let unkEnd = -1;
    const flushUnk = (): void => {
      if (unkStart >= 0) sink.push(this.unkId as number, this.config.unk_token as string, unkStart, unkEnd);
      unkStart = -1;
    };
    for (let k = 0; k <= last; k++) {
      const symbol = symbols[k];
      const len = k === last ? symbol.length - this.suffix.length : symbol.length;
      const start = word.startAt(pos);
      const end = word.endAt(pos + len - 1);
      pos += len;
      const id = vocab.get(symbol);
      if (id !== undefined) {
        flushUnk();
        sink.push(id, symbol, start, end);
        continue;
      }
      const bytes = this.hf.byte_fallback ? byteFallback(symbol, vocab) : undefined;
      if (bytes) {
        flushUnk();
        for (const [t, tid] of bytes) sink.push(tid, t, start, end);
      } else if (this.unkId !== undefined) {
        if (unkStart >= 0 && this.config.fuse_unk === true) unkEnd = end;
        else {
          flushUnk();
          unkStart = start;
          unkEnd = end;
        }
      }
      // No unk token: the symbol is dropped, as in Rust.
    }
    flushUnk();
  }

  trace(word: string): MergeTrace {
    return traceBpe(word, { ranks: this.hf.bpe_ranks, endOfWordSuffix: this.suffix }, (symbols) => {
      const tokens: string[] = [];
      const collector: TokenSink = { push: (_id, token) => tokens.push(token) };
      // Replays the model's handling of unknown symbols on the merged symbols.
      this.finalize(symbols, collector);
      return tokens;
    });
  }

  private finalize(symbols: string[], sink: TokenSink): void {
    let previousUnk = false;
    for (const symbol of symbols) {
      const id = this.hf.tokens_to_ids.get(symbol);
      if (id !== undefined) {
        sink.push(id, symbol, 0, 0);
        previousUnk = false;
        continue;
      }
      const bytes = this.hf.byte_fallback ? byteFallback(symbol, this.hf.tokens_to_ids) : undefined;
      if (bytes) {
        for (const [t, tid] of bytes) sink.push(tid, t, 0, 0);
        previousUnk = false;
      } else if (this.unkId !== undefined) {
        if (!(previousUnk && this.config.fuse_unk === true)) sink.push(this.unkId, this.config.unk_token as string, 0, 0);
        previousUnk = true;
      }
    }
  }
}

class WordPieceModel implements WordModel {
  readonly kind = 'WordPiece' as const;
  private readonly prefix: string;
  private readonly unk: string;
  private cache = new Map<string, string[]>();

  constructor(private readonly hf: HfWordPieceModel) {
    this.prefix = hf.config.continuing_subword_prefix ?? '##';
    this.unk = hf.unk_token ?? '[UNK]';
  }

  tokenize(word: NormalizedString, sink: TokenSink): void {
    const text = word.text;
    if (text.length === 0) return;
    let tokens = this.cache.get(text);
    if (!tokens) {
      tokens = this.hf.encode([text]);
      if (this.cache.size > 50_000) this.cache.clear();
      this.cache.set(text, tokens);
    }
    const vocab = this.hf.tokens_to_ids;
    if (tokens.length === 1 && tokens[0] === this.unk && text !== this.unk) {
      return sink.push(vocab.get(this.unk) as number, this.unk, word.startAt(0), word.endAt(text.length - 1));
    }
    let pos = 0;
    tokens.forEach((t, k) => {
      const len = k === 0 ? t.length : t.length - this.prefix.length;
      sink.push(vocab.get(t) as number, t, word.startAt(pos), word.endAt(pos + len - 1));
      pos += len;
    });
  }

  trace(word: string): MergeTrace {
    return traceWordPiece(word, {
      vocab: this.hf.tokens_to_ids,
      prefix: this.prefix,
      unkToken: this.unk,
      maxChars: this.hf.max_input_chars_per_word,
    });
  }
}

/** WordLevel: the whole word is one token (or the unknown token). */
class WordLevelModel implements WordModel {
  readonly kind = 'WordLevel' as const;

  constructor(
    private readonly vocab: Map<string, number>,
    private readonly unk: string | undefined,
  ) {}

  private lookup(word: string): [string, number] {
    const id = this.vocab.get(word);
    if (id !== undefined) return [word, id];
    const unkId = this.unk !== undefined ? this.vocab.get(this.unk) : undefined;
    if (unkId === undefined) throw new TokenizerError(`WordLevel: "${word}" is not in the vocabulary and there is no unknown token`);
    return [this.unk as string, unkId];
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

export function createWordModel(type: string, hf: HfTokenizer, config: ModelConfig): WordModel {
  const model = hf.model;
  if (!model) throw new TokenizerError('the tokenizer has no model');
  switch (type) {
    case 'BPE':
      return new BpeModel(model as unknown as HfBpeModel, config);
    case 'WordPiece':
      return new WordPieceModel(model as unknown as HfWordPieceModel);
    case 'WordLevel':
      return new WordLevelModel(model.tokens_to_ids, config.unk_token ?? undefined);
    default:
      throw new TokenizerError(`unsupported model type ${JSON.stringify(type)} (supported: ${SUPPORTED_MODELS.join(', ')})`);
  }
}
