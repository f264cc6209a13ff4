/**
 * Host ⇄ webview messages of the "Attention, step by step" panel (issue 14): one query token of
 * one head followed through the attention formula with the model's own numbers. Types only (see
 * `wire.ts`); the engine's result type is re-exported here, so the browser code imports this
 * folder only.
 */
import type { AttentionStepsResult, BlockLayout } from '../engine/inside/insideTypes';
import type { LocalizedStrings } from './wire';

export type { AttentionStepsResult, BlockLayout };

export type AttentionStepsStringKey =
  | 'title'
  | 'model'
  | 'source'
  | 'layer'
  | 'head'
  | 'headLabel'
  | 'query'
  | 'queryHint'
  | 'intro'
  | 'stage1'
  | 'stage1PreLN'
  | 'stage1PostLN'
  | 'stage1HelpPreLN'
  | 'stage1HelpPostLN'
  | 'stage2'
  | 'stage2Formula'
  | 'stage2Help'
  | 'queryVector'
  | 'keys'
  | 'values'
  | 'stage3'
  | 'stage3Formula'
  | 'stage3Help'
  | 'dk'
  | 'maskCausal'
  | 'maskNone'
  | 'colIndex'
  | 'colToken'
  | 'colDot'
  | 'colScaled'
  | 'colMask'
  | 'colWeight'
  | 'colModel'
  | 'allowed'
  | 'masked'
  | 'checkOk'
  | 'checkFailed'
  | 'sum'
  | 'stage4'
  | 'stage4Formula'
  | 'stage4Help'
  | 'headOutput'
  | 'concat'
  | 'concatFormula'
  | 'projected'
  | 'projectedFormula'
  | 'allHeads'
  | 'allHeadsHelp'
  | 'cell'
  | 'numbers'
  | 'weightOf'
  | 'loading';

/** The model a result came from, as shown. */
export interface StepsModelView {
  label: string;
  family: string;
  /** GPT: each token sees only itself and the tokens before it. */
  causal: boolean;
}

/** What the panel shows: one text, one layer, head and query token. */
export interface AttentionStepsPayload {
  /** Which result this is: the page's draw report names it, so a report of an older one is told apart. */
  id: number;
  model: StepsModelView;
  /** Where the text came from, localized ("Selection", "Line 3"). */
  source: string;
  text: string;
  result: AttentionStepsResult;
}

/** The layer, head and query token the panel asks for. */
export interface StepsSelection {
  layer: number;
  head: number;
  query: number;
}

export type AttentionStepsStatus = { kind: 'ready' } | { kind: 'loading'; message: string } | { kind: 'error'; message: string };

/** What the page reports after drawing (tests read it): the numbers as its table shows them. */
export interface StepsDrawReport extends StepsSelection {
  /** The payload drawn. */
  id: number;
  /** The softmax weights of the scores table, read back from its rows. */
  weights: number[];
  /** The model's attention row, read back from the same rows. */
  modelWeights: number[];
  /** Whether the page shows the check as passed (max |Δ| ≤ 1e-5). */
  checkPassed: boolean;
  /** Numbered stages drawn (1 to 4). */
  stages: number;
  /** Heads in the "all heads" row. */
  heads: number;
}

export interface AttentionStepsPanelState {
  payload?: AttentionStepsPayload;
}

export type AttentionStepsChannel = {
  requests: {
    /** Shows another layer, head or query token of the same text. */
    'steps/select': { params: StepsSelection; result: { ok: boolean } };
  };
  toWebview: {
    'panel/didInit': { strings: LocalizedStrings<AttentionStepsStringKey> };
    'steps/didChange': AttentionStepsPayload;
    'status/didChange': AttentionStepsStatus;
  };
  toHost: {
    'webview/ready': Record<string, never>;
    'view/didDraw': StepsDrawReport;
  };
};
