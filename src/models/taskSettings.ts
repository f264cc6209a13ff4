import * as vscode from 'vscode';
import { CONFIG_SECTION } from '../config';
import type { DecodingStrategy, GenerateOptions } from '../engine/tasks/taskTypes';
import { DEFAULT_GENERATION } from './generationOptions';

export { DEFAULT_GENERATION, mergeGenerateOptions, optionsForStrategy, resolveBuiltin } from './generationOptions';

/**
 * The settings of the prediction features (issue 4), read here so that one file knows their keys:
 * `defaultModels` (which model each role uses when the active one does not fit) and the
 * generation knobs `generation.*` (package.json `contributes.configuration`).
 */

/** What a task needs: a causal LM (completion, surprisal) or a masked LM (fill-mask). */
export type ModelRole = 'causal' | 'masked';

export const TaskSettingKey = {
  defaultModels: 'defaultModels',
  strategy: 'generation.strategy',
  maxNewTokens: 'generation.maxNewTokens',
  temperature: 'generation.temperature',
  topK: 'generation.topK',
  topP: 'generation.topP',
  numBeams: 'generation.numBeams',
  lengthPenalty: 'generation.lengthPenalty',
  seed: 'generation.seed',
  stop: 'generation.stop',
} as const;

export const DEFAULT_MODELS: Readonly<Record<ModelRole, string>> = {
  causal: 'builtin:trex-gpt2-kjv',
  masked: 'builtin:trex-bert-kjv',
};

const STRATEGIES: readonly DecodingStrategy[] = ['greedy', 'beam', 'sample'];

/** The default model spec of a role (`builtin:<name>` or a folder or a Hub id). */
export function defaultModelSpec(role: ModelRole, scope?: vscode.ConfigurationScope): string {
  const value = vscode.workspace.getConfiguration(CONFIG_SECTION, scope).get<unknown>(TaskSettingKey.defaultModels);
  const chosen = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[role] : undefined;
  return typeof chosen === 'string' && chosen.trim() !== '' ? chosen.trim() : DEFAULT_MODELS[role];
}

function clampNumber(value: unknown, fallback: number, ok: (v: number) => boolean): number {
  return typeof value === 'number' && Number.isFinite(value) && ok(value) ? value : fallback;
}

/** The generation settings, each checked (a bad value falls back to its default). */
export function readGenerationSettings(scope?: vscode.ConfigurationScope): GenerateOptions {
  const c = vscode.workspace.getConfiguration(CONFIG_SECTION, scope);
  const d = DEFAULT_GENERATION;
  const strategy = c.get<string>(TaskSettingKey.strategy, d.strategy);
  const stop = c.get<unknown>(TaskSettingKey.stop, []);
  return {
    strategy: (STRATEGIES as readonly string[]).includes(strategy) ? (strategy as DecodingStrategy) : d.strategy,
    maxNewTokens: Math.round(clampNumber(c.get(TaskSettingKey.maxNewTokens), d.maxNewTokens, (v) => v >= 1 && v <= 2048)),
    temperature: clampNumber(c.get(TaskSettingKey.temperature), d.temperature ?? 1, (v) => v > 0),
    topK: Math.round(clampNumber(c.get(TaskSettingKey.topK), d.topK ?? 0, (v) => v >= 0)),
    topP: clampNumber(c.get(TaskSettingKey.topP), d.topP ?? 1, (v) => v > 0 && v <= 1),
    numBeams: Math.round(clampNumber(c.get(TaskSettingKey.numBeams), d.numBeams ?? 4, (v) => v >= 1 && v <= 16)),
    lengthPenalty: clampNumber(c.get(TaskSettingKey.lengthPenalty), d.lengthPenalty ?? 1, () => true),
    seed: Math.round(clampNumber(c.get(TaskSettingKey.seed), d.seed ?? 0, (v) => v >= 0 && v < 2 ** 32)),
    stop: Array.isArray(stop) ? stop.filter((s): s is string => typeof s === 'string' && s !== '') : [],
  };
}

