import * as vscode from 'vscode';
import type { FillMaskTarget } from '../engine/tasks/taskTypes';
import type { ModelHostService } from '../models/modelHostService';
import type { ModelRegistry } from '../models/modelRegistry';
import type { ModelInfo } from '../models/modelTypes';
import type { PanelContext } from '../webviews/panelBase';
import type { ModelBadge, PredictPayload } from '../protocol/prediction';

/** What the prediction commands (fill-mask, completion, surprisal, compare) work with. */
export interface PredictionServices {
  panels: PanelContext;
  host: ModelHostService;
  models: ModelRegistry;
}

/** What the Predictions panel's buttons do; given by the command that filled the panel. */
export interface PredictActions {
  apply?(slot: number, text: string): Promise<{ applied: boolean; message?: string }>;
  target?(text: string): Promise<FillMaskTarget | null>;
  rerunMlm?(seed: number): Promise<void>;
}

/** Shows `payload` in the Predictions panel, its buttons doing `actions`. */
export type ShowPrediction = (payload: PredictPayload, actions: PredictActions) => void;

export function badge(model: ModelInfo): ModelBadge {
  return { label: model.label, family: model.family, spec: model.spec };
}

/** The active text editor, or a message saying one is needed. */
export function requireEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) void vscode.window.showInformationMessage(vscode.l10n.t('Open a text file first.'));
  return editor;
}
