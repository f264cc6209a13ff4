/**
 * The Tokens panel's messages, and the token payloads the other tokenizer views share (chips,
 * tokenizer choices, one tokenizer's column). Types only (see `wire.ts`).
 */
import type { TokenizerModelKind } from '../engine/tokenizers/types';
import type { LocalizedStrings } from './wire';

/** One token as a chip: the engine's span plus its readable form (`display()`). */
export interface ChipView {
  id: number;
  /** Vocabulary string, e.g. `Ġchat` or `##able`. */
  token: string;
  /** Readable form: `·chat`, `##able`, `↵`. */
  display: string;
  /** UTF-16 range in the text the payload carries. */
  start: number;
  end: number;
  special: boolean;
}

/** A tokenizer the user can pick. `spec` is what the setting and `loadTokenizer` take. */
export interface TokenizerChoice {
  spec: string;
  label: string;
  /** Short detail, e.g. "byte-level BPE" or the file path. */
  detail: string;
}

export interface TokenizerSummary {
  spec: string;
  label: string;
  kind: TokenizerModelKind;
  byteLevel: boolean;
  vocabSize: number;
}

/** One tokenizer's view of a text. `error` replaces the tokens when the tokenizer failed. */
export interface TokenColumnView {
  tokenizer: TokenizerSummary | undefined;
  spec: string;
  /** The first tokens (at most the panel's display limit). */
  tokens: ChipView[];
  /** Number of tokens of the whole text. */
  total: number;
  /** Characters (UTF-16 code units) of the whole text per token; 0 for no token. */
  charsPerToken: number;
  error?: string;
}

// ───────────────────────────── Tokens panel ─────────────────────────────

export type TokensStringKey =
  | 'tokenizer'
  | 'compareWith'
  | 'compare'
  | 'browse'
  | 'tokenCount'
  | 'charsPerToken'
  | 'characters'
  | 'loading'
  | 'empty'
  | 'truncated'
  | 'chipLabel'
  | 'special'
  | 'difference'
  | 'differenceOne'
  | 'same'
  | 'tokensOf'
  | 'showIds'
  | 'focused'
  | 'keyboardHelp';

export interface TokensOptions {
  primary: string;
  secondary: string;
  compare: boolean;
}

export interface TokensPayload extends TokensOptions {
  /** The text the chips point into (cut after the last shown token when truncated). */
  text: string;
  /** Length of the whole text. */
  textLength: number;
  columns: TokenColumnView[];
}

/** What the Tokens panel keeps with `setState` (and the serializer revives). */
export interface TokensPanelState extends TokensOptions {
  text: string;
  showIds: boolean;
  payload?: TokensPayload;
}

export type TokensChannel = {
  requests: {
    /** Let the user pick a tokenizer.json or model folder; `null` when cancelled or invalid. */
    'tokenizer/browse': { params: Record<string, never>; result: TokenizerChoice | null };
  };
  toWebview: {
    'panel/didInit': { strings: LocalizedStrings<TokensStringKey>; choices: TokenizerChoice[] };
    'tokens/didChange': TokensPayload;
  };
  toHost: {
    'webview/ready': Record<string, never>;
    'options/didChange': TokensOptions;
  };
};
