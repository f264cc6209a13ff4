/**
 * Per-word caches of the models. A word's tokens depend only on its text, so each distinct word
 * is cut once and replayed from here; the cache is simply emptied when it grows too big.
 */
import type { TokenSink } from './wordModel';
import type { NormalizedString } from './normalizedString';
import type { MergeTrace } from './types';

/** The tokens of one word, with their [start, end) in the word's UTF-16 units. */
export interface WordPlan {
  tokens: string[];
  ids: number[];
  starts: number[];
  ends: number[];
}

export function emptyPlan(): WordPlan {
  return { tokens: [], ids: [], starts: [], ends: [] };
}

export function addToPlan(plan: WordPlan, id: number, token: string, start: number, end: number): void {
  plan.tokens.push(token);
  plan.ids.push(id);
  plan.starts.push(start);
  plan.ends.push(end);
}

export class WordCache<T> {
  private map = new Map<string, T>();

  constructor(private readonly capacity: number) {}

  get(word: string, compute: (word: string) => T): T {
    let value = this.map.get(word);
    if (value === undefined) {
      value = compute(word);
      if (this.map.size >= this.capacity) this.map.clear();
      this.map.set(word, value);
    }
    return value;
  }
}

/**
 * A word model that cuts each distinct word once (`plan`) and replays it once (`replay`), then
 * serves both from caches. Subclasses say how to cut and how to replay.
 */
export abstract class CachedWordModel {
  private readonly plans = new WordCache<WordPlan>(50_000);
  private readonly traces = new WordCache<MergeTrace>(20_000);
  private readonly planWord = (word: string): WordPlan => this.plan(word);
  private readonly replayWord = (word: string): MergeTrace => this.replay(word);

  protected abstract plan(word: string): WordPlan;
  protected abstract replay(word: string): MergeTrace;

  /** The word's plan, cut on first use. */
  protected cachedPlan(word: string): WordPlan {
    return this.plans.get(word, this.planWord);
  }

  tokenize(word: NormalizedString, sink: TokenSink): void {
    if (word.length === 0) return;
    const { tokens, ids, starts, ends } = this.cachedPlan(word.text);
    for (let k = 0; k < tokens.length; k++) sink.push(ids[k], tokens[k], word.startAt(starts[k]), word.endAt(ends[k] - 1));
  }

  trace(word: string): MergeTrace {
    return this.traces.get(word, this.replayWord);
  }
}
