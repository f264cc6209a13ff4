import * as vscode from 'vscode';
import type { ModelHostService } from '../models/modelHostService';
import type { ModelRegistry } from '../models/modelRegistry';
import type { ModelInfo } from '../models/modelTypes';
import type { PanelContext } from '../webviews/panelBase';
import type { ModelBadge } from '../protocol/prediction';

/** What the prediction commands (fill-mask, completion, surprisal, compare) work with. */
export interface PredictionServices {
  panels: PanelContext;
  host: ModelHostService;
  models: ModelRegistry;
}

export function badge(model: ModelInfo): ModelBadge {
  return { label: model.label, family: model.family, spec: model.spec };
}

/** The active text editor, or a message saying one is needed. */
export function requireEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) void vscode.window.showInformationMessage(vscode.l10n.t('Open a text file first.'));
  return editor;
}
