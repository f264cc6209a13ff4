/**
 * BPE through tokenizers.js's model (its merge ranks and `bpe()`; words longer than LONG_WORD
 * through bpeMerge.ts, the same merges in O(n log n)), with Rust's handling of
 * symbols missing from the vocabulary: byte fallback (`<0xE4>`…), else the unknown token (fused
 * when `fuse_unk`), else dropped. Each distinct word is planned once (CachedWordModel).
 */
import type { HfBpeModel } from './hfTokenizers';
import type { MergeTrace } from './types';
import type { ModelConfig, WordModel } from './wordModel';
import { quoteValue } from '../errorText';
import { bpeInitialSymbols, rankTable, traceBpe } from './bpeTrace';
import { mergeSymbols } from './bpeMerge';
import { addToPlan, CachedWordModel, emptyPlan, type WordPlan } from './wordCache';
import { missingUnk, TokenizerError } from './errors';

/** Byte-fallback tokens of a symbol (`<0xE4>`…), or undefined if one is missing. */
function byteFallback(symbol: string, vocab: Map<string, number>): Array<[string, number]> | undefined {
  const out: Array<[string, number]> = [];
  for (const b of Buffer.from(symbol, 'utf8')) {
    const t = `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
    const id = vocab.get(t);
    if (id === undefined) return undefined;
    out.push([t, id]);
  }
  return out;
}

/** Words longer than this (UTF-16 units) are merged by mergeSymbols, not tokenizers.js. */
const LONG_WORD = 256;

export class BpeModel extends CachedWordModel implements WordModel {
  readonly kind = 'BPE' as const;
  private readonly suffix: string;
  private readonly unk: string | undefined;
  private readonly unkId: number | undefined;
  private ranks: Map<string, number> | undefined;

  constructor(
    private readonly hf: HfBpeModel,
    private readonly config: ModelConfig,
  ) {
    super();
    this.suffix = config.end_of_word_suffix ?? '';
    this.unk = config.unk_token;
    this.unkId = this.unk !== undefined ? hf.tokens_to_ids.get(this.unk) : undefined;
    if (config.continuing_subword_prefix) {
      throw new TokenizerError(
        `unsupported BPE option model.continuing_subword_prefix ${quoteValue(config.continuing_subword_prefix)} (only "" is supported)`,
      );
    }
  }

  /**
   * BPE never merges across a boundary between two final tokens, and the merges inside each
   * final token happen in the same order whatever surrounds it: a long word can be replayed as
   * consecutive groups of its final tokens, with exactly the same merges and tokens.
   */
  cutPoints(word: string): number[] | undefined {
    if (this.suffix !== '' || this.hf.ignore_merges) return undefined;
    return this.cachedPlan(word).starts;
  }

  protected plan(text: string): WordPlan {
    const plan = emptyPlan();
    const vocab = this.hf.tokens_to_ids;
    if (this.hf.ignore_merges) {
      const id = vocab.get(text);
      if (id !== undefined) {
        addToPlan(plan, id, text, 0, text.length);
        return plan;
      }
    }
    // tokenizers.js's bpe() is kept for the short words it caches; long ones are merged with
    // typed arrays (same merges, same order: see bpeMerge.ts and its test).
    const symbols = text.length > LONG_WORD ? mergeSymbols(bpeInitialSymbols(text, this.suffix), this.rankTable()) : this.hf.bpe(text);
    let pos = 0;
    symbols.forEach((symbol, k) => {
      const len = k === symbols.length - 1 ? symbol.length - this.suffix.length : symbol.length;
      this.emit(plan, symbol, pos, pos + len);
      pos += len;
    });
    return plan;
  }

  private rankTable(): Map<string, number> {
    this.ranks ??= rankTable(this.hf.merges);
    return this.ranks;
  }

  /** Adds one merged symbol to the plan, resolving symbols missing from the vocabulary as Rust does. */
  private emit(plan: WordPlan, symbol: string, start: number, end: number): void {
    const vocab = this.hf.tokens_to_ids;
    const id = vocab.get(symbol);
    if (id !== undefined) return addToPlan(plan, id, symbol, start, end);
    const bytes = this.hf.byte_fallback ? byteFallback(symbol, vocab) : undefined;
    if (bytes) {
      for (const [t, tid] of bytes) addToPlan(plan, tid, t, start, end);
      return;
    }
    if (this.unk === undefined) return; // No unknown token: the symbol is dropped, as in Rust.
    if (this.unkId === undefined) throw missingUnk(this.unk, symbol);
    const last = plan.tokens.length - 1;
    const previousIsUnk = last >= 0 && plan.ids[last] === this.unkId && plan.ends[last] === start && plan.tokens[last] === this.unk;
    if (previousIsUnk && this.config.fuse_unk === true) plan.ends[last] = end;
    else addToPlan(plan, this.unkId, this.unk, start, end);
  }

  protected replay(word: string): MergeTrace {
    if (this.hf.ignore_merges && this.hf.tokens_to_ids.has(word)) {
      // ignore_merges: a word that is itself in the vocabulary is one token, without merging.
      return { kind: 'bpe', word, initial: [word], steps: [], tokens: [word] };
    }
    return traceBpe(word, { ranks: this.rankTable(), endOfWordSuffix: this.suffix }, (symbols) => {
      const plan = emptyPlan();
      let pos = 0;
      for (const s of symbols) {
        this.emit(plan, s, pos, pos + s.length);
        pos += s.length;
      }
      return plan.tokens;
    });
  }
}
