/**
 * Side-by-side runs of one tokenizer.json component (a normalizer or a pre-tokenizer), ours and
 * the Rust reference's, on the same string — the reference's pieces converted to UTF-16 offsets.
 */
import { NormalizedString } from '../../src/engine/tokenizers/normalizedString';
import { createNormalizer, type NormalizerConfig } from '../../src/engine/tokenizers/normalizers';
import { createPreTokenizer } from '../../src/engine/tokenizers/preTokenizers';
import { codePointToUtf16, rust, type RustTokenizer } from './rustReference';

/** A Rust tokenizer holding only this normalizer and/or pre-tokenizer (and a dummy model). */
export function rustWith(normalizer: object | null, preTokenizer: object | null): RustTokenizer {
  return rust.Tokenizer.fromString(
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [],
      normalizer,
      pre_tokenizer: preTokenizer,
      post_processor: null,
      decoder: null,
      model: { type: 'WordLevel', vocab: { '[UNK]': 0 }, unk_token: '[UNK]' },
    }),
  );
}

export interface NormalizerPair {
  ours: (s: string) => string;
  reference: (s: string) => string;
}

export function normalizerPair(config: NormalizerConfig): NormalizerPair {
  const ours = createNormalizer(config);
  const ref = rustWith(config, null).getNormalizer();
  if (!ours || !ref) throw new Error('no normalizer');
  return { ours: (s) => ours(NormalizedString.fromOriginal(s)).text, reference: (s) => ref.normalizeString(s) };
}

export type Piece = [string, number, number];

export interface PreTokenizerPair {
  ours: (s: string) => Piece[];
  reference: (s: string) => Piece[];
}

export function preTokenizerPair(config: NormalizerConfig): PreTokenizerPair {
  const ours = createPreTokenizer(config);
  const ref = rustWith(null, config).getPreTokenizer();
  if (!ours || !ref) throw new Error('no pre-tokenizer');
  return {
    ours: (s) => ours([NormalizedString.fromOriginal(s)]).map((p): Piece => [p.text, ...p.originalRange(0, p.length)]),
    reference: (s) => {
      const map = codePointToUtf16(s);
      return ref.preTokenizeString(s).map(([text, [a, b]]): Piece => [text, map[a], map[b]]);
    },
  };
}
