/**
 * Results of the "inside the model" tasks (issue 14): the attention formula step by step, the
 * logit lens and contextual embeddings. Plain data only (numbers, strings, arrays): these values
 * cross the model-host IPC, the webview channel and `trex --json` as they are. The task functions
 * live beside this file (attentionSteps.ts, logitLens.ts, embeddings.ts).
 */
import type { TokenChoice } from '../tasks/taskTypes';
import type { TokenSpan } from '../tokenizers/types';

/**
 * Where the attention's input comes from. `preLN` (GPT-2): x = ln_1(h), the block's input after
 * its first LayerNorm. `postLN` (BERT, DistilBERT, RoBERTa, CamemBERT): x = h, the layer's input
 * (the previous layer's output, already normalized).
 */
export type BlockLayout = 'preLN' | 'postLN';

// ---------- attention, step by step ----------
export interface AttentionStepsResult {
  tokens: TokenSpan[];
  layer: number;
  head: number;
  /** The query token's position in `tokens`. */
  query: number;
  numLayers: number;
  numHeads: number;
  /** d, the model's hidden size. */
  dModel: number;
  /** d_k = d / heads, the size of one head's q, k and v. */
  dk: number;
  layout: BlockLayout;
  /** 1. x_i: the query token's input to the attention [d]. */
  input: number[];
  /** 2. q_i = x_i W_Q + b_Q for this head [d_k]. */
  q: number[];
  /** k_j and v_j of every token j [T][d_k]. */
  keys: number[][];
  values: number[][];
  /** 3. q_i · k_j [T]. */
  dots: number[];
  /** q_i · k_j / √d_k [T]. */
  scaled: number[];
  /** false where the mask sets the score to −∞ (a future token for a causal model, padding). */
  allowed: boolean[];
  /** softmax of the allowed scaled scores (0 where masked) [T], computed here in float64. */
  weights: number[];
  /** The model's own attention row (the graph's `attentions.{layer}`) [T]. */
  modelWeights: number[];
  /** max_j |weights_j − modelWeights_j|. */
  maxDifference: number;
  /** 4. Σ_j a_ij v_j with the weights above [d_k]. */
  headOutput: number[];
  /** The model's weights of this query in every head of the layer [H][T]. */
  allHeads: number[][];
  /** Every head's output for this query, side by side: head h at [h·d_k, (h+1)·d_k) [d]. */
  concat: number[];
  /** The concatenation projected back to d: concat · W_O + b_O (the graph's attention output) [d]. */
  projected: number[];
}

// ---------- the logit lens ----------
/** The token that really comes (causal) or was there (masked word), with its probability at one cell. */
export interface LensTarget extends TokenChoice {
  /** 1 = the cell's top-1. */
  rank: number;
}

export interface LensCell {
  /** The top-k tokens read from this layer at this position, best first (prob = softmax). */
  top: TokenChoice[];
  target?: LensTarget;
}

export interface LogitLensResult {
  /** `causal`: next-token prediction at every position; `masked`: what an MLM would fill at each mask. */
  kind: 'causal' | 'masked';
  tokens: TokenSpan[];
  /** Row r: r = 0 the embeddings, r ≥ 1 the output of layer r − 1 (layers numbered from 0; the last row is the model's output). */
  numLayers: number;
  /** The token position of each column. */
  positions: number[];
  /** cells[row][column]: numLayers + 1 rows. */
  cells: LensCell[][];
  /** Per column, the first row whose top-1 is the final row's top-1. */
  firstFinal: number[];
  /** Masked kind, word mode: the characters [start, end) of the text that were masked, and the text the model read. */
  masked?: { start: number; end: number; text: string; maskCount: number; readText: string };
}

// ---------- contextual embeddings ----------
/** A stretch of the text and the token positions it covers (its vector is the mean of theirs). */
export interface EmbeddingSpan {
  start: number;
  end: number;
  text: string;
  /** Positions in `tokens`. */
  positions: number[];
}

export interface EmbeddingComparison {
  other: EmbeddingSpan;
  /** Cosine of the two spans' hidden states: [0] the embeddings, [r] after layer r − 1 (layers from 0) [L + 1]. */
  cosine: number[];
  /** Where `other` comes from: the user's second selection or another occurrence of the same word. */
  source: 'selection' | 'occurrence';
}

export interface NearestTokens {
  /** The token's position in `tokens`. */
  position: number;
  /** The closest vocabulary entries to its static (input) embedding, best first; prob holds the cosine. */
  neighbours: Array<TokenChoice & { cosine: number }>;
}

export interface EmbeddingsResult {
  tokens: TokenSpan[];
  numLayers: number;
  /** The word (first selection). */
  word: EmbeddingSpan;
  /** Its hidden state at each layer against the other spans [L + 1] each. */
  comparisons: EmbeddingComparison[];
  /** Cosine of the word's hidden state at each layer with its own static input embedding [L + 1]. */
  staticCosine: number[];
  /** The 10 vocabulary tokens closest to each of the word's tokens' static embedding. */
  nearest: NearestTokens[];
  /** Two selections: one number, "similarité sémantique", with its method named. */
  similarity?: { a: EmbeddingSpan; b: EmbeddingSpan; cosine: number; method: 'meanLastLayerCosine' };
}
