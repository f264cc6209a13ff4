import * as vscode from 'vscode';
import { DEVICE_PREFERENCES, isWeightPrecision, type DevicePreference, type WeightPrecision } from './engine/runtime/types';

/** Section of every setting: `transformerExplorer.*`. */
export const CONFIG_SECTION = 'transformerExplorer';

/**
 * The extension's settings, mirroring `contributes.configuration` in package.json.
 * Read them through {@link readConfig} only, so there is one place that knows the keys.
 */
export interface ExtensionConfig {
  /**
   * Tokenizer used by the hover, the status bar, the side view and the panels:
   * `gpt2`, `bert-base-uncased`, or a path to a `tokenizer.json` file or a model folder holding one.
   */
  tokenizer: string;
  /** Second tokenizer of the Tokens panel's compare mode. */
  compareTokenizer: string;
  hover: {
    /** Show the tokens and ids of the word under the mouse. */
    enabled: boolean;
  };
  statusBar: {
    /** Show the token count of the selection (or of the document) in the status bar. */
    enabled: boolean;
  };
  tokenBoundaries: {
    /** Paint alternating backgrounds on the tokens of the visible text. */
    enabled: boolean;
  };
  learnBpe: {
    /** How many merges "Learn BPE from Selection" learns. */
    merges: number;
  };
  /** Where models run: CUDA when available (`auto`), CUDA or fail over to CPU (`cuda`), or CPU only. */
  device: DeviceSetting;
  /** Which GPU (CUDA device id) runs models when CUDA is used. */
  gpuId: number;
  /** The weights' precision models load in: float32, or weight-only quantized int8/int4 (smaller, faster on a CPU). */
  precision: WeightPrecision;
  /** The active model: a model folder or a Hugging Face Hub id; empty when none was chosen. */
  model: string;
  /** Memory bound (MB) of the loaded-model cache of the model host. */
  modelCacheMemoryMB: number;
  training: {
    /** Python interpreter with PyTorch for "Train a Model from Scratch"; empty: the Python extension's, else python3. */
    python: string;
    /** Folder the trained models go into, relative to the workspace folder (or absolute). */
    outputFolder: string;
  };
}

export type DeviceSetting = DevicePreference;
const DEVICE_SETTINGS: readonly DeviceSetting[] = DEVICE_PREFERENCES;

/** Setting keys relative to {@link CONFIG_SECTION}. */
export const SettingKey = {
  tokenizer: 'tokenizer',
  compareTokenizer: 'compareTokenizer',
  hoverEnabled: 'hover.enabled',
  statusBarEnabled: 'statusBar.enabled',
  tokenBoundariesEnabled: 'tokenBoundaries.enabled',
  learnBpeMerges: 'learnBpe.merges',
  trainingPython: 'training.python',
  trainingOutputFolder: 'training.outputFolder',
  device: 'device',
  gpuId: 'gpuId',
  precision: 'precision',
  model: 'model',
  modelCacheMemoryMB: 'modelCacheMemoryMB',
} as const;
export type SettingKey = (typeof SettingKey)[keyof typeof SettingKey];

export const DEFAULT_CONFIG: ExtensionConfig = {
  tokenizer: 'gpt2',
  compareTokenizer: 'bert-base-uncased',
  hover: { enabled: true },
  statusBar: { enabled: true },
  tokenBoundaries: { enabled: false },
  learnBpe: { merges: 20 },
  device: 'auto',
  gpuId: 0,
  precision: 'float32',
  model: '',
  modelCacheMemoryMB: 4096,
  training: { python: '', outputFolder: '.trex/models' },
};

export function readConfig(scope?: vscode.ConfigurationScope): ExtensionConfig {
  const c = vscode.workspace.getConfiguration(CONFIG_SECTION, scope);
  const spec = (key: SettingKey, fallback: string): string => {
    const value = c.get<string>(key, fallback).trim();
    return value === '' ? fallback : value;
  };
  const merges = Math.round(c.get<number>(SettingKey.learnBpeMerges, DEFAULT_CONFIG.learnBpe.merges));
  const device = c.get<string>(SettingKey.device, DEFAULT_CONFIG.device);
  const gpuId = Math.round(c.get<number>(SettingKey.gpuId, DEFAULT_CONFIG.gpuId));
  const precision = c.get<string>(SettingKey.precision, DEFAULT_CONFIG.precision);
  const cacheMB = Math.round(c.get<number>(SettingKey.modelCacheMemoryMB, DEFAULT_CONFIG.modelCacheMemoryMB));
  return {
    tokenizer: spec(SettingKey.tokenizer, DEFAULT_CONFIG.tokenizer),
    compareTokenizer: spec(SettingKey.compareTokenizer, DEFAULT_CONFIG.compareTokenizer),
    hover: { enabled: c.get<boolean>(SettingKey.hoverEnabled, DEFAULT_CONFIG.hover.enabled) },
    statusBar: { enabled: c.get<boolean>(SettingKey.statusBarEnabled, DEFAULT_CONFIG.statusBar.enabled) },
    tokenBoundaries: {
      enabled: c.get<boolean>(SettingKey.tokenBoundariesEnabled, DEFAULT_CONFIG.tokenBoundaries.enabled),
    },
    learnBpe: { merges: Number.isFinite(merges) && merges > 0 ? merges : DEFAULT_CONFIG.learnBpe.merges },
    device: (DEVICE_SETTINGS as readonly string[]).includes(device) ? (device as DeviceSetting) : DEFAULT_CONFIG.device,
    gpuId: Number.isFinite(gpuId) && gpuId >= 0 ? gpuId : DEFAULT_CONFIG.gpuId,
    precision: isWeightPrecision(precision) ? precision : DEFAULT_CONFIG.precision,
    model: c.get<string>(SettingKey.model, DEFAULT_CONFIG.model).trim(),
    modelCacheMemoryMB: Number.isFinite(cacheMB) && cacheMB > 0 ? cacheMB : DEFAULT_CONFIG.modelCacheMemoryMB,
    training: {
      python: c.get<string>(SettingKey.trainingPython, DEFAULT_CONFIG.training.python).trim(),
      outputFolder: c.get<string>(SettingKey.trainingOutputFolder, DEFAULT_CONFIG.training.outputFolder).trim() || DEFAULT_CONFIG.training.outputFolder,
    },
  };
}

export function affects(event: vscode.ConfigurationChangeEvent, key: SettingKey): boolean {
  return event.affectsConfiguration(`${CONFIG_SECTION}.${key}`);
}

/**
 * Writes a setting where the user will find it: in the workspace if the workspace already
 * overrides it (so the change is not shadowed), else in the user settings.
 */
export async function writeSetting(key: SettingKey, value: unknown): Promise<void> {
  const c = vscode.workspace.getConfiguration(CONFIG_SECTION);
  const inspected = c.inspect(key);
  const target =
    inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await c.update(key, value, target);
}
