/**
 * The King James Bible (Debian `bible-kjv`) as verses, and the seeded train / validation /
 * held-out test split every step of the training pipeline (and test/unit/repo/trainedModels.test.ts)
 * shares. Plain Node: no vscode, no engine state.
 *
 * Identical verse texts (the Bible repeats some, e.g. "And the LORD spake unto Moses, saying,")
 * always land in the same split, so "no held-out verse appears in training" holds text for text.
 */
import { execFileSync } from 'node:child_process';
import { seededRandom } from '../../src/engine/graph/weights';

export interface Verse {
  /** `Ge1:1` as `bible` prints it. */
  ref: string;
  text: string;
}

export interface CorpusSplit {
  train: Verse[];
  validation: Verse[];
  test: Verse[];
}

export const SPLIT_SEED = 20261124;
/** Shares of the distinct verse texts in validation and test; the rest is training. */
export const VALIDATION_SHARE = 0.05;
export const TEST_SHARE = 0.05;
export const BIBLE_RANGE = 'Gen1:1-Rev22:21';

/** Every verse, in canonical order, from Debian's `bible -f` (31,102 lines `Ge1:1 In the beginning …`). */
export function readBible(): Verse[] {
  const out = execFileSync('bible', ['-f', BIBLE_RANGE], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return parseBibleOutput(out);
}

export function parseBibleOutput(out: string): Verse[] {
  const verses: Verse[] = [];
  for (const line of out.split('\n')) {
    const m = /^(\S+:\d+) (.*\S)\s*$/.exec(line);
    if (m) verses.push({ ref: m[1], text: m[2] });
  }
  return verses;
}

/** Whether `bible` (Debian bible-kjv) can be run here. */
export function bibleAvailable(): boolean {
  try {
    execFileSync('bible', ['-f', 'Gen1:1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return true;
  } catch {
    return false;
  }
}

/**
 * Distinct texts are shuffled with a seeded Fisher–Yates (mulberry32); the first 5% go to test,
 * the next 5% to validation. Each split keeps the canonical verse order.
 */
export function splitVerses(verses: readonly Verse[], seed = SPLIT_SEED): CorpusSplit {
  const texts: string[] = [];
  const seen = new Set<string>();
  for (const v of verses) {
    if (!seen.has(v.text)) {
      seen.add(v.text);
      texts.push(v.text);
    }
  }
  const random = seededRandom(seed);
  const order = [...texts.keys()];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const nTest = Math.round(texts.length * TEST_SHARE);
  const nValidation = Math.round(texts.length * VALIDATION_SHARE);
  const where = new Map<string, keyof CorpusSplit>();
  order.forEach((t, rank) => where.set(texts[t], rank < nTest ? 'test' : rank < nTest + nValidation ? 'validation' : 'train'));
  const split: CorpusSplit = { train: [], validation: [], test: [] };
  for (const v of verses) split[where.get(v.text) as keyof CorpusSplit].push(v);
  return split;
}

/** `ref<TAB>text` lines (the format of the committed held-out file). */
export function versesToTsv(verses: readonly Verse[]): string {
  return verses.map((v) => `${v.ref}\t${v.text}\n`).join('');
}

export function versesFromTsv(tsv: string): Verse[] {
  return tsv
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const tab = l.indexOf('\t');
      return { ref: l.slice(0, tab), text: l.slice(tab + 1) };
    });
}
