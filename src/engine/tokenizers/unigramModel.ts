/**
 * The Unigram model (SentencePiece; camembert, xlm-roberta), as Rust tokenizers runs it:
 *
 *  - Viterbi over the word: at each character start, every vocabulary piece that begins there is a
 *    candidate (shortest first), scored by its log-probability added to the best score reaching
 *    its start; a later candidate replaces an earlier one only with a strictly higher score.
 *  - A character no piece of its own length covers gets the unknown piece, scored
 *    `min(score) - 10`; consecutive unknowns are fused into one token (always, in Rust).
 *  - Each resulting string that is not a vocabulary piece becomes byte pieces (`<0xE2>`…) when
 *    `byte_fallback` is on and they all exist, each spanning the whole string; otherwise the
 *    unknown id — with the TEXT as its token string, as the reference reports it.
 *
 * Pieces are found with a sorted array of the vocabulary walked like a trie (no node objects:
 * xlm-roberta has 250,002 pieces). Positions are UTF-16 units of the word.
 */
import type { MergeTrace } from './types';
import type { WordModel } from './wordModel';
import { addToPlan, CachedWordModel, emptyPlan, type WordPlan } from './wordCache';
import { quoteValue } from '../errorText';
import { TokenizerError } from './errors';
import { boolField } from './jsonFields';

export interface UnigramConfig {
  vocab: Array<[string, number]>;
  unk_id?: number | null;
  byte_fallback?: boolean;
}

const UNK_PENALTY = 10;

/** Parses and checks a tokenizer.json Unigram model (`vocab` as `[piece, score]` pairs). */
export function unigramConfig(model: Record<string, unknown>): UnigramConfig {
  const raw = model.vocab;
  if (!Array.isArray(raw)) throw new TokenizerError('the Unigram model has no "vocab" list');
  const vocab = raw.map((entry, i): [string, number] => {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || typeof entry[1] !== 'number' || !Number.isFinite(entry[1])) {
      throw new TokenizerError(`the Unigram vocab entry ${i} is not ["piece", score]: ${quoteValue(entry)}`);
    }
    return [entry[0], entry[1]];
  });
  const unk = model.unk_id;
  let unkId: number | null = null;
  if (unk !== undefined && unk !== null) {
    if (typeof unk !== 'number' || !Number.isInteger(unk) || unk < 0) throw new TokenizerError(`the Unigram "unk_id" ${quoteValue(unk)} is not an id`);
    if (vocab.length === 0) throw new TokenizerError('the Unigram vocabulary is empty');
    if (unk >= vocab.length) throw new TokenizerError(`the Unigram "unk_id" ${unk} is not in the vocabulary of ${vocab.length}`);
    unkId = unk;
  }
  return { vocab, unk_id: unkId, byte_fallback: boolField(model, 'byte_fallback', 'model', false) };
}

export class UnigramModel extends CachedWordModel implements WordModel {
  readonly kind = 'Unigram' as const;
  /** piece → id (the last of duplicates, as in Rust's map). */
  readonly ids = new Map<string, number>();
  private readonly pieces: string[];
  private readonly scores: Float64Array;
  /** Distinct pieces sorted by UTF-16 code units, and their ids. */
  private readonly sorted: string[];
  private readonly sortedIds: Int32Array;
  private readonly unkId: number | undefined;
  private readonly unkScore: number;
  private readonly byteFallback: boolean;

  constructor(config: UnigramConfig) {
    super();
    this.pieces = config.vocab.map(([piece]) => piece);
    this.scores = Float64Array.from(config.vocab, ([, score]) => score);
    let min = Infinity;
    config.vocab.forEach(([piece, score], id) => {
      this.ids.set(piece, id);
      if (score < min) min = score;
    });
    this.unkScore = min - UNK_PENALTY;
    this.unkId = config.unk_id ?? undefined;
    this.byteFallback = config.byte_fallback === true;
    // The default sort orders strings by UTF-16 code units, as the walk below reads them.
    this.sorted = [...this.ids.keys()].filter((p) => p.length > 0).sort();
    this.sortedIds = Int32Array.from(this.sorted, (p) => this.ids.get(p) as number);
  }

  get size(): number {
    return this.pieces.length;
  }

  idToToken(id: number): string | undefined {
    return this.pieces[id];
  }

