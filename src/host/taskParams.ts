/**
 * Checks of the task requests' params (`model/fillMask`, `model/generate`, …): they come from
 * another process, so every field is checked before the engine sees it. Plain Node, pure.
 * A bad field throws `HostRequestError('invalidParams', …)` naming the field and what it must be.
 */
import type { DecodingStrategy, GenerateOptions } from '../engine/tasks/taskTypes';
import { HostRequestError, isObject } from './protocol';

/** Generation is bounded so a typo (1e9 tokens) cannot hang the host. */
export const MAX_NEW_TOKENS = 2048;
export const MAX_BEAMS = 16;
export const MAX_TOP_K = 1000;
const STRATEGIES: readonly DecodingStrategy[] = ['greedy', 'beam', 'sample'];

function invalid(message: string): never {
  throw new HostRequestError('invalidParams', message);
}

export function requireString(params: unknown, key: string): string {
  const v = isObject(params) ? params[key] : undefined;
  if (typeof v !== 'string') invalid(`${key} must be a string`);
  return v;
}

/** An optional integer in [min, max]. */
export function optionalInt(value: unknown, key: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) invalid(`${key} must be an integer from ${min} to ${max}`);
  return value;
}

export function requireInt(value: unknown, key: string, min: number, max: number): number {
  const v = optionalInt(value, key, min, max);
  if (v === undefined) invalid(`${key} must be an integer from ${min} to ${max}`);
  return v;
}

/** An optional finite number with `ok` true. */
function optionalNumber(value: unknown, key: string, ok: (v: number) => boolean, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) invalid(`${key} must be ${what}`);
  return value;
}

export function optionalStrings(value: unknown, key: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) invalid(`${key} must be a list of strings`);
  return value as string[];
}

/** The fields of GenerateOptions, each checked; unknown fields are dropped. */
export function checkGenerateOptions(value: unknown): GenerateOptions {
  if (!isObject(value)) invalid('options must be an object');
  const strategy = value['strategy'];
  if (typeof strategy !== 'string' || !(STRATEGIES as readonly string[]).includes(strategy)) invalid(`options.strategy must be one of ${STRATEGIES.join(', ')}`);
  const options: GenerateOptions = {
    strategy: strategy as DecodingStrategy,
    maxNewTokens: requireInt(value['maxNewTokens'], 'options.maxNewTokens', 1, MAX_NEW_TOKENS),
  };
  const temperature = optionalNumber(value['temperature'], 'options.temperature', (v) => v > 0, 'a number > 0');
  const topK = optionalInt(value['topK'], 'options.topK', 0, Number.MAX_SAFE_INTEGER);
  const topP = optionalNumber(value['topP'], 'options.topP', (v) => v > 0 && v <= 1, 'a number in (0, 1]');
  const seed = optionalInt(value['seed'], 'options.seed', 0, 2 ** 32 - 1);
  const numBeams = optionalInt(value['numBeams'], 'options.numBeams', 1, MAX_BEAMS);
  const lengthPenalty = optionalNumber(value['lengthPenalty'], 'options.lengthPenalty', () => true, 'a finite number');
  const stop = optionalStrings(value['stop'], 'options.stop');
  const showTopK = optionalInt(value['showTopK'], 'options.showTopK', 0, MAX_TOP_K);
  if (temperature !== undefined) options.temperature = temperature;
  if (topK !== undefined) options.topK = topK;
  if (topP !== undefined) options.topP = topP;
  if (seed !== undefined) options.seed = seed;
  if (numBeams !== undefined) options.numBeams = numBeams;
  if (lengthPenalty !== undefined) options.lengthPenalty = lengthPenalty;
  if (stop !== undefined) {
    if (stop.some((s) => s === '')) invalid('options.stop must not hold an empty string');
    options.stop = stop;
  }
  if (showTopK !== undefined) options.showTopK = showTopK;
  return options;
}

export interface SurprisalParams {
  topK?: number;
  window?: number;
  stride?: number;
}

export function checkSurprisalParams(params: unknown): SurprisalParams {
  const p = isObject(params) ? params : {};
  const out: SurprisalParams = {};
  const topK = optionalInt(p['topK'], 'topK', 0, MAX_TOP_K);
  const window = optionalInt(p['window'], 'window', 2, 1 << 20);
  const stride = optionalInt(p['stride'], 'stride', 1, 1 << 20);
  if (topK !== undefined) out.topK = topK;
  if (window !== undefined) out.window = window;
  if (stride !== undefined) {
    if (window !== undefined && stride > window) invalid('stride must not exceed window');
    out.stride = stride;
  }
  return out;
}
