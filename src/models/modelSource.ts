import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isHubError } from '../engine/models/hub/errors';
import { formatBytes, type DownloadPlan } from '../engine/models/hub/plan';
import { findCachedModel, looksLikeHubModelId, resolveModel } from '../engine/models/hub/resolve';
import { hubSettings, type HubSettings } from '../engine/models/hub/settings';

/** Where a model's files are on this machine. */
export interface ModelLocation {
  /** Absolute model folder (a Hub snapshot folder for Hub ids). */
  dir: string;
  /** The Hub id when the spec was one. */
  repoId?: string;
  /** True when files were downloaded to get here. */
  downloaded: boolean;
}

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
function absolute(spec: string): string {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return path.isAbsolute(spec) || !root ? path.resolve(spec) : path.resolve(root, spec);
}

/** True when `spec` names a Hub model rather than a folder on disk. */
export function isHubSpec(spec: string): boolean {
  return !existsSync(absolute(spec)) && looksLikeHubModelId(spec);
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
 * The folder of a model spec: a path as is; a Hub id from the cache, else downloaded after the
 * user agreed to its size (modal), with a cancellable progress notification.
 * Resolves to `undefined` when the user declined or cancelled.
 */
export async function locateModel(spec: string): Promise<ModelLocation | undefined> {
  if (!isHubSpec(spec)) return { dir: absolute(spec), downloaded: false };
  const settings = currentHubSettings();
  const cached = findCachedModel(spec, settings);
  if (cached) return { dir: cached.snapshotDir, repoId: spec, downloaded: false };
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Model {0}', spec), cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      progress.report({ message: vscode.l10n.t('Asking the Hugging Face Hub for its files…') });
      let shownPercent = 0;
      try {
        const resolved = await resolveModel(spec, settings, {
          signal: abort.signal,
          confirm: (plan) => confirmDownload(plan),
          onProgress: (p) => {
            const percent = p.overallTotal > 0 ? Math.floor((100 * p.overallReceived) / p.overallTotal) : 0;
            progress.report({
              increment: Math.max(0, percent - shownPercent),
              message: vscode.l10n.t('{0} of {1} ({2}%)', formatBytes(p.overallReceived), formatBytes(p.overallTotal), String(percent)),
            });
            shownPercent = Math.max(shownPercent, percent);
          },
        });
        return { dir: resolved.snapshotDir, repoId: spec, downloaded: resolved.downloaded };
      } catch (error) {
        if (isHubError(error, 'cancelled')) return undefined;
        throw error;
      } finally {
        sub.dispose();
      }
    },
  );
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
