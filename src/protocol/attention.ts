/**
 * The attention viewer's messages between the extension host and its webviews (the side view
 * "Attention" and the "Compare BERT and GPT Attention" panel). Types only (see `wire.ts`); the
 * engine types a view draws are re-exported here, so the browser code imports this folder only.
 * Matrices cross as Float32Array (VS Code transfers typed arrays as binary).
 */
import type { HeadChoice } from '../engine/attention/analysis';
import type { HeadStats } from '../engine/attention/headStats';
import type { AttentionSnapshot } from '../engine/attention/snapshot';
import type { LocalizedStrings } from './wire';

export type { HeadChoice, HeadStats, AttentionSnapshot };

export type AttentionStringKey =
  | 'tabHeads' | 'tabHeatmap' | 'tabModel' | 'tabSummary' | 'tabPositions'
  | 'tabsLabel' | 'layer' | 'head' | 'heads' | 'mean' | 'rollout' | 'allHeads'
  | 'hideSpecial' | 'hideSpecialHint' | 'mergeSubwords' | 'mergeSubwordsHint'
  | 'zoomIn' | 'zoomOut' | 'zoomReset' | 'zoom' | 'minimap' | 'topKNote'
  | 'chooseModel'
  | 'tokens' | 'window' | 'windowMore' | 'windowLine' | 'windowLines' | 'causalNote' | 'bidirectionalNote'
  | 'from' | 'to' | 'valueAt' | 'legend'
  | 'headViewHelp' | 'heatmapHelp' | 'modelViewHelp'
  | 'headLabel' | 'layerHeadLabel' | 'layerHead' | 'back'
  | 'statEntropy' | 'statNormEntropy' | 'statFirst' | 'statCls' | 'statSep' | 'statPrevious' | 'statSelf' | 'statPattern'
  | 'patternprevious' | 'patternself' | 'patternfirst' | 'patternsep' | 'patternbroad' | 'patternmixed'
  | 'summaryHelp' | 'rolloutHelp' | 'meanHelp'
  | 'sinusoidal' | 'learned' | 'cosineSinusoidal' | 'cosineLearned' | 'positionsHelp' | 'positionsCount' | 'noLearned'
  | 'position' | 'dimension'
  | 'savePng' | 'saveSvg' | 'saveSnapshot' | 'snapshotOf' | 'backToLive'
  | 'focusedToken' | 'noFocus' | 'modelInfo'
  | 'stepByStep' | 'stepByStepHint';

export interface AttentionModelView {
  label: string;
  family: string;
  /** GPT: each token attends only to itself and earlier tokens. */
  causal: boolean;
  numLayers: number;
  numHeads: number;
  revision?: string;
}

export interface AttentionTokenView {
  token: string;
  start: number;
  end: number;
  special: boolean;
}

/** Which part of a text longer than the model reads is shown: a window of tokens around the cursor. */
export interface AttentionWindowView {
  /** The tokens shown, 1-based and inclusive, among the text's tokens (special tokens not counted). */
  firstToken: number;
  lastToken: number;
  /** The text's tokens; with `more`, the text was too long to count them all and it has more than this. */
  totalTokens: number;
  more: boolean;
  /** Document lines of the part shown, 1-based. */
  fromLine: number;
  toLine: number;
}

/** One analysed text: its tokens and the model; the matrices are asked for on demand. */
export interface AttentionPayload {
  /** Id of this analysis: requests name it, so an answer for a stale text is refused. */
  analysis: number;
  model: AttentionModelView;
  /** Where the text came from, localized ("Selection", "Paragraph, lines 3–5"). */
  source: string;
  text: string;
  tokens: AttentionTokenView[];
  /** Present when the source is longer than the model's context (or the viewer's limit): the part shown, around the cursor. */
  window?: AttentionWindowView;
  /** Milliseconds the model took. */
  modelMs: number;
}

export type AttentionStatus =
  | { kind: 'ready' }
  | { kind: 'loading'; message: string }
  | { kind: 'noEditor' | 'noModel' | 'empty'; message: string }
  | { kind: 'error'; message: string };

export interface GroupOptionsView {
  hideSpecial: boolean;
  mergeSubwords: boolean;
}

export interface MatricesRequest extends GroupOptionsView {
  analysis: number;
  layer: number;
  heads: HeadChoice[];
}

export interface MatricesResult {
  n: number;
  labels: string[];
  special: boolean[];
  /** Token indices behind each row/column. */
  groups: number[][];
  /** One `n × n` row-major matrix per head asked for. */
  matrices: Float32Array[];
}

export interface GridResult {
  /** Side of every thumbnail. */
  side: number;
  /** `[L, H, side, side]` row-major. */
  thumbs: Float32Array;
  /** `[layer][head]`, on the full matrices. */
  stats: HeadStats[][];
}

