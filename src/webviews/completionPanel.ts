import * as vscode from 'vscode';
import type { GenerateOptions } from '../engine/tasks/taskTypes';
import type { ConnectionHandlers } from './connection';
import { checkEmpty } from './messageChecks';
import { checkRerun } from './predictionMessageChecks';
import { createPanel, PanelBase, type PanelContext } from './panelBase';
import type { CompletionChannel, CompletionPanelState, CompletionPayload } from '../protocol/prediction';
import { completionStrings } from './predictionStrings';
import { COMPLETION_PANEL_VIEW_TYPE } from './viewTypes';

/** What the panel's knobs do; given by the Complete Text command. */
export interface CompletionActions {
  /** Generate again with `options` over the current ones. */
  rerun?(options: Partial<GenerateOptions>): void;
  stop?(): void;
}

/**
 * The Completion panel: per generated step the top-k next tokens before and after temperature /
 * top-k / top-p, the chosen one highlighted; the beam tree for beam search; strategy knobs that
 * generate again from the same prompt.
 */
export class CompletionPanel extends PanelBase<CompletionChannel> {
  static readonly viewType = COMPLETION_PANEL_VIEW_TYPE;
  private actions: CompletionActions = {};
  private payload: CompletionPayload | undefined;

  private constructor(ctx: PanelContext, panel: vscode.WebviewPanel) {
    super(ctx, panel, { script: 'completion.main', styles: ['base.css', 'predict.css', 'completion.css'], title: vscode.l10n.t('Completion') });
    this.connection.notify('panel/didInit', { strings: completionStrings() });
  }

  static get open(): CompletionPanel | undefined {
    return CompletionPanel.current();
  }

  static show(ctx: PanelContext, actions: CompletionActions): CompletionPanel {
    let target = CompletionPanel.revealOpen(true);
    if (!target) {
      target = new CompletionPanel(ctx, createPanel(ctx, COMPLETION_PANEL_VIEW_TYPE, vscode.l10n.t('Completion'), true));
    }
    target.actions = actions;
    return target;
  }

  static revive(ctx: PanelContext, panel: vscode.WebviewPanel, state: unknown): void {
    const saved = state as Partial<CompletionPanelState> | undefined;
    if (!saved?.payload || typeof saved.payload !== 'object') {
      panel.dispose();
      return;
    }
    const revived = new CompletionPanel(ctx, panel); // replaces the open one
    revived.update({ ...saved.payload, running: false });
  }

  get shown(): CompletionPayload | undefined {
    return this.payload;
  }

  setActions(actions: CompletionActions): void {
    this.actions = actions;
  }

  update(payload: CompletionPayload): void {
    this.payload = payload;
    this.connection.notify('completion/didChange', payload);
  }

  protected handlers(): ConnectionHandlers<CompletionChannel> {
    return {
      requests: {},
      notifications: {
        'completion/rerun': ({ options }) => this.actions.rerun?.(options),
        'completion/stop': () => this.actions.stop?.(),
      },
      checks: { requests: {}, notifications: { 'completion/rerun': checkRerun, 'completion/stop': checkEmpty } },
    };
  }
}
