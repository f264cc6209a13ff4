import * as vscode from 'vscode';
import { SurprisalLens } from '../editor/surprisalLens';
import type { ModelHostService } from '../models/modelHostService';
import type { ModelRegistry } from '../models/modelRegistry';
import type { PanelContext } from '../webviews/panelBase';
import { CommandId } from './commandIds';
import { compareAtCursorCommand } from './compareAtCursor';
import { completeTextCommand, stopCompletionCommand } from './completeText';
import { fillMaskCommand } from './fillMask';
import { mlmDemoCommand } from './mlmDemo';
import type { PredictionServices } from './predictionServices';
import { clearSurprisalCommand, showSurprisalCommand } from './showSurprisal';

type PredictionCommandId =
  | CommandId.FillMask
  | CommandId.MlmDemo
  | CommandId.CompleteText
  | CommandId.StopCompletion
  | CommandId.ShowSurprisal
  | CommandId.ClearSurprisal
  | CommandId.CompareAtCursor;

/**
 * The prediction features (issue 4) wired in one place: the surprisal lens and
 * its hover, and the commands (returned for features.ts; the panels' serializers are registered at
 * activation, see extension.ts).
 */
export function predictionCommands(
  context: vscode.ExtensionContext,
  panels: PanelContext,
  host: ModelHostService,
  models: ModelRegistry,
  documents: vscode.DocumentSelector,
): Record<PredictionCommandId, (...args: unknown[]) => unknown> {
  const lens = new SurprisalLens();
  const services: PredictionServices = { panels, host, models };
  // The lens's hover is registered here, when the features load: before that there are no colours to explain.
  context.subscriptions.push(lens, vscode.languages.registerHoverProvider(documents, lens));
  return {
    [CommandId.FillMask]: fillMaskCommand(services),
    [CommandId.MlmDemo]: mlmDemoCommand(services),
    [CommandId.CompleteText]: completeTextCommand(services),
    [CommandId.StopCompletion]: stopCompletionCommand(),
    [CommandId.ShowSurprisal]: showSurprisalCommand(services, lens),
    [CommandId.ClearSurprisal]: clearSurprisalCommand(lens),
    [CommandId.CompareAtCursor]: compareAtCursorCommand(services),
  };
}