export interface PositionsResult {
  count: number;
  dim: number;
  /** `[count, dim]` sinusoidal table and its `[count, count]` cosine similarity. */
  sinusoidal: Float32Array;
  sinusoidalCosine: Float32Array;
  learned?: { model: string; name: string; dim: number; table: Float32Array; cosine: Float32Array };
  /** Why there is no learned table (no model, no table in the weights). */
  learnedError?: string;
}

/** The model view's request: the thumbnails at most `max × max`; with `layer`, that layer's only. */
export interface GridRequest extends GroupOptionsView {
  analysis: number;
  max: number;
  layer?: number;
}

export type AttentionTab = 'heads' | 'heatmap' | 'model' | 'summary' | 'positions';

/** What the view shows: kept with `setState`, sent to the host for the editor highlight and exports. */
export interface AttentionOptions extends GroupOptionsView {
  tab: AttentionTab;
  layer: number;
  /** Heatmap: one head, the mean or the rollout. */
  head: HeadChoice;
  /** Head view: the heads drawn, each in its colour. */
  heads: number[];
}

/** What the webview reports after drawing (tests check it, with a look at the pixels). */
export interface DrawReport {
  tab: AttentionTab;
  analysis: number;
  layer: number;
  head: HeadChoice;
  hideSpecial: boolean;
  mergeSubwords: boolean;
  n: number;
  /** Sum of the weights above / on and below the diagonal of the drawn matrix. */
  upperSum: number;
  lowerSum: number;
  /** Canvas cells above the diagonal whose pixel differs from the empty background, and all cells checked. */
  upperPainted: number;
  lowerPainted: number;
  labels: string[];
  /** The row (group) of the token under the editor's cursor, focused and in view; absent when none. */
  cursorRow?: number;
}

export type ImageFormat = 'png' | 'svg';

export type AttentionViewChannel = {
  requests: {
    'attention/matrices': { params: MatricesRequest; result: MatricesResult };
    /** The model view's thumbnails and statistics: every layer's, or `layer`'s only (drawn layer by layer). */
    'attention/grid': { params: GridRequest; result: GridResult };
    'positions/get': { params: { count: number }; result: PositionsResult };
    'snapshot/save': { params: AttentionOptions & { analysis: number }; result: { path: string | null } };
    'image/save': { params: { format: ImageFormat; data: string; name: string }; result: { path: string | null } };
  };
  toWebview: {
    /** `headViewTopK`: the head view draws this many strongest links per token (0: all). */
    'view/didInit': { strings: LocalizedStrings<AttentionStringKey>; headViewTopK: number };
    'attention/didChange': AttentionPayload;
    'status/didChange': AttentionStatus;
    'snapshot/didOpen': AttentionSnapshot;
    'tab/didRequest': Partial<AttentionOptions> & { tab: AttentionTab };
    /** Asks the webview to render the current view as an image: it answers with `image/didRender`. */
    'image/didRequest': { id: number; format: ImageFormat };
    /** The token (index in the payload's tokens) under the editor's cursor, or `null` off the text. */
    'cursor/didMove': { token: number | null };
    /** `compact`: the panel beside the text is in view, and this side view is its companion (no help, a small map). */
    'layout/didChange': { compact: boolean };
  };
  toHost: {
    'webview/ready': Record<string, never>;
    'options/didChange': AttentionOptions;
    'model/choose': Record<string, never>;
    'view/didDraw': DrawReport;
    'image/didRender': { id: number; format: ImageFormat; data: string; name: string };
    /** Opens "Attention, step by step" on the view's text at this layer and head. */
    'steps/open': { layer: number; head: number };
  };
};

// ───────────────────────────── Compare panel ─────────────────────────────

export interface CompareColumn {
  role: 'causal' | 'masked';
  spec: string;
  model?: AttentionModelView;
  labels?: string[];
  special?: boolean[];
  /** `n × n`, the layer and head asked for (clamped to the model's own counts). */
  matrix?: Float32Array;
  n?: number;
  layer?: number;
  head?: HeadChoice;
  error?: string;
}

export interface CompareRequest extends GroupOptionsView {
  layer: number;
  head: HeadChoice;
}

export interface ComparePayload {
  text: string;
  columns: CompareColumn[];
}

export interface ComparePanelState extends CompareRequest {
  text: string;
  /** The model of each column as computed (restored after a window reload with the same models). */
  specs?: Partial<Record<'causal' | 'masked', string>>;
}

export type AttentionCompareChannel = {
  requests: {
    'compare/matrices': { params: CompareRequest; result: ComparePayload };
  };
  toWebview: {
    'panel/didInit': { strings: LocalizedStrings<AttentionStringKey>; text: string };
    'compare/didChange': ComparePayload;
    'status/didChange': AttentionStatus;
  };
  toHost: {
    'webview/ready': Record<string, never>;
    'model/choose': Record<string, never>;
    'view/didDraw': DrawReport & { role: 'causal' | 'masked' };
  };
};
