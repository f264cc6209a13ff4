import * as vscode from 'vscode';
import { HostRequestError } from '../host/protocol';
import type { ModelHostService } from '../models/modelHostService';
import { NoModelError, type TaskModelInfo } from '../models/taskModels';
import type { TaskModelService } from '../models/taskModels';
import type { PanelContext } from '../webviews/panelBase';
import type { ModelBadge } from '../protocol/prediction';
import { describeError } from '../util/errors';

/** What the prediction commands (fill-mask, completion, surprisal, compare) work with. */
export interface PredictionServices {
  panels: PanelContext;
  host: ModelHostService;
  taskModels: TaskModelService;
}

export function badge(model: TaskModelInfo): ModelBadge {
  return { label: model.label, family: model.family, spec: model.spec };
}

/** One line for a failed prediction request; `undefined` when the user cancelled or chose no model. */
export function describeTaskError(error: unknown): string | undefined {
  if (error instanceof NoModelError) return undefined;
  if (error instanceof HostRequestError) {
    if (error.code === 'cancelled') return undefined;
    return vscode.l10n.t('Transformer Explorer: {0}', error.message);
  }
  return describeError(error);
}

export function showTaskError(error: unknown): void {
  const message = describeTaskError(error);
  if (message) void vscode.window.showErrorMessage(message);
}

/** Runs a host request under a cancellable progress notification. */
export function withTaskProgress<T>(title: string, work: (signal: AbortSignal, report: (message: string) => void) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    try {
      return await work(abort.signal, (message) => progress.report({ message }));
    } finally {
      sub.dispose();
    }
  });
}


/** The active text editor, or a message saying one is needed. */
export function requireEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) void vscode.window.showInformationMessage(vscode.l10n.t('Open a text file first.'));
  return editor;
}
