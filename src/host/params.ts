/**
 * The checks of every request's params, in one vocabulary (`require*` / `optional*`): params come
 * from another process, so every field is checked before the engine sees it. Plain Node, pure.
 * A bad field throws `HostRequestError('invalidParams', …)` naming the field and what it must be.
 *
 *   requireString({ text: 'hi' }, 'text')              → 'hi'
 *   optionalInt(3000, 'topK', TASK_LIMITS.candidates)  → throws 'topK must be an integer from 1 to 1000'
 */
import { WEIGHT_PRECISIONS, type WeightPrecision } from '../engine/graph/precision';
import { DEVICE_PREFERENCES, type DevicePreference } from '../engine/runtime/types';
import { TASK_LIMITS, type IntRange } from '../engine/tasks/limits';
import { DECODING_STRATEGIES, type DecodingStrategy, type GenerateOptions } from '../engine/tasks/taskTypes';
import { HostRequestError, isObject } from './hostErrors';

function invalid(message: string): never {
  throw new HostRequestError('invalidParams', message);
}

/** One of `choices` (`device must be one of auto, cuda, cpu`). */
export function requireChoice<T extends string>(value: unknown, key: string, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) invalid(`${key} must be one of ${choices.join(', ')}`);
  return value as T;
}

/** The device a model runs on, and the optional GPU id. */
export function requireDevice(params: { device?: unknown; gpuId?: unknown }): { device: DevicePreference; gpuId?: number } {
  const device = requireChoice(params.device, 'device', DEVICE_PREFERENCES);
  const gpuId = params.gpuId;
  if (gpuId === undefined) return { device };
  if (typeof gpuId !== 'number' || !Number.isInteger(gpuId) || gpuId < 0) invalid('gpuId must be a non-negative integer');
  return { device, gpuId };
}

/** The weights' precision a model is loaded in: float32 when absent. */
export function optionalPrecision(value: unknown): WeightPrecision {
  return value === undefined ? 'float32' : requireChoice(value, 'precision', WEIGHT_PRECISIONS);
}

/** An optional list of integers (`layers`, `positions`). */
export function optionalIntList(value: unknown, key: string): number[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => Number.isInteger(v))) invalid(`${key} must be a list of integers`);
  return value as number[];
}

/** An optional character range `{ start, end }` of a text of `length` characters, not empty. */
export function optionalRange(value: unknown, key: string, length: number): { start: number; end: number } | undefined {
  if (value === undefined) return undefined;
  const start = isObject(value) ? value['start'] : undefined;
  const end = isObject(value) ? value['end'] : undefined;
  if (!Number.isInteger(start) || !Number.isInteger(end) || !((start as number) >= 0 && (start as number) < (end as number) && (end as number) <= length)) {
    invalid(`${key} must be { start, end }, whole numbers with 0 ≤ start < end ≤ ${length}`);
  }
  return { start: start as number, end: end as number };
}

/** An optional whole number ≥ 1, unbounded (`rows must be a positive integer`). */
export function optionalPositiveInt(value: unknown, key: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) invalid(`${key} must be a positive integer`);
  return value;
}

/** An optional number ≥ 1 (the host's limits; `Infinity` = no bound). */
export function optionalLimit(value: unknown, key: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value >= 1)) invalid(`${key} must be a number ≥ 1`);
  return value;
}

export function requireString(params: unknown, key: string): string {
  const v = isObject(params) ? params[key] : undefined;
  if (typeof v !== 'string') invalid(`${key} must be a string`);
  return v;
}

/** An optional integer in `range` (the engine's TASK_LIMITS, or a range of its own). */
export function optionalInt(value: unknown, key: string, range: IntRange): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) invalid(`${key} must be an integer from ${range.min} to ${range.max}`);
  return value;
}

export function requireInt(value: unknown, key: string, range: IntRange): number {
  const v = optionalInt(value, key, range);
  if (v === undefined) invalid(`${key} must be an integer from ${range.min} to ${range.max}`);
  return v;
}

/** An optional finite number with `ok` true. */
export function optionalNumber(value: unknown, key: string, ok: (v: number) => boolean, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) invalid(`${key} must be ${what}`);
  return value;
}

/** An optional list of at most `count.max` strings of at most `chars.max` characters. */
export function optionalStrings(value: unknown, key: string, count: IntRange, chars: IntRange): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) invalid(`${key} must be a list of strings`);
  if (value.length > count.max || value.some((v: string) => v.length > chars.max)) invalid(`${key} must hold at most ${count.max} strings of at most ${chars.max} characters`);
  return value as string[];
}

/** The fields of GenerateOptions, each checked; unknown fields are dropped. */
export function checkGenerateOptions(value: unknown): GenerateOptions {
  if (!isObject(value)) invalid('options must be an object');
  const strategy: DecodingStrategy = requireChoice(value['strategy'], 'options.strategy', DECODING_STRATEGIES);
  const options: GenerateOptions = {
    strategy,
    maxNewTokens: requireInt(value['maxNewTokens'], 'options.maxNewTokens', TASK_LIMITS.maxNewTokens),
  };
  const temperature = optionalNumber(value['temperature'], 'options.temperature', (v) => v > 0, 'a number > 0');
  const topK = optionalInt(value['topK'], 'options.topK', TASK_LIMITS.topK);
  const topP = optionalNumber(value['topP'], 'options.topP', (v) => v > 0 && v <= 1, 'a number in (0, 1]');
  const seed = optionalInt(value['seed'], 'options.seed', TASK_LIMITS.seed);
  const numBeams = optionalInt(value['numBeams'], 'options.numBeams', TASK_LIMITS.numBeams);
  const lengthPenalty = optionalNumber(value['lengthPenalty'], 'options.lengthPenalty', () => true, 'a finite number');
  const stop = optionalStrings(value['stop'], 'options.stop', TASK_LIMITS.stopSequences, TASK_LIMITS.stopChars);
  const showTopK = optionalInt(value['showTopK'], 'options.showTopK', TASK_LIMITS.showTopK);
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
  const topK = optionalInt(p['topK'], 'topK', TASK_LIMITS.surprisalTopK);
  const window = optionalInt(p['window'], 'window', TASK_LIMITS.window);
  const stride = optionalInt(p['stride'], 'stride', TASK_LIMITS.stride);
  if (topK !== undefined) out.topK = topK;
  if (window !== undefined) out.window = window;
  if (stride !== undefined) {
    if (window !== undefined && stride > window) invalid('stride must not exceed window');
    out.stride = stride;
  }
  return out;
}
