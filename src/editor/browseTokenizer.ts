import * as vscode from 'vscode';
import { showError } from '../util/errors';
import type { TokenizerService } from './tokenizerService';

export type BrowseTarget = 'file' | 'folder';

/**
 * Asks for a `tokenizer.json` (or a model folder holding one), then validates it by loading it.
 * Returns the spec to use, or `undefined` when the user cancelled or the file is not usable (the
 * engine's error is shown).
 */
export async function browseForTokenizer(service: TokenizerService, target: BrowseTarget): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: target === 'file',
    canSelectFolders: target === 'folder',
    canSelectMany: false,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    openLabel: target === 'file' ? vscode.l10n.t('Use this tokenizer') : vscode.l10n.t('Use this model folder'),
    title:
      target === 'file'
        ? vscode.l10n.t('Choose a tokenizer.json file')
        : vscode.l10n.t('Choose a model folder that holds a tokenizer.json'),
    filters: target === 'file' ? { [vscode.l10n.t('Tokenizer')]: ['json'] } : undefined,
  });
  const uri = picked?.[0];
  if (!uri) {
    return undefined;
  }
  if (uri.scheme !== 'file') {
    void vscode.window.showErrorMessage(vscode.l10n.t('Only tokenizers on this machine’s file system can be loaded.'));
    return undefined;
  }
  const spec = uri.fsPath;
  try {
    await service.load(spec, 'interactive');
  } catch (error) {
    showError(error);
    return undefined;
  }
  await service.remember(spec);
  return spec;
}
