import * as vscode from 'vscode';
import type { TokenizerService } from '../editor/tokenizerService';
import type { ModelHostService } from '../models/modelHostService';
import type { DrawReport } from '../protocol/attention';
import { AttentionComparePanel, type CompareModels, type CompareRole } from '../webviews/attentionCompare';
import { attentionSource } from '../webviews/attentionSource';
import type { PanelContext } from '../webviews/panelBase';

export interface CompareShown {
  text: string;
  columns: Array<{ role: CompareRole; spec: string; error?: string }>;
  drawn: Array<DrawReport & { role: CompareRole }>;
}

/**
 * "Compare BERT and GPT Attention": the selection (or the cursor's paragraph, or `{ text }`)
 * through the masked and the causal model side by side. Resolves once both are drawn.
 */
export function compareAttentionCommand(ctx: PanelContext, host: ModelHostService, tokenizers: TokenizerService, models: CompareModels) {
  return async (arg?: unknown): Promise<CompareShown | undefined> => {
    const given = typeof arg === 'object' && arg !== null ? (arg as Record<string, unknown>).text : undefined;
    const editor = vscode.window.activeTextEditor;
    const text = typeof given === 'string' && given.trim() !== '' ? given : editor ? attentionSource(editor)?.text : undefined;
    if (!text) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select some text (or put the cursor in a paragraph) to see its attention.'));
      return undefined;
    }
    const panel = await AttentionComparePanel.show(ctx, host, tokenizers, models, text);
    const drawn = await panel.whenDrawn(30_000);
    return { text, columns: panel.columns.map(({ role, spec, error }) => ({ role, spec, ...(error ? { error } : {}) })), drawn };
  };
}
