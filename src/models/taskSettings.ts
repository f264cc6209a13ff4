import * as vscode from 'vscode';
import { CONFIG_SECTION } from '../config';
import type { GenerateOptions } from '../engine/tasks/taskTypes';
import { DEFAULT_GENERATION, mergeGenerateOptions } from './generationOptions';

export { DEFAULT_GENERATION, mergeGenerateOptions, optionsForStrategy } from './generationOptions';

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

/** The default model spec of a role (`builtin:<name>` or a folder or a Hub id). */
export function defaultModelSpec(role: ModelRole, scope?: vscode.ConfigurationScope): string {
  const value = vscode.workspace.getConfiguration(CONFIG_SECTION, scope).get<unknown>(TaskSettingKey.defaultModels);
  const chosen = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[role] : undefined;
  return typeof chosen === 'string' && chosen.trim() !== '' ? chosen.trim() : DEFAULT_MODELS[role];
}

/** The generation settings, each checked (a bad value falls back to its default). */
export function readGenerationSettings(scope?: vscode.ConfigurationScope): GenerateOptions {
  const c = vscode.workspace.getConfiguration(CONFIG_SECTION, scope);
  const k = TaskSettingKey;
  return mergeGenerateOptions(DEFAULT_GENERATION, {
    strategy: c.get(k.strategy), maxNewTokens: c.get(k.maxNewTokens), temperature: c.get(k.temperature), topK: c.get(k.topK), topP: c.get(k.topP),
    numBeams: c.get(k.numBeams), lengthPenalty: c.get(k.lengthPenalty), seed: c.get(k.seed), stop: c.get(k.stop),
  });
}

