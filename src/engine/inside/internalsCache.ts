/**
 * The internals of the last texts run on each loaded model, so that choosing another layer, head
 * or query token — or opening the lens or the embeddings on the same text — costs no model run.
 * Bounded per model by a count and by bytes (a text whose internals exceed the byte bound is run
 * but not kept); released with the model.
 */
import { perModel } from '../tasks/modelExtras';
import { tokensFor } from '../tasks/inputs';
import type { LoadedModel } from '../tasks/openModel';
import { internalsBytes, runInternalsForTokens, type ModelInternals } from './internals';

export const INTERNALS_CACHE = { texts: 4, bytes: 512 * 1024 * 1024 } as const;

interface Kept {
  internals: Promise<ModelInternals>;
  bytes: number;
}

const kept = perModel<Map<string, Kept>>((texts) => texts.clear());

/** The internals of `text` on `model`: from the cache, or one run (kept when it fits). */
export async function internalsOf(model: LoadedModel, text: string): Promise<ModelInternals> {
  const texts = await kept.get(model, async () => new Map());
  const hit = texts.get(text);
  if (hit) {
    texts.delete(text);
    texts.set(text, hit);
    return hit.internals;
  }
  const tokens = tokensFor(model, text);
  const bytes = internalsBytes(model, tokens.length);
  const internals = runInternalsForTokens(model, tokens);
  if (bytes > INTERNALS_CACHE.bytes) return internals;
  texts.set(text, { internals, bytes });
  internals.catch(() => {
    if (texts.get(text)?.internals === internals) texts.delete(text);
  });
  let total = [...texts.values()].reduce((s, k) => s + k.bytes, 0);
  for (const [key, value] of texts) {
    if (texts.size <= INTERNALS_CACHE.texts && total <= INTERNALS_CACHE.bytes) break;
    if (key === text) continue;
    texts.delete(key);
    total -= value.bytes;
  }
  return internals;
}
