/**
 * Per-word caches of the models. A word's tokens depend only on its text, so each distinct word
 * is cut once and replayed from here; the cache is simply emptied when it grows too big.
 */

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
