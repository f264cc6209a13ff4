/** WordPiece through tokenizers.js's model; `[UNK]` spans the whole word, as in Rust. */
import type { HfWordPieceModel } from './hfTokenizers';
import type { MergeTrace } from './types';
import type { WordModel } from './models';
import { missingUnk } from './errors';
import { traceWordPiece } from './wordPieceTrace';
import { addToPlan, CachedWordModel, emptyPlan, type WordPlan } from './wordCache';

export class WordPieceModel extends CachedWordModel implements WordModel {
  readonly kind = 'WordPiece' as const;
  private readonly prefix: string;
  private readonly unk: string;

  constructor(private readonly hf: HfWordPieceModel) {
    super();
    this.prefix = hf.config.continuing_subword_prefix ?? '##';
    this.unk = hf.unk_token ?? '[UNK]';
  }

  protected replay(word: string): MergeTrace {
    return traceWordPiece(word, {
      vocab: this.hf.tokens_to_ids,
      prefix: this.prefix,
      unkToken: this.unk,
      maxChars: this.hf.max_input_chars_per_word,
    });
  }

  protected plan(text: string): WordPlan {
    const plan = emptyPlan();
    const vocab = this.hf.tokens_to_ids;
    const tokens = this.hf.encode([text]);
    const idOf = (token: string): number => {
      const id = vocab.get(token);
      if (id === undefined) throw missingUnk(this.unk, text);
      return id;
    };
    if (tokens.length === 1 && tokens[0] === this.unk && text !== this.unk) {
      addToPlan(plan, idOf(this.unk), this.unk, 0, text.length);
      return plan;
    }
    let pos = 0;
    tokens.forEach((t, k) => {
      const len = k === 0 ? t.length : t.length - this.prefix.length;
      addToPlan(plan, idOf(t), t, pos, pos + len);
      pos += len;
    });
    return plan;
  }
}
