import * as vscode from 'vscode';
import type { FillMaskTarget } from '../engine/tasks/taskTypes';
import type { ConnectionHandlers } from './connection';
import { checkApply, checkSeed, checkTarget } from './predictionMessageChecks';
import { createPanel, PanelBase, type PanelContext } from './panelBase';
import type { PredictChannel, PredictPanelState, PredictPayload } from '../protocol/prediction';
import { predictStrings } from './predictionStrings';
import { PREDICT_PANEL_VIEW_TYPE } from './viewTypes';

/** What the panel's buttons do; given by the command that filled the panel. */
export interface PredictActions {
  apply?(slot: number, text: string): Promise<{ applied: boolean; message?: string }>;
  target?(text: string): Promise<FillMaskTarget | null>;
  rerunMlm?(seed: number): Promise<void>;
}

function titleOf(payload: PredictPayload | undefined): string {
  switch (payload?.view) {
    case 'mlm':
      return vscode.l10n.t('MLM Masking Demo');
    case 'compare':
      return vscode.l10n.t('BERT vs GPT');
    default:
      return vscode.l10n.t('Fill Mask');
  }
}

/** The Predictions panel: fill-mask bars, the MLM masking demo, BERT vs GPT side by side. */
export class PredictPanel extends PanelBase<PredictChannel> {
  static readonly viewType = PREDICT_PANEL_VIEW_TYPE;
  private actions: PredictActions = {};
  private payload: PredictPayload | undefined;

  private constructor(ctx: PanelContext, panel: vscode.WebviewPanel) {
    super(ctx, panel, { script: 'predict.main', styles: ['base.css', 'predict.css'], title: titleOf(undefined) });
    this.connection.notify('panel/didInit', { strings: predictStrings() });
  }

  /** The open panel, if any (tests and commands). */
  static get open(): PredictPanel | undefined {
    return PredictPanel.current();
  }

  /** Shows `payload` in the panel (opened beside the editor, keeping the focus there). */
  static show(ctx: PanelContext, payload: PredictPayload, actions: PredictActions): PredictPanel {
    let target = PredictPanel.revealOpen(true);
    if (!target) {
      target = new PredictPanel(ctx, createPanel(ctx, PREDICT_PANEL_VIEW_TYPE, titleOf(payload), true));
    }
    target.actions = actions;
    target.update(payload);
    return target;
  }

  static showError(message: string): void {
    PredictPanel.current()?.connection.notify('predict/didFail', { message });
  }

  /** After a reload: the saved result is shown again; applying needs a new run (the editor may differ). */
  static revive(ctx: PanelContext, panel: vscode.WebviewPanel, state: unknown): void {
    const saved = state as Partial<PredictPanelState> | undefined;
    if (!saved?.payload || typeof saved.payload !== 'object') {
      panel.dispose();
      return;
    }
    const revived = new PredictPanel(ctx, panel); // replaces the open one
    const payload = saved.payload.view === 'fill' ? { ...saved.payload, canApply: false } : saved.payload;
    revived.update(payload);
  }

  get shown(): PredictPayload | undefined {
    return this.payload;
  }

  update(payload: PredictPayload): void {
    this.payload = payload;
    this.panel.title = titleOf(payload);
    this.connection.notify('predict/didChange', payload);
  }

  protected handlers(): ConnectionHandlers<PredictChannel> {
    return {
      requests: {
        'fillMask/apply': async ({ slot, text }) => {
          if (!this.actions.apply) return { applied: false, message: predictStrings().notApplicable };
          return this.actions.apply(slot, text);
        },
        'fillMask/target': async ({ text }) => (this.actions.target ? this.actions.target(text) : null),
        'mlm/rerun': async ({ seed }) => {
          if (!this.actions.rerunMlm) return { ok: false };
          await this.actions.rerunMlm(seed);
          return { ok: true };
        },
      },
      notifications: {},
      checks: { requests: { 'fillMask/apply': checkApply, 'fillMask/target': checkTarget, 'mlm/rerun': checkSeed }, notifications: {} },
    };
  }
}
