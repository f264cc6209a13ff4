/**
 * The ids of the side views that other modules name (commands focus them; the activation path
 * gives the attention view its options). Every view and panel is declared in package.json
 * (`contributes.views`, `onWebviewPanel:` activation events); a panel's view type lives on its
 * class (`static readonly viewType`). A leaf module: the activation path imports it.
 */
export const TOKENS_VIEW_ID = 'transformerExplorer.tokensView';
export const ATTENTION_VIEW_ID = 'transformerExplorer.attentionView';

/** Options of the views registered at activation (the others take VS Code's defaults). */
export const VIEW_OPTIONS: Readonly<Record<string, { webviewOptions?: { retainContextWhenHidden?: boolean } }>> = {
  [ATTENTION_VIEW_ID]: { webviewOptions: { retainContextWhenHidden: true } },
};
