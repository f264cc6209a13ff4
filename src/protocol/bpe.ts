/** The BPE Merges panel's messages: each word's merges (or WordPiece steps) replayed. Types only (see `wire.ts`). */
import type { TokenizerChoice, TokenizerSummary } from './tokens';
import type { LocalizedStrings } from './wire';

export type BpeStringKey =
  | 'tokenizer'
  | 'browse'
  | 'words'
  | 'step'
  | 'stepOf'
  | 'start'
  | 'previous'
  | 'next'
  | 'play'
  | 'pause'
  | 'first'
  | 'last'
  | 'slider'
  | 'before'
  | 'after'
  | 'merge'
  | 'rank'
  | 'initial'
  | 'steps'
  | 'wordpieceSteps'
  | 'finalTokens'
  | 'noMerge'
  | 'wordpieceIntro'
  | 'bpeIntro'
  | 'piece'
  | 'tried'
  | 'triedCount'
  | 'unknown'
  | 'noWords'
  | 'truncated'
  | 'keyboardHelp'
  | 'loading';

export interface BpeStepView {
  /** The merged pair, readable. */
  pair: [string, string];
  rank: number;
  /** Symbols after the merge, readable. */
  symbols: string[];
  /** Indices in `symbols` of the symbols this merge produced (a pair can occur more than once). */
  merged: number[];
}

export interface WordPieceStepView {
  /** The piece found, readable (`##aff`), or the unknown token. */
  piece: string;
  /** UTF-16 range of the piece in the word. */
  start: number;
  end: number;
  /** Candidates tried before the match, longest first. */
  tried: string[];
}

export type TraceView =
  | { kind: 'bpe'; initial: string[]; steps: BpeStepView[]; tokens: string[] }
  | { kind: 'wordpiece'; word: string; steps: WordPieceStepView[]; tokens: string[] };

export interface WordTraceView {
  /** UTF-16 range of the word in the selected text. */
  start: number;
  end: number;
  /** The word as written in the text. */
  text: string;
  /** The pre-token as the model sees it, readable (`·lower`). */
  word: string;
  trace: TraceView;
  /** Ids of the final tokens, from the tokenizer's own encoding. */
  ids: number[];
}

export interface BpePayload {
  spec: string;
  tokenizer: TokenizerSummary;
  text: string;
  words: WordTraceView[];
  /** Number of words in the text (only the first ones are replayed when there are many). */
  totalWords: number;
}

export interface BpePanelState {
  text: string;
  spec: string;
  word: number;
  step: number;
  payload?: BpePayload;
}

export type BpeChannel = {
  requests: {
    'tokenizer/browse': { params: Record<string, never>; result: TokenizerChoice | null };
  };
  toWebview: {
    'panel/didInit': { strings: LocalizedStrings<BpeStringKey>; choices: TokenizerChoice[] };
    'trace/didChange': BpePayload;
    'trace/didFail': { spec: string; message: string };
  };
  toHost: {
    'webview/ready': Record<string, never>;
    'tokenizer/didChange': { spec: string };
  };
};
