/**
 * Checks of what the inside-the-model panels (Logit Lens, Contextual Embeddings) send: their draw
 * reports, whole numbers in range; see messageChecks.ts.
 */
import type { EmbeddingsDrawReport } from '../protocol/embeddings';
import type { LensDrawReport } from '../protocol/lens';
import type { Check } from '../protocol/wire';
import { bool, finite, intIn, isRecord } from './messageChecks';

/** Bounds of what a report counts (a lens grid of 1,024 columns × 100 rows is far below). */
const MAX_COUNT = 1 << 20;
const MAX_DRAW_ID = Number.MAX_SAFE_INTEGER;

export const checkLensDraw: Check<LensDrawReport> = (p) => {
  if (!isRecord(p)) return undefined;
  const drawId = intIn(p['drawId'], 0, MAX_DRAW_ID);
  const [rows, columns, cells, firstFinal] = ['rows', 'columns', 'cells', 'firstFinal'].map((k) => intIn(p[k], 0, MAX_COUNT));
  const caveat = bool(p['caveat']);
  if (drawId === undefined || rows === undefined || columns === undefined || cells === undefined || firstFinal === undefined || caveat === undefined) return undefined;
  if (cells > rows * columns || firstFinal > columns) return undefined;
  return { drawId, rows, columns, cells, firstFinal, caveat };
};

export const checkEmbeddingsDraw: Check<EmbeddingsDrawReport> = (p) => {
  if (!isRecord(p)) return undefined;
  const drawId = intIn(p['drawId'], 0, MAX_DRAW_ID);
  const [curves, points, neighbours] = ['curves', 'points', 'neighbours'].map((k) => intIn(p[k], 0, MAX_COUNT));
  const raw = p['similarity'];
  const similarity = raw === null ? null : finite(raw);
  if (drawId === undefined || curves === undefined || points === undefined || neighbours === undefined || similarity === undefined) return undefined;
  if (similarity !== null && (similarity < -1.000001 || similarity > 1.000001)) return undefined;
  return { drawId, curves, points, neighbours, similarity };
};
