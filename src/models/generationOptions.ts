/**
 * Generation options, pure (no `vscode`): what the settings, a command
 * argument and the Completion panel's knobs give, merged and checked, then cut to the fields the
 * chosen strategy uses.
 */
import { inRange, TASK_LIMITS } from '../engine/tasks/limits';
import { DECODING_STRATEGIES as STRATEGIES, type DecodingStrategy, type GenerateOptions } from '../engine/tasks/taskTypes';

export const DEFAULT_GENERATION: GenerateOptions = {
  strategy: 'greedy',
  maxNewTokens: 20,
  temperature: 1,
  topK: 0,
  topP: 1,
  numBeams: 4,
  lengthPenalty: 1,
  seed: 0,
  stop: [],
};

/** Options given by a command argument or the panel, over the settings; invalid fields are ignored. */
export function mergeGenerateOptions(base: GenerateOptions, override: unknown): GenerateOptions {
  if (typeof override !== 'object' || override === null) return base;
  return { ...base, ...validGenerateFields(override) };
}

/**
 * The fields of `value` (settings, a command argument, a webview message) that are valid generation
 * options: known strategy, finite numbers, whole-number knobs within TASK_LIMITS, stop sequences
 * bounded in count and length. Everything else is left out.
 */
export function validGenerateFields(value: unknown): Partial<GenerateOptions> {
  if (typeof value !== 'object' || value === null) return {};
  const o = value as Record<string, unknown>;
  const out: Partial<GenerateOptions> = {};
  if (typeof o['strategy'] === 'string' && (STRATEGIES as readonly string[]).includes(o['strategy'])) out.strategy = o['strategy'] as DecodingStrategy;
  const set = (key: keyof GenerateOptions, v: number): void => {
    (out as Record<string, number>)[key] = v;
  };
  const num = (key: keyof GenerateOptions, ok: (v: number) => boolean): void => {
    const v = o[key];
    if (typeof v === 'number' && Number.isFinite(v) && ok(v)) set(key, v);
  };
  /** A whole-number knob: rounded, then kept only within its TASK_LIMITS range. */
  const whole = (key: keyof GenerateOptions & keyof typeof TASK_LIMITS): void => {
    const v = o[key];
    if (typeof v === 'number' && inRange(Math.round(v), TASK_LIMITS[key])) set(key, Math.round(v));
  };
  whole('maxNewTokens');
  num('temperature', (v) => v > 0);
  whole('topK');
  num('topP', (v) => v > 0 && v <= 1);
  whole('numBeams');
  num('lengthPenalty', () => true);
  whole('seed');
  whole('showTopK');
  if (Array.isArray(o['stop'])) {
    const { stopSequences, stopChars } = TASK_LIMITS;
    out.stop = o['stop'].filter((s): s is string => typeof s === 'string' && s !== '' && s.length <= stopChars.max).slice(0, stopSequences.max);
  }
  return out;
}

/** Only the fields the strategy uses (what the host gets and the panel shows). */
export function optionsForStrategy(options: GenerateOptions): GenerateOptions {
  const { strategy, maxNewTokens, stop, showTopK } = options;
  const common: GenerateOptions = { strategy, maxNewTokens, ...(stop && stop.length ? { stop } : {}), ...(showTopK === undefined ? {} : { showTopK }) };
  switch (strategy) {
    case 'greedy':
      return common;
    case 'beam':
      return { ...common, numBeams: options.numBeams ?? 4, lengthPenalty: options.lengthPenalty ?? 1 };
    case 'sample':
      return {
        ...common,
        temperature: options.temperature ?? 1,
        ...(options.topK ? { topK: options.topK } : {}),
        ...(options.topP !== undefined && options.topP < 1 ? { topP: options.topP } : {}),
        seed: options.seed ?? 0,
      };
  }
}
