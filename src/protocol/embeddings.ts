/**
 * Host ⇄ webview messages of the Contextual Embeddings panel (issue 14): a word's hidden state at
 * every layer against the same word elsewhere or a second selection and against its own static
 * embedding, its nearest vocabulary tokens, and the "similarité sémantique" of two selections.
 * Types only (see `wire.ts`).
 */
import type { EmbeddingComparison, EmbeddingSpan, EmbeddingsResult, NearestTokens } from '../engine/inside/insideTypes';
import type { ModelBadge } from './prediction';
import type { ResultChannel, ResultPanelState } from './resultPanel';

export type { EmbeddingComparison, EmbeddingSpan, EmbeddingsResult, ModelBadge, NearestTokens };

export type EmbeddingsStringKey =
  | 'title'
  | 'model'
  | 'explainStatic'
  | 'explainContextual'
  | 'explainCosine'
  | 'word'
  | 'second'
  | 'extraSelections'
  | 'readRange'
  | 'cut'
  | 'chartTitle'
  | 'chartDesc'
  | 'axisLayer'
  | 'stateHeader'
  | 'stateEmbeddings'
  | 'axisCosine'
  | 'layerEmbeddings'
  | 'layerN'
  | 'vsStatic'
  | 'vsOccurrence'
  | 'vsSelection'
  | 'noComparison'
  | 'tableTitle'
  | 'nearestTitle'
  | 'nearestOf'
  | 'cosine'
  | 'similarityTitle'
  | 'similarityMethod'
  | 'similarityNone'
  | 'loading';

export interface EmbeddingsPayload {
  model: ModelBadge;
  /** The text read, as in the document, and its first character's offset in the document. */
  text: string;
  offset: number;
  /** The document lines the text read spans (1-based). */
  lines: { first: number; last: number };
  /** Selections beyond the second were left out. */
  extraSelections: number;
  /** The paragraph was longer than the model's context: only this window of it was read. */
  cut?: { limit: number };
  result: EmbeddingsResult;
  drawId: number;
}

/** What the page drew (tests read it back). */
export interface EmbeddingsDrawReport {
  drawId: number;
  /** Curves in the chart (comparisons + the static-embedding curve). */
  curves: number;
  /** Points per curve (L + 1). */
  points: number;
  /** Neighbour rows listed. */
  neighbours: number;
  /** The similarity number shown, if any. */
  similarity: number | null;
}

export type EmbeddingsPanelState = ResultPanelState<EmbeddingsPayload>;

export type EmbeddingsChannel = ResultChannel<EmbeddingsStringKey, EmbeddingsPayload, EmbeddingsDrawReport>;
