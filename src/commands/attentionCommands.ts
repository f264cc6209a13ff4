import * as vscode from 'vscode';
import { readConfig } from '../config';
import { AttentionHighlighter } from '../editor/attentionHighlight';
import type { ModelHostService } from '../models/modelHostService';
import { resolveBuiltin } from '../models/generationOptions';
import { loadRequest } from '../models/loadWithProgress';
import { locateModel } from '../models/modelSource';
import type { TaskModelService } from '../models/taskModels';
import { defaultModelSpec } from '../models/taskSettings';
import type { AttentionModel } from '../webviews/attentionCompute';
import { AttentionComparePanel, type CompareModels, type CompareRole } from '../webviews/attentionCompare';
import type { AttentionViewProvider } from '../webviews/attentionView';
import type { PanelContext } from '../webviews/panelBase';
import { compareAttentionCommand } from './attentionCompare';
import { openAttentionSnapshotCommand, saveAttentionImageCommand, saveAttentionSnapshotCommand } from './attentionExport';
import { attentionHighlightState, toggleAttentionHighlightCommand } from './attentionHighlight';
import { showAttentionCommand } from './attentionShow';
import { CommandId } from './commandIds';

type AttentionCommandId =
  | CommandId.ShowAttention
  | CommandId.ShowPositionalEncodings
  | CommandId.CompareAttention
  | CommandId.SaveAttentionImage
  | CommandId.SaveAttentionSnapshot
  | CommandId.OpenAttentionSnapshot
  | CommandId.ToggleAttentionHighlight
  | CommandId.AttentionHighlightState;

/** Loads a model spec (folder or Hub id) in the model host beside the active one, for the compare panel. */
async function loadSpec(host: ModelHostService, spec: string): Promise<AttentionModel> {
  const location = await locateModel(resolveBuiltin(spec, host.extensionPath).spec);
  if (!location) throw new Error(vscode.l10n.t('No model was chosen.'));
  const info = await host.loadModel(loadRequest(location.dir));
  return { ...info, spec, dir: location.dir };
}

/** The attention commands, and the reviver of the compare panel after a window reload. */
export interface AttentionFeatures {
  commands: Record<AttentionCommandId, (...args: unknown[]) => unknown>;
  reviveCompare: (panel: vscode.WebviewPanel, state: unknown) => void;
}

/**
 * The attention viewer (issue 5) wired in one place: the editor highlight and the commands on the
 * side view, and the compare panel's reviver (returned for features.ts; the view itself is
 * registered at activation).
 */
export function attentionCommands(
  context: vscode.ExtensionContext,
  panels: PanelContext,
  host: ModelHostService,
  taskModels: TaskModelService,
  view: AttentionViewProvider,
): AttentionFeatures {
  const highlighter = new AttentionHighlighter(view, context.globalState);
  // The compare panel's models: `{ causal, masked }` specs when given, else the roles' models
  // (the active model when it fits, else `transformerExplorer.defaultModels`).
  context.subscriptions.push(highlighter);
  const compareModels = (given: Partial<Record<string, unknown>>): CompareModels => async (role: CompareRole) => {
    const spec = given[role];
    if (typeof spec === 'string' && spec.trim() !== '') return loadSpec(host, spec.trim());
    return taskModels.forRole(role);
  };
  const compare = (arg?: unknown): Promise<unknown> => {
    const given = typeof arg === 'object' && arg !== null ? (arg as Record<string, unknown>) : {};
    return compareAttentionCommand(panels, host, panels.tokenizers, compareModels(given))(arg);
  };
  // The saved state comes from the webview: a saved spec is used again only when the settings
  // name it (the `model` setting or the role's default, read as Restricted Mode allows), or it is a
  // built-in model — never a path the webview alone names. Others fall back on the role's model.
  const settingsName = (role: CompareRole, spec: string): boolean => spec.startsWith('builtin:') || spec === readConfig().model || spec === defaultModelSpec(role);
  const reviveCompare = (panel: vscode.WebviewPanel, state: unknown): void =>
    AttentionComparePanel.revive(panels, panel, state, host, (specs) =>
      compareModels(Object.fromEntries(Object.entries(specs ?? {}).filter(([role, spec]) => typeof spec === 'string' && settingsName(role as CompareRole, spec)))),
    );
  const commands = {
    [CommandId.ShowAttention]: showAttentionCommand(view),
    [CommandId.ShowPositionalEncodings]: showAttentionCommand(view, 'positions'),
    [CommandId.CompareAttention]: compare,
    [CommandId.SaveAttentionImage]: saveAttentionImageCommand(view),
    [CommandId.SaveAttentionSnapshot]: saveAttentionSnapshotCommand(view),
    [CommandId.OpenAttentionSnapshot]: openAttentionSnapshotCommand(view),
    [CommandId.ToggleAttentionHighlight]: toggleAttentionHighlightCommand(highlighter),
    [CommandId.AttentionHighlightState]: attentionHighlightState(highlighter),
  };
  return { commands, reviveCompare };
}
