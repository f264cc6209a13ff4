/**
 * Contextual embeddings: a word's hidden state at each layer (the mean over its tokens) compared by
 * cosine with the same word elsewhere or a second selection, and with its own static input
 * embedding (the word embedding table's rows); the vocabulary tokens nearest to a token's static
 * embedding; and the course's "similarité sémantique" of two selections — the cosine of the means
 * of their last layer's hidden states.
 */
import { TaskError } from '../tasks/errors';
import { tokenChoice } from '../tasks/tokenText';
import type { TextTokenizer } from '../tokenizers/textTokenizer';
import type { EmbeddingComparison, EmbeddingSpan, EmbeddingsResult, NearestTokens } from './insideTypes';
import type { ModelInternals } from './internals';
import type { EmbeddingTable } from './modelTables';

/** Other occurrences compared at most, and the word's tokens given nearest neighbours at most. */
export const EMBEDDING_LIMITS = { occurrences: 8, nearestTokens: 8, neighbours: 10 } as const;

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

/** The mean of rows `positions` of a [T·d] matrix, in float64. */
export function meanRows(matrix: Float32Array, positions: readonly number[], d: number): Float64Array {
  const out = new Float64Array(d);
  for (const p of positions) for (let c = 0; c < d; c++) out[c] += matrix[p * d + c];
  for (let c = 0; c < d; c++) out[c] /= positions.length;
  return out;
}

/** The characters [start, end) and the ordinary tokens that overlap them. */
export function spanOf(internals: ModelInternals, text: string, start: number, end: number): EmbeddingSpan {
  const positions = internals.tokens.flatMap((t, i) => (!t.special && t.start < end && t.end > start ? [i] : []));
  if (positions.length === 0) throw new TaskError(`no token of the model covers "${text.slice(start, end).slice(0, 40)}": select a word`);
  return { start, end, text: text.slice(start, end), positions };
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;

/** Whole-word occurrences of `word` in `text` other than the one at `except` (at most `limit`). */
export function otherOccurrences(text: string, word: string, except: number, limit: number): Array<{ start: number; end: number }> {
  const found: Array<{ start: number; end: number }> = [];
  if (!word.trim()) return found;
  for (let at = text.indexOf(word); at >= 0 && found.length < limit; at = text.indexOf(word, at + 1)) {
    const before = at > 0 ? text[at - 1] : '';
    const after = text[at + word.length] ?? '';
    const whole = !(WORD_CHAR.test(before) && WORD_CHAR.test(word[0])) && !(WORD_CHAR.test(after) && WORD_CHAR.test(word[word.length - 1]));
    if (whole && at !== except) found.push({ start: at, end: at + word.length });
  }
  return found;
}

/** Cosine of the two spans' mean hidden states at each layer, 0 … L. */
export function layerCosines(internals: ModelInternals, a: readonly number[], b: readonly number[]): number[] {
  const d = internals.dModel;
  return internals.hidden.map((h) => cosine(meanRows(h, a, d), meanRows(h, b, d)));
}

/** The `count` vocabulary rows closest (cosine) to row `id`, itself left out. */
export function nearestRows(table: EmbeddingTable, id: number, count: number): Array<{ id: number; cosine: number }> {
  const { dim, data, norms, rows } = table;
  const row = data.subarray(id * dim, (id + 1) * dim);
  const best: Array<{ id: number; cosine: number }> = [];
  for (let r = 0; r < rows; r++) {
    if (r === id || norms[r] === 0) continue;
    let s = 0;
    const at = r * dim;
    for (let c = 0; c < dim; c++) s += row[c] * data[at + c];
    const cos = s / (norms[r] * norms[id] || 1);
    if (best.length < count || cos > best[best.length - 1].cosine) {
      let i = best.length < count ? best.length : best.length - 1;
      if (best.length < count) best.push({ id: r, cosine: cos });
      while (i > 0 && best[i - 1].cosine < cos) {
        best[i] = best[i - 1];
        i--;
      }
      best[i] = { id: r, cosine: cos };
    }
  }
  return best;
}

export interface EmbeddingsOptions {
  /** The first selection (the word) and, optionally, a second one, as character ranges of the text. */
  spans: ReadonlyArray<{ start: number; end: number }>;
  /** Neighbours per token (default 10). */
  neighbours?: number;
}

export function contextualEmbeddings(internals: ModelInternals, text: string, table: EmbeddingTable, tokenizer: TextTokenizer, options: EmbeddingsOptions): EmbeddingsResult {
  if (options.spans.length < 1 || options.spans.length > 2) throw new TaskError('select one word (or two selections to compare)');
  const d = internals.dModel;
  if (table.dim !== d) throw new Error(`the embedding table has rows of ${table.dim}, the hidden states ${d}`);
  const word = spanOf(internals, text, options.spans[0].start, options.spans[0].end);
  const second = options.spans[1] && spanOf(internals, text, options.spans[1].start, options.spans[1].end);
  const others: EmbeddingComparison[] = second
    ? [{ other: second, cosine: layerCosines(internals, word.positions, second.positions), source: 'selection' }]
    : otherOccurrences(text, word.text, word.start, EMBEDDING_LIMITS.occurrences).flatMap((o) => {
        const positions = internals.tokens.flatMap((t, i) => (!t.special && t.start < o.end && t.end > o.start ? [i] : []));
        if (positions.length === 0) return [];
        const other: EmbeddingSpan = { ...o, text: text.slice(o.start, o.end), positions };
        return [{ other, cosine: layerCosines(internals, word.positions, positions), source: 'occurrence' as const }];
      });
  const ids = word.positions.map((p) => internals.tokens[p].id);
  const staticVector = new Float64Array(d);
  for (const id of ids) for (let c = 0; c < d; c++) staticVector[c] += table.data[id * d + c] / ids.length;
  const staticCosine = internals.hidden.map((h) => cosine(meanRows(h, word.positions, d), staticVector));
  const count = Math.max(1, Math.min(options.neighbours ?? EMBEDDING_LIMITS.neighbours, 50));
  const nearest: NearestTokens[] = word.positions.slice(0, EMBEDDING_LIMITS.nearestTokens).map((position) => ({
    position,
    neighbours: nearestRows(table, internals.tokens[position].id, count).map((n) => ({ ...tokenChoice(tokenizer, n.id, n.cosine), cosine: n.cosine })),
  }));
  const last = internals.hidden[internals.numLayers];
  return {
    tokens: internals.tokens,
    numLayers: internals.numLayers,
    word,
    comparisons: others,
    staticCosine,
    nearest,
    ...(second ? { similarity: { a: word, b: second, cosine: cosine(meanRows(last, word.positions, d), meanRows(last, second.positions, d)), method: 'meanLastLayerCosine' as const } } : {}),
  };
}