  /** Calls `fn(length, id)` for every piece that starts `text` at `start`, shortest first. */
  private forEachPiece(text: string, start: number, fn: (length: number, id: number) => void): void {
    const sorted = this.sorted;
    let lo = 0;
    let hi = sorted.length;
    for (let len = 0; start + len < text.length && lo < hi; ) {
      const c = text.charCodeAt(start + len);
      // Narrow [lo, hi) (pieces sharing the first `len` units) to those whose next unit is c;
      // a piece of exactly `len` units sorts first and counts as -1.
      const unitAt = (i: number): number => (sorted[i].length > len ? sorted[i].charCodeAt(len) : -1);
      let a = lo;
      let b = hi;
      while (a < b) {
        const mid = (a + b) >>> 1;
        if (unitAt(mid) < c) a = mid + 1;
        else b = mid;
      }
      lo = a;
      b = hi;
      while (a < b) {
        const mid = (a + b) >>> 1;
        if (unitAt(mid) <= c) a = mid + 1;
        else b = mid;
      }
      hi = a;
      len++;
      // Every unit matched: the first piece of the range, if it has exactly `len` units, is one.
      if (lo < hi && sorted[lo].length === len) fn(len, this.sortedIds[lo]);
    }
  }

  /** Viterbi: the best segmentation's pieces as [start, end) and ids (unknowns fused). */
  private segment(text: string): { starts: number[]; ends: number[]; ids: number[] } {
    const n = text.length;
    const best = new Float64Array(n + 1);
    const from = new Int32Array(n + 1).fill(-1);
    const chosen = new Int32Array(n + 1);
    for (let s = 0; s < n; ) {
      const base = best[s];
      const c = text.charCodeAt(s);
      const width = c >= 0xd800 && c <= 0xdbff && s + 1 < n && (text.charCodeAt(s + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
      let single = false;
      this.forEachPiece(text, s, (length, id) => {
        const end = s + length;
        const score = this.scores[id] + base;
        if (from[end] < 0 || score > best[end]) {
          best[end] = score;
          from[end] = s;
          chosen[end] = id;
        }
        if (length === width) single = true;
      });
      if (!single) {
        const end = s + width;
        const score = this.unkScore + base;
        if (from[end] < 0 || score > best[end]) {
          if (this.unkId === undefined) throw new TokenizerError(`Unigram: a character is not in the vocabulary and the model has no unknown piece (unk_id)`);
          best[end] = score;
          from[end] = s;
          chosen[end] = this.unkId;
        }
      }
      s += width;
    }
    const starts: number[] = [];
    const ends: number[] = [];
    const ids: number[] = [];
    let fusedStart = -1;
    let fusedEnd = -1;
    const flush = (): void => {
      if (fusedStart < 0) return;
      starts.push(fusedStart);
      ends.push(fusedEnd);
      ids.push(this.unkId as number);
      fusedStart = -1;
    };
    for (let end = n; end > 0; ) {
      const start = from[end];
      if (this.unkId !== undefined && chosen[end] === this.unkId) {
        if (fusedStart < 0) fusedEnd = end;
        fusedStart = start;
      } else {
        flush();
        starts.push(start);
        ends.push(end);
        ids.push(chosen[end]);
      }
      end = start;
    }
    flush();
    starts.reverse();
    ends.reverse();
    ids.reverse();
    return { starts, ends, ids };
  }

  protected plan(text: string): WordPlan {
    const plan = emptyPlan();
    if (text.length === 0) return plan;
    const { starts, ends } = this.segment(text);
    for (let k = 0; k < starts.length; k++) {
      const piece = text.slice(starts[k], ends[k]);
      const id = this.ids.get(piece);
      if (id !== undefined) {
        addToPlan(plan, id, piece, starts[k], ends[k]);
        continue;
      }
      const bytes = this.byteFallback ? this.byteTokens(piece) : undefined;
      if (bytes) {
        for (const [token, byteId] of bytes) addToPlan(plan, byteId, token, starts[k], ends[k]);
        continue;
      }
      if (this.unkId === undefined) throw new TokenizerError(`Unigram: ${quoteValue(piece)} is not in the vocabulary and the model has no unknown piece (unk_id)`);
      addToPlan(plan, this.unkId, piece, starts[k], ends[k]);
    }
    return plan;
  }

  private byteTokens(piece: string): Array<[string, number]> | undefined {
    const out: Array<[string, number]> = [];
    for (const b of Buffer.from(piece, 'utf8')) {
      const token = `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
      const id = this.ids.get(token);
      if (id === undefined) return undefined;
      out.push([token, id]);
    }
    return out;
  }

  /**
   * The replay shown to a person: each chosen piece, with the other pieces that began at the same
   * place and lost (longest first) as the candidates tried.
   */
  protected replay(word: string): MergeTrace {
    const plan = this.plan(word);
    const steps = plan.tokens.map((piece, k) => {
      const start = plan.starts[k];
      const end = plan.ends[k];
      const tried: string[] = [];
      if (k === 0 || plan.starts[k - 1] !== start) {
        this.forEachPiece(word, start, (length) => {
          if (start + length !== end) tried.push(word.slice(start, start + length));
        });
      }
      return { piece, start, end, tried: tried.reverse() };
    });
    return { kind: 'wordpiece', word, steps, tokens: plan.tokens };
  }
}
