import * as vscode from 'vscode';
import { SnapshotError, type AttentionSnapshot } from '../engine/attention/snapshot';
import type { ImageFormat } from '../protocol/attention';
import { readSnapshot } from '../webviews/attentionExport';
import type { AttentionController } from '../webviews/attentionView';
import { ATTENTION_VIEW_ID } from '../webviews/viewTypes';

function pathArg(arg: unknown): vscode.Uri | undefined {
  const p = typeof arg === 'object' && arg !== null ? (arg as Record<string, unknown>).path : undefined;
  return typeof p === 'string' && p !== '' ? vscode.Uri.file(p) : undefined;
}

function nothingToSave(): undefined {
  void vscode.window.showInformationMessage(vscode.l10n.t('There is no attention to save: select some text first.'));
  return undefined;
}

/** "Save Attention View as Image…": PNG or SVG of what the view shows; `{ format, path }` skips the questions. */
export function saveAttentionImageCommand(view: AttentionController) {
  return async (arg?: unknown): Promise<{ path: string } | undefined> => {
    if (!view.shown) return nothingToSave();
    const asked = typeof arg === 'object' && arg !== null ? (arg as Record<string, unknown>).format : undefined;
    let format: ImageFormat | undefined = asked === 'png' || asked === 'svg' ? asked : undefined;
    if (!format) {
      const pick = await vscode.window.showQuickPick(
        [
          { label: 'PNG', detail: vscode.l10n.t('A picture of the view'), format: 'png' as const },
          { label: 'SVG', detail: vscode.l10n.t('Vector drawing: cells and lines stay sharp at any size'), format: 'svg' as const },
        ],
        { placeHolder: vscode.l10n.t('Save the attention view as') },
      );
      format = pick?.format;
    }
    if (!format) return undefined;
    await vscode.commands.executeCommand(`${ATTENTION_VIEW_ID}.focus`);
    const uri = await view.saveImage(format, pathArg(arg));
    return uri ? { path: uri.fsPath } : undefined;
  };
}

/** "Save Attention Snapshot": the current view's data as JSON in `attention-snapshots/` of the workspace. */
export function saveAttentionSnapshotCommand(view: AttentionController) {
  return async (arg?: unknown): Promise<{ path: string } | undefined> => {
    if (!view.shown) return nothingToSave();
    const uri = await view.saveSnapshot(view.options, pathArg(arg));
    if (!uri) return undefined;
    void vscode.window.showInformationMessage(vscode.l10n.t('Attention snapshot saved: {0}', vscode.workspace.asRelativePath(uri)));
    return { path: uri.fsPath };
  };
}

/** "Open Attention Snapshot…": reads a saved snapshot (checked) and shows it in the Attention view. */
export function openAttentionSnapshotCommand(view: AttentionController) {
  return async (arg?: unknown): Promise<AttentionSnapshot | undefined> => {
    let snapshot: AttentionSnapshot | undefined;
    try {
      snapshot = await readSnapshot(pathArg(arg));
    } catch (e) {
      if (!(e instanceof SnapshotError || e instanceof vscode.FileSystemError)) throw e;
      void vscode.window.showErrorMessage(vscode.l10n.t('This file is not a valid attention snapshot: {0}', e.message));
      return undefined;
    }
    if (!snapshot) return undefined;
    await vscode.commands.executeCommand(`${ATTENTION_VIEW_ID}.focus`);
    view.showSnapshot(snapshot);
    return snapshot;
  };
}
