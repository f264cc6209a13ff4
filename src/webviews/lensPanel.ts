import * as vscode from 'vscode';
import { logitLensCommand } from '../commands/logitLens';
import type { FeatureFactory } from '../feature';
import type { LensDrawReport, LensPayload, LensStringKey } from '../protocol/lens';
import { lensStrings } from './insideStrings';
import { checkLensDraw } from './insideMessageChecks';
import type { PanelContext } from './panelBase';
import { ResultPanel, savedPayload } from './resultPanel';

/** Show Logit Lens: its command and its panel, revived after a window reload. */
export const logitLensFeature: FeatureFactory = ({ panels, host, models }) => ({
  commands: { 'transformerExplorer.showLogitLens': logitLensCommand({ panels, host, models }, (content) => LogitLensPanel.show(panels, content)) },
  revive: { [LogitLensPanel.viewType]: (panel, state) => LogitLensPanel.revive(panels, panel, state) },
});

/** The Logit Lens panel: layers × positions, each cell the top-1 token read at that layer. */
export class LogitLensPanel extends ResultPanel<LensStringKey, LensPayload, LensDrawReport> {
  static readonly viewType = 'transformerExplorer.logitLens';

  private constructor(ctx: PanelContext, panel: vscode.WebviewPanel) {
    super(ctx, panel, {
      page: { script: 'lens.main', styles: ['base.css', 'predict.css', 'lens.css'], title: vscode.l10n.t('Logit Lens') },
      strings: lensStrings,
      checkReport: checkLensDraw,
    });
  }

  /** The open panel, if any (tests). */
  static get open(): LogitLensPanel | undefined {
    return LogitLensPanel.current();
  }

  /** Shows `content` in the panel (opened beside the editor, keeping the focus there). */
  static show(ctx: PanelContext, content: Omit<LensPayload, 'drawId'>): LogitLensPanel {
    const target = LogitLensPanel.revealOrCreate(ctx, vscode.l10n.t('Logit Lens'), true, (panel) => new LogitLensPanel(ctx, panel));
    target.update(content);
    return target;
  }

  /** After a reload: the saved result is shown again (nothing to recompute). */
  static revive(ctx: PanelContext, panel: vscode.WebviewPanel, state: unknown): void {
    const saved = savedPayload<LensPayload>(panel, state, (r) => Array.isArray(r.cells));
    if (saved) new LogitLensPanel(ctx, panel).update(saved); // replaces the open one
  }
}
