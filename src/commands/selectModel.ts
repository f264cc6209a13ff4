import * as vscode from 'vscode';
import { readConfig } from '../config';
import { listCachedModels, localModelFolder } from '../models/modelSource';
import { askPrecision } from '../models/precisionChoice';
import type { ModelRegistry } from '../models/modelRegistry';
import type { ModelStatusBar } from '../models/modelStatusBar';
import type { ModelState } from '../models/modelTypes';
import { looksLikeHubModelId } from '../engine/models/hub/resolve';
import { describeModelError } from '../models/modelErrors';

type Choice = vscode.QuickPickItem & ({ spec: string } | { action: 'browse' | 'download' });

/**
 * "Choose Model…": the complete models of the Hugging Face cache, "Browse for a model folder…"
 * and "Download from the Hugging Face Hub…". The choice is loaded in the model host (on the
 * configured device) and saved in the `model` setting. With a spec argument (folder or Hub id) it
 * loads it without asking. Resolves to the model state afterwards.
 */
export function selectModelCommand(models: ModelRegistry, statusBar: ModelStatusBar, extensionPath: string) {
  return async (arg?: unknown): Promise<ModelState> => {
    const given = typeof arg === 'string' && arg.trim() !== '' ? arg.trim() : undefined;
    const spec = given ?? (await pickSpec());
    // Chosen in the picker: a model too big for float32 here is offered int8 / int4 first.
    const folder = spec !== undefined && given === undefined ? await localModelFolder(spec, extensionPath) : undefined;
    const precision = folder ? await askPrecision(folder, spec ?? folder) : undefined;
    if (spec !== undefined && precision !== 'cancel') {
      try {
        await models.load(spec, precision ? { precision } : {});
      } catch (error) {
        void vscode.window.showErrorMessage(describeModelError(error, spec));
      }
    }
    return statusBar.state();
  };
}

async function pickSpec(): Promise<string | undefined> {
  const configured = readConfig().model;
  const cached = await listCachedModels();
  const items: Array<Choice | vscode.QuickPickItem> = [];
  if (cached.length > 0) {
    items.push({ label: vscode.l10n.t('In the Hugging Face cache'), kind: vscode.QuickPickItemKind.Separator });
    for (const m of cached) {
      items.push({ spec: m.repoId, label: `${m.repoId === configured ? '$(check) ' : ''}${m.repoId}`, detail: m.dir });
    }
  }
  items.push(
    { label: vscode.l10n.t('Other'), kind: vscode.QuickPickItemKind.Separator },
    { action: 'browse', label: `$(folder) ${vscode.l10n.t('Browse for a model folder…')}` },
    { action: 'download', label: `$(cloud-download) ${vscode.l10n.t('Download from the Hugging Face Hub…')}` },
  );
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Choose Model'),
    placeHolder: vscode.l10n.t('Model used by the attention, fill-mask and completion features'),
    matchOnDetail: true,
  });
  if (!picked) return undefined;
  if ('spec' in picked) return picked.spec;
  if (!('action' in picked)) return undefined;
  if (picked.action === 'browse') {
    const folder = await vscode.window.showOpenDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      openLabel: vscode.l10n.t('Use this model'),
      title: vscode.l10n.t('Choose a model folder (config.json, tokenizer, model.safetensors)'),
    });
    const uri = folder?.[0];
    if (uri && uri.scheme !== 'file') {
      void vscode.window.showErrorMessage(vscode.l10n.t('Only models on this machine’s file system can be loaded.'));
      return undefined;
    }
    return uri?.fsPath;
  }
  const id = await vscode.window.showInputBox({
    title: vscode.l10n.t('Download from the Hugging Face Hub'),
    prompt: vscode.l10n.t('A model id such as gpt2, distilgpt2, bert-base-uncased or camembert-base'),
    placeHolder: 'gpt2',
    validateInput: (value) =>
      value.trim() === '' || looksLikeHubModelId(value.trim()) ? undefined : vscode.l10n.t('Expected a Hub id: name or org/name'),
  });
  return id?.trim() || undefined;
}
