import * as vscode from 'vscode';
import { readConfig } from '../config';
import { AttentionHighlighter } from '../editor/attentionHighlight';
import type { ModelHostService } from '../models/modelHostService';
import type { ModelRegistry } from '../models/modelRegistry';
import { defaultModelSpec } from '../models/taskSettings';
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
  models: ModelRegistry,
  view: AttentionViewProvider,
): AttentionFeatures {
  const highlighter = new AttentionHighlighter(view, context.globalState);
  // The compare panel's models: `{ causal, masked }` specs when given, else the roles' models
  // (the active model when it fits, else `transformerExplorer.defaultModels`).
  context.subscriptions.push(highlighter);
  const compareModels = (given: Partial<Record<string, unknown>>): CompareModels => ({
    use: (role, work) => {
      const spec = given[role];
      const named = typeof spec === 'string' && spec.trim() !== '' ? spec.trim() : undefined;
      return models.withModel(() => (named ? models.forSpec(named) : models.forRole(role)), work);
    },
    choose: () => models.choose(),
  });
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
