/**
 * Generation options and built-in model specs, pure (no `vscode`): what the settings, a command
 * argument and the Completion panel's knobs give, merged and checked, then cut to the fields the
 * chosen strategy uses.
 */
import * as path from 'node:path';
import type { DecodingStrategy, GenerateOptions } from '../engine/tasks/taskTypes';

const STRATEGIES: readonly DecodingStrategy[] = ['greedy', 'beam', 'sample'];

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

/** `builtin:<name>` → `<extensionPath>/models/<name>`; anything else unchanged. */
export function resolveBuiltin(spec: string, extensionPath: string): { spec: string; builtin?: string } {
  const m = /^builtin:(.+)$/.exec(spec);
  if (!m) return { spec };
  const name = m[1].trim();
  if (name === '' || name.includes('/') || name.includes('\\') || name === '..' || name === '.') return { spec };
  return { spec: path.join(extensionPath, 'models', name), builtin: name };
}

/** Options given by a command argument or the panel, over the settings; invalid fields are ignored. */
export function mergeGenerateOptions(base: GenerateOptions, override: unknown): GenerateOptions {
  if (typeof override !== 'object' || override === null) return base;
  const o = override as Record<string, unknown>;
  const out: GenerateOptions = { ...base };
  if (typeof o['strategy'] === 'string' && (STRATEGIES as readonly string[]).includes(o['strategy'])) out.strategy = o['strategy'] as DecodingStrategy;
  const num = (key: keyof GenerateOptions, ok: (v: number) => boolean, round = false): void => {
    const v = o[key];
    if (typeof v === 'number' && Number.isFinite(v) && ok(v)) (out as unknown as Record<string, number>)[key] = round ? Math.round(v) : v;
  };
  num('maxNewTokens', (v) => v >= 1 && v <= 2048, true);
  num('temperature', (v) => v > 0);
  num('topK', (v) => v >= 0, true);
  num('topP', (v) => v > 0 && v <= 1);
  num('numBeams', (v) => v >= 1 && v <= 16, true);
  num('lengthPenalty', () => true);
  num('seed', (v) => v >= 0 && v < 2 ** 32, true);
  num('showTopK', (v) => v >= 0 && v <= 100, true);
  if (Array.isArray(o['stop'])) out.stop = o['stop'].filter((s): s is string => typeof s === 'string' && s !== '');
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
