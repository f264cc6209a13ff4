/**
 * The one adapter over `@huggingface/tokenizers` (tokenizers.js, pure JS).
 *
 * Why it is used: it parses a tokenizer.json into working models (BPE merge ranks with a
 * per-word cache, WordPiece vocabularies, added tokens), and its `encode` is a second opinion
 * on ids. What it lacks, and this engine adds around it: character offsets (it returns none),
 * and exact Rust `tokenizers` semantics for normalizers and pre-tokenizers.
 *
 * Why `require` and local interfaces: the package ships ESM-typed declarations that a
 * CommonJS TypeScript build cannot import, while its CommonJS bundle works everywhere
 * (Node, the extension host, esbuild). So only the members this engine uses are typed here.
 */

/** A BPE model as tokenizers.js builds it. */
export interface HfBpeModel {
  readonly tokens_to_ids: Map<string, number>;
  readonly vocab: string[];
  readonly merges: Array<[string, string]>;
  readonly bpe_ranks: Map<string, number>;
  readonly unk_token?: string;
  readonly end_of_word_suffix?: string;
  readonly byte_fallback: boolean;
  readonly ignore_merges: boolean;
  /** Merges one word; symbols end with `end_of_word_suffix` on the last one when set. */
  bpe(word: string): string[];
}

/** A WordPiece model as tokenizers.js builds it. */
export interface HfWordPieceModel {
  readonly tokens_to_ids: Map<string, number>;
  readonly vocab: string[];
  readonly unk_token?: string;
  readonly max_input_chars_per_word: number;
  readonly config: { continuing_subword_prefix?: string };
  encode(words: string[]): string[];
}

export interface HfTokenizer {
  readonly model: { readonly tokens_to_ids: Map<string, number>; readonly vocab: string[] } | null;
  encode(text: string, options?: { add_special_tokens?: boolean }): { ids: number[]; tokens: string[] };
  token_to_id(token: string): number | undefined;
  id_to_token(id: number): string | undefined;
}

interface HfModule {
  Tokenizer: new (tokenizerJson: object, config: object) => HfTokenizer;
  SplitPreTokenizer: new (config: object) => { pattern: RegExp | null };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const hf = require('@huggingface/tokenizers') as HfModule;

/** Builds tokenizers.js's Tokenizer; throws its own Error on malformed components. */
export function createHfTokenizer(tokenizerJson: object): HfTokenizer {
  return new hf.Tokenizer(tokenizerJson, {});
}

/** tokenizers.js's own conversion of a tokenizer.json (Oniguruma) regex to a JS RegExp. */
export function hfRegex(pattern: string): RegExp {
  const split = new hf.SplitPreTokenizer({ type: 'Split', pattern: { Regex: pattern }, behavior: 'Isolated', invert: true });
  if (!split.pattern) throw new Error('tokenizers.js made no pattern of it');
  return split.pattern;
}
