import * as vscode from 'vscode';
import { contextualEmbeddingsCommand } from '../commands/contextualEmbeddings';
import type { FeatureFactory } from '../feature';
import type { EmbeddingsDrawReport, EmbeddingsPayload, EmbeddingsStringKey } from '../protocol/embeddings';
import { embeddingsStrings } from './insideStrings';
import { checkEmbeddingsDraw } from './insideMessageChecks';
import type { PanelContext } from './panelBase';
import { ResultPanel, savedPayload } from './resultPanel';

/** Show Contextual Embeddings: its command and its panel, revived after a window reload. */
export const embeddingsFeature: FeatureFactory = ({ panels, host, models }) => ({
  commands: {
    'transformerExplorer.showEmbeddings': contextualEmbeddingsCommand({ panels, host, models }, (content) => EmbeddingsPanel.show(panels, content)),
  },
  revive: { [EmbeddingsPanel.viewType]: (panel, state) => EmbeddingsPanel.revive(panels, panel, state) },
});

/** The Contextual Embeddings panel: cosine per layer, nearest tokens, the similarity of two selections. */
export class EmbeddingsPanel extends ResultPanel<EmbeddingsStringKey, EmbeddingsPayload, EmbeddingsDrawReport> {
  static readonly viewType = 'transformerExplorer.embeddings';

  private constructor(ctx: PanelContext, panel: vscode.WebviewPanel) {
    super(ctx, panel, {
      page: { script: 'embeddings.main', styles: ['base.css', 'predict.css', 'embeddings.css'], title: vscode.l10n.t('Contextual Embeddings') },
      strings: embeddingsStrings,
      checkReport: checkEmbeddingsDraw,
    });
  }

  /** The open panel, if any (tests). */
  static get open(): EmbeddingsPanel | undefined {
    return EmbeddingsPanel.current();
  }

  /** Shows `content` in the panel (opened beside the editor, keeping the focus there). */
  static show(ctx: PanelContext, content: Omit<EmbeddingsPayload, 'drawId'>): EmbeddingsPanel {
    const target = EmbeddingsPanel.revealOrCreate(ctx, vscode.l10n.t('Contextual Embeddings'), true, (panel) => new EmbeddingsPanel(ctx, panel));
    target.update(content);
    return target;
  }

  /** After a reload: the saved result is shown again (nothing to recompute). */
  static revive(ctx: PanelContext, panel: vscode.WebviewPanel, state: unknown): void {
    const saved = savedPayload<EmbeddingsPayload>(panel, state, (r) => Array.isArray(r.staticCosine));
    if (saved) new EmbeddingsPanel(ctx, panel).update(saved); // replaces the open one
  }
}
