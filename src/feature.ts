/**
 * The one shape of a feature module: what it serves, keyed by the ids package.json declares —
 * its commands by command id, the revivers of its panels by view type (`onWebviewPanel:` events),
 * its side views by view id. Each feature is made from the shared services (`FeatureFactory`);
 * src/features.ts lists them, joins them and checks the result against the manifest.
 */
import type * as vscode from 'vscode';
import type { TokenCountStatusBar } from './editor/tokenCountStatusBar';
import type { ManifestEntries } from './manifest';
import type { ModelHostService } from './models/modelHostService';
import type { ModelRegistry } from './models/modelRegistry';
import type { ModelStatusBar } from './models/modelStatusBar';
import type { ModelState } from './models/modelTypes';
import type { PanelContext } from './webviews/panelBase';

export type CommandHandler = (...args: unknown[]) => unknown;
export type PanelReviver = (panel: vscode.WebviewPanel, state: unknown) => void;

export interface Feature {
  /** Handlers by command id (package.json `contributes.commands`, or `UNLISTED_COMMANDS`). */
  commands?: Readonly<Record<string, CommandHandler>>;
  /** Panel revivers by view type (package.json `onWebviewPanel:<viewType>`). */
  revive?: Readonly<Record<string, PanelReviver>>;
  /** Side views by view id (package.json `contributes.views`, type `webview`). */
  views?: Readonly<Record<string, vscode.WebviewViewProvider>>;
}

/** What every feature is made from: the services of the extension, created once. */
export interface FeatureServices {
  context: vscode.ExtensionContext;
  /** The extension's URI and the tokenizer service: what panels and views need. */
  panels: PanelContext;
  /** The one model registry (active model, roles, load with progress). */
  models: ModelRegistry;
  /** The model-host process's client. */
  host: ModelHostService;
  modelStatusBar: ModelStatusBar;
  tokenCount: TokenCountStatusBar;
  /** Choose Model…: the quick pick, also the registry's callback when no model fits. */
  selectModel: (arg?: unknown) => Promise<ModelState>;
  /** Where Enable GPU Acceleration installs the CUDA-enabled onnxruntime-node. */
  gpuRuntimeRoot: string;
}

export type FeatureFactory = (services: FeatureServices) => Feature;

/** Every feature joined: what extension.ts forwards to. */
export interface Features {
  commands: Readonly<Record<string, CommandHandler>>;
  revive: Readonly<Record<string, PanelReviver>>;
  views: Readonly<Record<string, vscode.WebviewViewProvider>>;
}

/** Joins `features`; an id served twice throws, naming it. */
export function joinFeatures(features: readonly Feature[]): Features {
  const twice: string[] = [];
  const join = <T>(parts: ReadonlyArray<Readonly<Record<string, T>> | undefined>): Record<string, T> => {
    const all: Record<string, T> = {};
    for (const [key, value] of parts.flatMap((p) => Object.entries(p ?? {}))) {
      if (Object.hasOwn(all, key)) twice.push(key);
      all[key] = value;
    }
    return all;
  };
  const joined = { commands: join(features.map((f) => f.commands)), revive: join(features.map((f) => f.revive)), views: join(features.map((f) => f.views)) };
  if (twice.length) throw new Error(`Transformer Explorer: served by two features: ${twice.join(', ')}`);
  return joined;
}

/**
 * Throws unless `features` serve exactly what the manifest declares (plus `unlisted` commands):
 * the error names every command, panel or view without a handler, and every handler the manifest
 * does not declare (so a feature added without its package.json entry, or the reverse, fails the
 * integration tier at once).
 */
export function checkFeatures(features: Features, manifest: ManifestEntries, unlisted: readonly string[]): void {
  const problems: string[] = [];
  const compare = (what: string, declared: readonly string[], served: Readonly<Record<string, unknown>>): void => {
    const missing = declared.filter((id) => !Object.hasOwn(served, id));
    const extra = Object.keys(served).filter((id) => !declared.includes(id));
    if (missing.length) problems.push(`${what} without a handler: ${missing.join(', ')}`);
    if (extra.length) problems.push(`${what} not declared in package.json: ${extra.join(', ')}`);
  };
  compare('commands', [...manifest.commands, ...unlisted], features.commands);
  compare('panels (onWebviewPanel)', manifest.panels, features.revive);
  compare('webview views', manifest.views, features.views);
  if (problems.length) throw new Error(`Transformer Explorer: the features do not match package.json: ${problems.join('; ')}`);
}
