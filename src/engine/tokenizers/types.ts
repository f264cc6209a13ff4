/**
 * The engine's tokenizer contract: what every caller (extension, webviews, `trex`, tests)
 * sees of a tokenizer. Plain data only — these values cross process and webview boundaries.
 */

/** One token of an encoding, with its place in the original text. */
export interface TokenSpan {
  id: number;
  /** The vocabulary string, e.g. `Ġworld` (GPT-2) or `##able` (WordPiece). */
  token: string;
  /** UTF-16 index into the original text (what `vscode.Position`/`String.slice` use). */
  start: number;
  /** UTF-16 index, exclusive. `start === end` for special tokens added by post-processing. */
  end: number;
  /** True for special tokens ([CLS], [SEP], <|endoftext|>, …). */
  special: boolean;
}

export interface Encoding {
  /** The tokenizer's id as the user named it: `gpt2`, `bert-base-uncased`, or a path. */
  tokenizer: string;
  tokens: TokenSpan[];
}

export interface EncodeOptions {
  /** Add the post-processor's special tokens ([CLS] … [SEP]). Default false. */
  special?: boolean;
}

/** The family of the tokenizer's model, as in tokenizer.json's `model.type`. */
export type TokenizerModelKind = 'BPE' | 'WordPiece' | 'Unigram' | 'WordLevel';

export interface TokenizerInfo {
  id: string;
  /** Human label, e.g. "GPT-2 (byte-level BPE)". */
  label: string;
  kind: TokenizerModelKind;
  /** Byte-level BPE (GPT-2 style): tokens are written with the bytes-to-unicode alphabet. */
  byteLevel: boolean;
  /** Entries of the model's vocabulary. */
  vocabSize: number;
  /**
   * One more than the highest id the tokenizer can produce (its vocabulary and its added tokens):
   * the rows a model's embedding table needs. Above vocabSize when ids are sparse.
   */
  idBound: number;
  /** Where it came from: `bundled` or an absolute file path. */
  source: string;
}

/** One merge of a BPE replay: the pair that was merged, its rank, and the symbols after it. */
export interface BpeStep {
  pair: [string, string];
  /** Rank of the pair in the merge table (0 = first merge learned). */
  rank: number;
  /** Symbols of the word after this merge. */
  symbols: string[];
}

/** One step of WordPiece's greedy longest-match-first search. */
export interface WordPieceStep {
  /** The piece that was found (`##aff`), or `[UNK]` when nothing matched. */
  piece: string;
  /** UTF-16 range of the piece in the word. */
  start: number;
  end: number;
  /** Candidates tried (longest first) before this piece matched. */
  tried: string[];
}

/** The replay of how the model cut one pre-token (word). */
export type MergeTrace =
  | {
      kind: 'bpe';
      /** The pre-token as the model sees it (byte-level symbols for GPT-2, e.g. `Ġlower`). */
      word: string;
      /** Symbols before the first merge (characters or byte symbols). */
      initial: string[];
      steps: BpeStep[];
      /** Final tokens: always equal to the tokenizer's own output for this word. */
      tokens: string[];
    }
  | {
      kind: 'wordpiece';
      word: string;
      steps: WordPieceStep[];
      tokens: string[];
    };

/** One merge learned by the teaching BPE trainer. */
export interface LearnedMerge {
  pair: [string, string];
  merged: string;
  /** How many times the pair occurred in the corpus when it was chosen. */
  frequency: number;
}

export interface LearnBpeResult {
  /** Word frequencies the trainer started from, e.g. `low` → 5. */
  words: Array<{ word: string; count: number }>;
  merges: LearnedMerge[];
  /** The final segmentation of each word, in the order of `words`. */
  segmentations: Array<{ word: string; symbols: string[] }>;
}
