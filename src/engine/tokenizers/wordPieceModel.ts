/** WordPiece through tokenizers.js's model; `[UNK]` spans the whole word, as in Rust. */
import type { HfWordPieceModel } from './hfTokenizers';
import type { NormalizedString } from './normalizedString';
import type { MergeTrace } from './types';
import type { TokenSink, WordModel } from './models';
import { traceWordPiece } from './wordPieceTrace';
import { addToPlan, emptyPlan, WordCache, type WordPlan } from './wordCache';

export class WordPieceModel implements WordModel {
  readonly kind = 'WordPiece' as const;
  private readonly prefix: string;
  private readonly unk: string;
  private readonly plans = new WordCache<WordPlan>(50_000);
  private readonly traces = new WordCache<MergeTrace>(20_000);
  private readonly planWord = (word: string): WordPlan => this.plan(word);
  private readonly replayWord = (word: string): MergeTrace =>
    traceWordPiece(word, {
      vocab: this.hf.tokens_to_ids,
      prefix: this.prefix,
      unkToken: this.unk,
      maxChars: this.hf.max_input_chars_per_word,
    });

  constructor(private readonly hf: HfWordPieceModel) {
    this.prefix = hf.config.continuing_subword_prefix ?? '##';
    this.unk = hf.unk_token ?? '[UNK]';
  }

  tokenize(word: NormalizedString, sink: TokenSink): void {
    if (word.length === 0) return;
    const { tokens, ids, starts, ends } = this.plans.get(word.text, this.planWord);
    for (let k = 0; k < tokens.length; k++) sink.push(ids[k], tokens[k], word.startAt(starts[k]), word.endAt(ends[k] - 1));
  }

  trace(word: string): MergeTrace {
    return this.traces.get(word, this.replayWord);
  }

  private plan(text: string): WordPlan {
    const plan = emptyPlan();
    const vocab = this.hf.tokens_to_ids;
    const tokens = this.hf.encode([text]);
    if (tokens.length === 1 && tokens[0] === this.unk && text !== this.unk) {
      addToPlan(plan, vocab.get(this.unk) as number, this.unk, 0, text.length);
      return plan;
    }
    let pos = 0;
    tokens.forEach((t, k) => {
      const len = k === 0 ? t.length : t.length - this.prefix.length;
      addToPlan(plan, vocab.get(t) as number, t, pos, pos + len);
      pos += len;
    });
    return plan;
  }
}
