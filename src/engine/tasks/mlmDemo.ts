/**
 * BERT's training-time corruption applied to a text, and what the model recovers: round(rate × n)
 * of the n ordinary tokens are chosen (at least one; special tokens never), and of those 80 %
 * become the mask token, 10 % a random ordinary token, 10 % stay unchanged — all drawn from one
 * seeded mulberry32 stream, so a seed always gives the same corruption. One forward pass.
 */
import { seededRandom } from '../graph/weights';
import { TaskError } from './errors';
import { requireMaskToken } from './fillMask';
import { logitsOfIds, logitsRow } from './idsLogits';
import { tokensFor, type TaskModel } from './inputs';
import { argmax, logSumExp, topIds } from './softmax';
import { tokenChoice } from './tokenText';
import type { MlmDemoOptions, MlmDemoPosition, MlmDemoResult } from './taskTypes';

/** A random id whose token is an ordinary one (not special, not the mask). */
function randomOrdinaryId(model: TaskModel, random: () => number, avoid: ReadonlySet<number>): number {
  for (let tries = 0; tries < 1000; tries++) {
    const id = Math.floor(random() * model.vocabSize);
    if (avoid.has(id)) continue;
    const token = model.tokenizer.idToToken(id);
    if (token === undefined) continue;
    const encoded = model.tokenizer.encode(token).tokens;
    if (encoded.length === 1 && encoded[0].special) continue;
    return id;
  }
  throw new Error('no ordinary token found in the vocabulary');
}

export async function mlmDemo(model: TaskModel, text: string, options: MlmDemoOptions): Promise<MlmDemoResult> {
  const { maskToken, maskId } = requireMaskToken(model);
  const rate = options.rate ?? 0.15;
  const topK = options.topK ?? 5;
  if (!Number.isInteger(options.seed)) throw new TaskError(`the seed must be a whole number, got ${String(options.seed)}`);
  if (!(rate > 0 && rate <= 1)) throw new TaskError(`the masking rate must be in (0, 1], got ${rate}`);
  if (!Number.isInteger(topK) || topK < 1) throw new TaskError(`top-k must be a whole number ≥ 1, got ${topK}`);
  const tokens = tokensFor(model, text);
  const ordinary = tokens.flatMap((t, i) => (t.special ? [] : [i]));
  if (ordinary.length === 0) throw new TaskError('the text has no ordinary token to mask: select some words');
  const random = seededRandom(options.seed);
  // Partial Fisher–Yates: the first `count` of a shuffled copy, then in text order.
  const count = Math.max(1, Math.round(rate * ordinary.length));
  const pool = [...ordinary];
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  const chosen = pool.slice(0, count).sort((a, b) => a - b);
  const specials = new Set(tokens.filter((t) => t.special).map((t) => t.id).concat(maskId));
  const ids = tokens.map((t) => t.id);
  const corruption = new Map<number, MlmDemoPosition['corruption']>();
  for (const p of chosen) {
    const r = random();
    if (r < 0.8) {
      corruption.set(p, 'mask');
      ids[p] = maskId;
    } else if (r < 0.9) {
      corruption.set(p, 'random');
      ids[p] = randomOrdinaryId(model, random, specials);
    } else corruption.set(p, 'keep');
  }
  const logits = await logitsOfIds(model, [ids]);
  const corrupted = ids.map((id, i) => (id === maskId ? maskToken : corruption.has(i) ? model.tokenizer.idToToken(id) ?? `<${id}>` : tokens[i].token));
  const positions: MlmDemoPosition[] = chosen.map((p) => {
    const row = logitsRow(logits, 0, p);
    const lse = logSumExp(row);
    const prob = (id: number): number => Math.exp(row[id] - lse);
    const t = tokens[p];
    return {
      position: p, start: t.start, end: t.end, original: tokenChoice(model.tokenizer, t.id, prob(t.id)),
      corruption: corruption.get(p) as MlmDemoPosition['corruption'], shownAs: corrupted[p],
      predictions: topIds(row, topK).map((id) => tokenChoice(model.tokenizer, id, prob(id))), correct: argmax(row) === t.id,
    };
  });
  return { tokens, corrupted, positions, accuracy: positions.filter((p) => p.correct).length / positions.length, seed: options.seed };
}
