/**
 * Host ⇄ webview messages of the Logit Lens panel (issue 14): every layer's hidden state read
 * through the model's output head, a grid of layers × positions. Types only (see `wire.ts`); the
 * engine's result types are re-exported so the page imports this folder only.
 */
import type { LensCell, LensTarget, LogitLensResult } from '../engine/inside/insideTypes';
import type { TokenChoice } from '../engine/tasks/taskTypes';
import type { ModelBadge } from './prediction';
import type { ResultChannel, ResultPanelState } from './resultPanel';

export type { LensCell, LensTarget, LogitLensResult, ModelBadge, TokenChoice };

export type LensStringKey =
  | 'title'
  | 'model'
  | 'introCausal'
  | 'introMasked'
  | 'caveat'
  | 'maskedWord'
  | 'readText'
  | 'maskCount'
  | 'cut'
  | 'gridLabel'
  | 'rowEmbeddings'
  | 'rowLayer'
  | 'rowOutput'
  | 'columnCausal'
  | 'columnLast'
  | 'columnMask'
  | 'columnMaskOf'
  | 'cellLabel'
  | 'firstFinal'
  | 'top'
  | 'target'
  | 'targetCausal'
  | 'targetMasked'
  | 'noTarget'
  | 'legend'
  | 'legendFirst'
  | 'keyboardHelp'
  | 'loading';

/** What the panel shows: the result, the model, and where the text read came from. */
export interface LensPayload {
  model: ModelBadge;
  /** The text the lens read (before any masking), as it is in the document. */
  text: string;
  /** Cut to the model's context: only the first or the surrounding tokens were read. */
  cut?: { tokens: number; limit: number };
  result: LogitLensResult;
  /** Echoed by the page's draw report, so the host knows which payload was drawn. */
  drawId: number;
}

/** What the page drew (tests read it back). */
export interface LensDrawReport {
  drawId: number;
  rows: number;
  columns: number;
  /** Cells with their top-1 token shown. */
  cells: number;
  /** Cells marked as where the final top-1 first appears (one per column). */
  firstFinal: number;
  /** The caveat line is on the page. */
  caveat: boolean;
}

export type LensPanelState = ResultPanelState<LensPayload>;

export type LensChannel = ResultChannel<LensStringKey, LensPayload, LensDrawReport>;
