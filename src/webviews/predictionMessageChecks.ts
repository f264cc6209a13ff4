/**
 * Checks of what the prediction panels (Predictions, Completion) send; see messageChecks.ts.
 * Generation options keep only their valid fields (the settings' own rules, TASK_LIMITS).
 */
import { TASK_LIMITS } from '../engine/tasks/limits';
import type { GenerateOptions } from '../engine/tasks/taskTypes';
import { validGenerateFields } from '../models/generationOptions';
import type { Check } from '../protocol/wire';
import { boundedString, intIn, isRecord } from './messageChecks';

/** Masks one fill-mask run shows, at most. */
const MAX_SLOTS = 1000;
/** Longest candidate written into the editor (a token's text, or the user's own word). */
const MAX_CANDIDATE_CHARS = 1000;

export const checkApply: Check<{ slot: number; text: string }> = (p) => {
  if (!isRecord(p)) return undefined;
  const slot = intIn(p['slot'], 0, MAX_SLOTS);
  const text = boundedString(p['text'], MAX_CANDIDATE_CHARS);
  return slot !== undefined && text !== undefined ? { slot, text } : undefined;
};

/** The user's own candidate: 1 to TASK_LIMITS.targetChars characters once trimmed. */
export const checkTarget: Check<{ text: string }> = (p) => {
  const text = isRecord(p) ? boundedString(p['text'], MAX_CANDIDATE_CHARS)?.trim() : undefined;
  return text && text.length <= TASK_LIMITS.targetChars.max ? { text } : undefined;
};

export const checkSeed: Check<{ seed: number }> = (p) => {
  const seed = isRecord(p) ? intIn(p['seed'], TASK_LIMITS.seed.min, TASK_LIMITS.seed.max) : undefined;
  return seed === undefined ? undefined : { seed };
};

/** Completion `completion/rerun`: the valid fields of the options (the panel's current ones fill the rest). */
export const checkRerun: Check<{ options: Partial<GenerateOptions> }> = (p) => (isRecord(p) && isRecord(p['options']) ? { options: validGenerateFields(p['options']) } : undefined);
