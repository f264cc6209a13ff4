import * as vscode from 'vscode';
import type { AttentionViewChannel, DrawReport } from '../protocol/attention';
import type { ConnectionHandlers, WebviewConnection } from './connection';
import { AttentionController, surfaceHandlers, type AttentionSurface } from './attentionView';
import { PanelBase, type PanelContext } from './panelBase';

/**
 * "Open Attention Beside": the Attention view's page as an editor panel next to the text, where
 * it has room (a 30-token heatmap with cells of 14 px or more at 1400 × 900). The same controller
 * as the side view serves it: it follows the last active text editor (not the panel, which takes
 * the focus when clicked), and a layer/head chosen in one is shown in the other. Restored after a
 * window reload (`onWebviewPanel:`); it then follows the text editor left visible.
 */
/** The controller of each panel, known before its constructor runs (PanelBase connects the webview, asking for `handlers()`, within `super`). */
const controllers = new WeakMap<vscode.WebviewPanel, AttentionController>();

export class AttentionBesidePanel extends PanelBase<AttentionViewChannel> implements AttentionSurface {
  static readonly viewType = 'transformerExplorer.attentionBeside';
  readonly kind = 'panel';
  lastDraw: DrawReport | undefined;

  private readonly controller: AttentionController;

  private constructor(ctx: PanelContext, panel: vscode.WebviewPanel, controller: AttentionController) {
    controllers.set(panel, controller);
    super(ctx, panel, { ...AttentionController.page, title: vscode.l10n.t('Attention') });
    this.controller = controller;
    this.register(controller.attach(this, this.connection));
    this.register(panel.onDidChangeViewState(() => controller.surfaceDidChangeVisibility()));
  }

  /** The open panel brought to the front (keeping the focus in the editor when `preserveFocus`), else a new one beside the editor. */
  static open(ctx: PanelContext, controller: AttentionController, preserveFocus: boolean): AttentionBesidePanel {
    const panel = AttentionBesidePanel.revealOrCreate(ctx, vscode.l10n.t('Attention'), preserveFocus, (p) => new AttentionBesidePanel(ctx, p, controller));
    // Open in the text's own group (the text was opened there after it), it would hide the text: beside it again.
    const text = controller.textEditor?.viewColumn;
    if (text !== undefined && panel.panel.viewColumn === text) panel.panel.reveal(vscode.ViewColumn.Beside, preserveFocus);
    return panel;
  }

  /** Brings back the panel VS Code restored after a window reload. */
  static revive(ctx: PanelContext, panel: vscode.WebviewPanel, controller: AttentionController): AttentionBesidePanel {
    return new AttentionBesidePanel(ctx, panel, controller);
  }

  get visible(): boolean {
    return this.panel.visible;
  }

  get channel(): WebviewConnection<AttentionViewChannel> | undefined {
    return this.isDisposed ? undefined : this.connection;
  }

  protected handlers(): ConnectionHandlers<AttentionViewChannel> {
    const controller = controllers.get(this.panel);
    if (!controller) throw new Error('AttentionBesidePanel: no controller');
    return surfaceHandlers(this, controller);
  }
}
