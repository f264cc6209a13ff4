import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isHubError } from '../engine/models/hub/errors';
import { formatBytes, type DownloadPlan } from '../engine/models/hub/plan';
import { findCachedModel, type ResolvedModel } from '../engine/models/hub/resolve';
import { hubSettings, type HubSettings } from '../engine/models/hub/settings';
import { resolveModelSpec, type DownloadHooks, type ModelLocation } from '../engine/tasks/modelSpec';
import { runTask } from './taskRunner';

/** A model of the Hugging Face cache that is complete (config, tokenizer, weights). */
export interface CachedModelEntry {
  repoId: string;
  dir: string;
}

/** Hub settings of this window: the same environment variables as Python's `huggingface_hub`. */
export function currentHubSettings(): HubSettings {
  return hubSettings(process.env);
}

/** A relative path starts at the first workspace folder, like the tokenizer setting. */
function workspaceRoot(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

/** The complete models of the Hugging Face cache, by id (no network). */
export async function listCachedModels(settings = currentHubSettings()): Promise<CachedModelEntry[]> {
  let names: string[];
  try {
    names = await fs.readdir(settings.cacheDir);
  } catch {
    return [];
  }
  const out: CachedModelEntry[] = [];
  for (const name of names.filter((n) => n.startsWith('models--')).sort()) {
    const repoId = name.slice('models--'.length).replace('--', '/');
    try {
      const cached = findCachedModel(repoId, settings);
      if (cached) out.push({ repoId, dir: cached.snapshotDir });
    } catch {
      // A folder whose name is not a valid id: not ours to list.
    }
  }
  return out;
}

/**
 * The folder of a model spec (the engine's resolver, {@link resolveModelSpec}): a folder as is,
 * `builtin:NAME` in the extension's models/, a Hub id from the cache, else downloaded after the
 * user agreed to its size (modal), with a cancellable progress notification. Relative paths start
 * at the first workspace folder. Resolves to `undefined` when the user declined or cancelled.
 */
export async function locateModel(spec: string, extensionPath: string): Promise<ModelLocation | undefined> {
  try {
    return await resolveModelSpec(spec, { hub: currentHubSettings(), baseDir: workspaceRoot(), builtinRoot: path.join(extensionPath, 'models'), download: downloadWithProgress });
  } catch (error) {
    if (isHubError(error, 'cancelled')) return undefined;
    throw error;
  }
}

/** The folder `spec` names when it is on this machine already (a folder, a built-in model, a cached Hub model); `undefined` when it is not. */
export async function localModelFolder(spec: string, extensionPath: string): Promise<string | undefined> {
  try {
    return (await resolveModelSpec(spec, { hub: currentHubSettings(), baseDir: workspaceRoot(), builtinRoot: path.join(extensionPath, 'models') })).dir;
  } catch {
    return undefined;
  }
}

/** The Hub download under a progress notification whose Cancel stops it. */
function downloadWithProgress(repoId: string, fetch: (hooks: DownloadHooks) => Promise<ResolvedModel>): Promise<ResolvedModel> {
  return runTask({ title: vscode.l10n.t('Model {0}', repoId) }, (task) => {
    task.report(vscode.l10n.t('Asking the Hugging Face Hub for its files…'));
    return fetch({
      signal: task.signal,
      confirm: confirmDownload,
      onProgress: (p) => {
        const percent = p.overallTotal > 0 ? Math.floor((100 * p.overallReceived) / p.overallTotal) : 0;
        task.report(vscode.l10n.t('{0} of {1} ({2}%)', formatBytes(p.overallReceived), formatBytes(p.overallTotal), String(percent)), percent);
      },
    });
  });
}

/** Asks before the first byte moves: "Download gpt2 (548.1 MB) from the Hugging Face Hub?". */
async function confirmDownload(plan: DownloadPlan): Promise<boolean> {
  const download = vscode.l10n.t('Download');
  const missing = plan.files.filter((f) => f.state !== 'cached').length;
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Download the model {0} ({1}) from the Hugging Face Hub?', plan.repoId, formatBytes(plan.bytesToDownload)),
    {
      modal: true,
      detail: vscode.l10n.t('{0} file(s) go to the Hugging Face cache {1}, shared with Python.', String(missing), path.dirname(path.dirname(path.dirname(plan.snapshotDir)))),
    },
    download,
  );
  return choice === download;
}
