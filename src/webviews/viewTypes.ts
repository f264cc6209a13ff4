/**
 * The ids of the extension's webview views and panels (package.json `views`, `onWebviewPanel:`
 * activation events). A module of its own: the activation path registers views and panel
 * serializers under these ids before the code behind them is loaded.
 */
export const TOKENS_VIEW_ID = 'transformerExplorer.tokensView';
export const ATTENTION_VIEW_ID = 'transformerExplorer.attentionView';

export const TOKENS_PANEL_VIEW_TYPE = 'transformerExplorer.tokensPanel';
export const BPE_PANEL_VIEW_TYPE = 'transformerExplorer.bpePanel';
export const LEARN_PANEL_VIEW_TYPE = 'transformerExplorer.learnBpePanel';
export const PREDICT_PANEL_VIEW_TYPE = 'transformerExplorer.predictPanel';
export const COMPLETION_PANEL_VIEW_TYPE = 'transformerExplorer.completionPanel';
export const ATTENTION_COMPARE_VIEW_TYPE = 'transformerExplorer.attentionCompare';

/** Side views, registered at activation. */
export type ViewId = typeof TOKENS_VIEW_ID | typeof ATTENTION_VIEW_ID;
/** Panels VS Code restores after a window reload (a serializer each). */
export const RESTORED_PANEL_TYPES = [
  TOKENS_PANEL_VIEW_TYPE,
  BPE_PANEL_VIEW_TYPE,
  LEARN_PANEL_VIEW_TYPE,
  PREDICT_PANEL_VIEW_TYPE,
  COMPLETION_PANEL_VIEW_TYPE,
  ATTENTION_COMPARE_VIEW_TYPE,
] as const;
export type RestoredPanelType = (typeof RESTORED_PANEL_TYPES)[number];
