/**
 * Host ⇄ webview protocol: every message a panel or view exchanges with the extension host.
 * Imported by the host (`src/webviews/`) and by the browser code (`webview-ui/`), so it holds
 * types only — no `vscode`, no Node.
 *
 * Each webview has a channel with three maps:
 * - `requests`: webview → host, each with the type of its result (`scope/noun`);
 * - `toWebview`: host → webview notifications (`scope/didChange`, …);
 * - `toHost`: webview → host notifications; every channel starts with `webview/ready`, and the
 *   host posts nothing to a webview before it has received it.
 */
import type { LearnBpeResult, TokenizerModelKind } from './engine/tokenizers/types';

// ───────────────────────────── wire format ─────────────────────────────

export type RequestMap = Record<string, { params: unknown; result: unknown }>;
export type NotificationMap = Record<string, unknown>;

export type Channel = {
  requests: RequestMap;
  toWebview: NotificationMap;
  toHost: NotificationMap & { 'webview/ready': Record<string, never> };
};

/** What the webview posts. */
export type HostBoundMessage =
  | { kind: 'request'; id: number; method: string; params: unknown }
  | { kind: 'notify'; method: string; params: unknown };

/** What the host posts. */
export type WebviewBoundMessage =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: string }
  | { kind: 'notify'; method: string; params: unknown };

/** Host-side handlers: a missing request handler is a compile error. */
export type RequestHandlers<C extends Channel> = {
  [K in keyof C['requests']]: (params: C['requests'][K]['params']) => Promise<C['requests'][K]['result']>;
};
export type NotificationHandlers<M extends NotificationMap> = {
  [K in keyof M]: (params: M[K]) => void;
};

/** A check of what a webview sent: the params as their handler may take them, or undefined to refuse them. */
export type Check<T> = (params: unknown) => T | undefined;

/**
 * Host-side checks of every message a webview may send (a missing one is a compile error): the
 * webview is a web page, so nothing it posts is trusted — see `src/webviews/messageChecks.ts`.
 */
export type MessageChecks<C extends Channel> = {
  requests: { [K in keyof C['requests']]: Check<C['requests'][K]['params']> };
  notifications: { [K in Exclude<keyof C['toHost'], 'webview/ready'>]: Check<C['toHost'][K]> };
};

// ───────────────────────────── shared payloads ─────────────────────────────

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

/** Strings sent by the host, already localized. `{0}` marks where the webview puts a value. */
export type LocalizedStrings<K extends string> = Record<K, string>;

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

// ───────────────────────────── BPE replay panel ─────────────────────────────

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

// ───────────────────────────── Learn BPE panel ─────────────────────────────

export type LearnStringKey =
  | 'merges'
  | 'mergesInput'
  | 'apply'
  | 'order'
  | 'pair'
  | 'merged'
  | 'frequency'
  | 'words'
  | 'word'
  | 'count'
  | 'segmentation'
  | 'segmentations'
  | 'step'
  | 'stepOf'
  | 'start'
  | 'first'
  | 'previous'
  | 'next'
  | 'last'
  | 'play'
  | 'pause'
  | 'slider'
  | 'noMerges'
  | 'stoppedEarly'
  | 'intro'
  | 'tieBreak'
  | 'vocabulary'
  | 'keyboardHelp'
  | 'truncated';

/** The segmentation of every shown word after merge `step` (step 0 = before any merge). */
export interface SegmentationChange {
  step: number;
  changes: Array<{ word: number; symbols: string[] }>;
}

export interface LearnPayload {
  /** Merges asked for (the result may hold fewer when no pair is left). */
  requested: number;
  /** The trainer's result; `words` and `segmentations` cut to the most frequent words when many. */
  result: LearnBpeResult;
  /** Distinct words the trainer counted. */
  totalWords: number;
  /** Word occurrences the trainer counted. */
  totalOccurrences: number;
  /** Symbols of each word before any merge, in the order of `result.words`. */
  initial: string[][];
  /** Per merge, the words whose segmentation it changed (empty when it cannot be replayed). */
  history: SegmentationChange[];
  /** The text the trainer read (kept by the panel to learn again after a reload). */
  text: string;
}

export interface LearnPanelState {
  text: string;
  merges: number;
  step: number;
  payload?: LearnPayload;
}

export type LearnChannel = {
  requests: Record<never, never>;
  toWebview: {
    'panel/didInit': { strings: LocalizedStrings<LearnStringKey> };
    'learn/didChange': LearnPayload;
  };
  toHost: {
    'webview/ready': Record<string, never>;
    'options/didChange': { merges: number };
  };
};

// ───────────────────────────── Tokens side view ─────────────────────────────

export type TokensViewStringKey =
  | 'noEditor'
  | 'selection'
  | 'line'
  | 'tokenCount'
  | 'charsPerToken'
  | 'chipLabel'
  | 'special'
  | 'tooLong'
  | 'empty'
  | 'clickHint'
  | 'focused';

export interface TokensViewPayload {
  /** "Selection" or "Line 4", localized. */
  source: string;
  text: string;
  column: TokenColumnView;
  truncated: boolean;
}

export type TokensViewChannel = {
  requests: Record<never, never>;
  toWebview: {
    'view/didInit': { strings: LocalizedStrings<TokensViewStringKey> };
    'tokens/didChange': TokensViewPayload;
    'tokens/didClear': { message: string };
  };
  toHost: {
    'webview/ready': Record<string, never>;
    /** The user activated a chip: select its range in the editor. */
    'token/didActivate': { start: number; end: number };
  };
};
