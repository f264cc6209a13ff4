/**
 * A loaded tokenizer: Rust tokenizers' pipeline replayed step by step so that every token knows
 * where it came from in the original text —
 *   added tokens cut out → normalizer → pre-tokenizer → model (tokenizers.js) → post-processor.
 */
import type { AddedVocabulary } from './addedTokens';
import type { WordModel, TokenSink } from './wordModel';
import type { PostProcessor } from './postProcessors';
import type { PreTokenizer } from './preTokenizers';
import type { NormalizedString } from './normalizedString';
import type { EncodeOptions, Encoding, MergeTrace, TokenizerInfo, TokenSpan } from './types';
import { displayToken } from './display';
import { TokenizerError } from './errors';
import { oneLine } from '../errorText';

export interface TextTokenizer {
  readonly info: TokenizerInfo;
  encode(text: string, options?: EncodeOptions): Encoding;
  /** Pre-tokenize `text` and replay the model on each word (BPE merges or WordPiece steps). */
  trace(text: string): Array<{ start: number; end: number; trace: MergeTrace }>;
  /** Token string made readable: byte-level symbols decoded, spaces as '·' or '␣', newline '↵', tab '→'. */
  display(token: string): string;
  idToToken(id: number): string | undefined;
}

export interface PipelineParts {
  info: TokenizerInfo;
  added: AddedVocabulary;
  preTokenizer: PreTokenizer | null;
  model: WordModel;
  postProcessor: PostProcessor;
  idToToken: (id: number) => string | undefined;
  /** The file, for errors raised while encoding (an unknown piece without unk_token…). */
  where: string;
}

/** Longest word replayed in one piece (UTF-16 units). */
const REPLAY_PIECE = 256;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Lone surrogates become U+FFFD (one unit each), as when a JS string reaches Rust. */
function wellFormed(text: string): string {
  return /[\ud800-\udfff]/.test(text) ? text.replace(LONE_SURROGATE, '\ufffd') : text;
}

export class PipelineTokenizer implements TextTokenizer {
  readonly info: TokenizerInfo;

  constructor(private readonly parts: PipelineParts) {
    this.info = parts.info;
  }

  encode(text: string, options: EncodeOptions = {}): Encoding {
    return this.naming(() => this.encodeText(text, options));
  }

  trace(text: string): Array<{ start: number; end: number; trace: MergeTrace }> {
    return this.naming(() => this.traceText(text));
  }

  /** A TokenizerError raised while encoding names the tokenizer's file, as one raised while loading. */
  private naming<T>(run: () => T): T {
    try {
      return run();
    } catch (e) {
      if (e instanceof TokenizerError) throw new TokenizerError(oneLine(`${this.parts.where}: ${e.message}`));
      throw e;
    }
  }

  private encodeText(text: string, options: EncodeOptions): Encoding {
    const tokens: TokenSpan[] = [];
    const sink: TokenSink = {
      push: (id, token, start, end) => {
        tokens.push({ id, token, start, end, special: false });
      },
    };
    const input = wellFormed(text);
    for (const segment of this.parts.added.split(input)) {
      if (segment.added) {
        const [start, end] = segment.ns.originalRange(0, segment.ns.length);
        tokens.push({ id: segment.added.id, token: segment.ns.text, start, end, special: segment.added.special === true });
        continue;
      }
      for (const word of this.words(segment.ns)) this.parts.model.tokenize(word, sink);
    }
    return { tokenizer: this.info.id, tokens: this.parts.postProcessor(tokens, options.special === true, input) };
  }

  private traceText(text: string): Array<{ start: number; end: number; trace: MergeTrace }> {
    const out: Array<{ start: number; end: number; trace: MergeTrace }> = [];
    for (const segment of this.parts.added.split(wellFormed(text))) {
      if (segment.added) continue;
      for (const word of this.words(segment.ns)) {
        for (const [a, b] of this.replayPieces(word)) {
          const [start, end] = word.originalRange(a, b);
          out.push({ start, end, trace: this.parts.model.trace(word.text.slice(a, b)) });
        }
      }
    }
    return out;
  }

  display(token: string): string {
    return displayToken(token, this.info.byteLevel);
  }

  idToToken(id: number): string | undefined {
    return this.parts.idToToken(id);
  }

  /**
   * A replay keeps every step's symbols, so its size grows with the square of the word: words
   * longer than REPLAY_PIECE (whole texts, for tokenizers without a pre-tokenizer) are replayed
   * in pieces of about that size, cut between final tokens where the model allows it.
   */
  private replayPieces(word: NormalizedString): Array<[number, number]> {
    const n = word.length;
    if (n === 0) return [];
    const cuts = n > REPLAY_PIECE ? this.parts.model.cutPoints?.(word.text) : undefined;
    if (!cuts) return [[0, n]];
    const pieces: Array<[number, number]> = [];
    let start = 0;
    for (const cut of cuts) {
      if (cut - start >= REPLAY_PIECE / 2) {
        pieces.push([start, cut]);
        start = cut;
      }
    }
    pieces.push([start, n]);
    return pieces;
  }

  private words(ns: NormalizedString): NormalizedString[] {
    return this.parts.preTokenizer ? this.parts.preTokenizer([ns]) : [ns];
  }
}
