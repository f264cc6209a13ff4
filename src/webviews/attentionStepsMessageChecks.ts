/**
 * Checks of what the "Attention, step by step" page sends; see messageChecks.ts. Layer, head and
 * query are checked here against generous bounds, and by the model host against the model and
 * the text (a TaskError names the valid range).
 */
import type { StepsDrawReport, StepsSelection } from '../protocol/attentionSteps';
import type { Check } from '../protocol/wire';
import { MAX_HEADS, MAX_LAYERS } from './attentionMessageChecks';
import { bool, finite, intIn, isRecord, listOf } from './messageChecks';

/** More tokens than any model the panel runs reads (the longest context is a few thousand). */
export const MAX_STEPS_TOKENS = 16_384;

function selection(p: Record<string, unknown>): StepsSelection | undefined {
  const layer = intIn(p['layer'], 0, MAX_LAYERS - 1);
  const head = intIn(p['head'], 0, MAX_HEADS - 1);
  const query = intIn(p['query'], 0, MAX_STEPS_TOKENS - 1);
  return layer === undefined || head === undefined || query === undefined ? undefined : { layer, head, query };
}

/** `steps/select`: a layer, a head and a query token, whole numbers in range. */
export const checkStepsSelection: Check<StepsSelection> = (p) => (isRecord(p) ? selection(p) : undefined);

/** A weight as the table shows it: finite, in [0, 1] (with float32's slack). */
const weight = (v: unknown): number | undefined => {
  const w = finite(v);
  return w !== undefined && w >= 0 && w <= 1 + 1e-4 ? w : undefined;
};

/** `view/didDraw`: the selection drawn, its weights (one per token, both lists alike long), the check and the counts. */
export const checkStepsDrawReport: Check<StepsDrawReport> = (p) => {
  if (!isRecord(p)) return undefined;
  const shown = selection(p);
  const id = intIn(p['id'], 0, Number.MAX_SAFE_INTEGER);
  const weights = listOf(p['weights'], MAX_STEPS_TOKENS, weight);
  const modelWeights = listOf(p['modelWeights'], MAX_STEPS_TOKENS, weight);
  const checkPassed = bool(p['checkPassed']);
  const stages = intIn(p['stages'], 0, 4);
  const heads = intIn(p['heads'], 0, MAX_HEADS);
  if (!shown || id === undefined || !weights || !modelWeights || weights.length !== modelWeights.length) return undefined;
  if (checkPassed === undefined || stages === undefined || heads === undefined) return undefined;
  return { ...shown, id, weights, modelWeights, checkPassed, stages, heads };
};
