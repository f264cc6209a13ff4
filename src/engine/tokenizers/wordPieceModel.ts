/** WordPiece through tokenizers.js's model; `[UNK]` spans the whole word, as in Rust. */
import type { HfWordPieceModel } from './hfTokenizers';
import type { MergeTrace } from './types';
import type { WordModel } from './wordModel';
import { missingUnk } from './errors';
import { longestPiece, traceWordPiece, type WordPieceTables } from './wordPieceTrace';
import { addToPlan, CachedWordModel, emptyPlan, type WordPlan } from './wordCache';

export class WordPieceModel extends CachedWordModel implements WordModel {
  readonly kind = 'WordPiece' as const;
  private readonly unk: string;
  private readonly tables: WordPieceTables;

  constructor(hf: HfWordPieceModel) {
    super();
    const prefix = hf.config.continuing_subword_prefix ?? '##';
    this.unk = hf.unk_token ?? '[UNK]';
    const vocab = hf.tokens_to_ids;
    this.tables = { vocab, prefix, unkToken: this.unk, maxChars: hf.max_input_chars_per_word, longest: longestPiece(vocab.keys(), prefix) };
  }

  protected replay(word: string): MergeTrace {
    return traceWordPiece(word, this.tables);
  }

  /** The same greedy search as the replay, without its record of every candidate tried. */
  protected plan(text: string): WordPlan {
    const plan = emptyPlan();
    const trace = traceWordPiece(text, this.tables, false);
    // No piece fits somewhere: the whole word is the unknown token, as in the reference.
    const steps = trace.tokens.length === 1 && trace.tokens[0] === this.unk ? [{ piece: this.unk, start: 0, end: text.length }] : trace.steps;
    for (const step of steps) {
      const id = this.tables.vocab.get(step.piece);
      if (id === undefined) throw missingUnk(this.unk, text);
      addToPlan(plan, id, step.piece, step.start, step.end);
    }
    return plan;
  }
}
