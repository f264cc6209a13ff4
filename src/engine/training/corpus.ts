/**
 * The training text cut into paragraphs (blank lines; single lines when the text has few
 * paragraphs) and split into training and validation parts by a seeded draw of whole paragraphs,
 * so a validation paragraph is never seen in training. Order is kept within each part.
 */
import { seededRandom } from '../graph/weights';

export interface CorpusSplit {
  readonly train: readonly string[];
  readonly validation: readonly string[];
}

export function paragraphs(text: string): string[] {
  const clean = text.replace(/\r\n?/g, '\n');
  const byBlank = clean.split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p !== '');
  if (byBlank.length >= 20) return byBlank;
  return clean.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

export function splitCorpus(text: string, validationFraction: number, seed: number): CorpusSplit {
  const parts = paragraphs(text);
  const total = parts.reduce((n, p) => n + p.length, 0);
  const order = parts.map((_, i) => i);
  const next = seededRandom(seed); // the split must be the same for the same seed
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const chosen = new Set<number>();
  let chars = 0;
  // At least one paragraph each side when there are two or more.
  for (const i of order) {
    if (chars >= validationFraction * total || chosen.size >= parts.length - 1) break;
    chosen.add(i);
    chars += parts[i].length;
  }
  return { train: parts.filter((_, i) => !chosen.has(i)), validation: parts.filter((_, i) => chosen.has(i)) };
}
