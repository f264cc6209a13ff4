import * as vscode from 'vscode';
import { selectionOrWord } from '../editor/textSource';
import { BpePanel } from '../webviews/bpePanel';
import type { PanelContext } from '../webviews/panelBase';
import type { WordTrace } from '../webviews/traceViews';
import { parseTextArgs } from './args';

/**
 * "Show BPE Merges": replays how the active tokenizer cuts each selected word (or the word under
 * the cursor): BPE merges with their ranks, or WordPiece's longest-match steps.
 * Resolves to the engine's traces, one per pre-token.
 */
export function showBpeMergesCommand(ctx: PanelContext) {
  return async (arg?: unknown): Promise<WordTrace[] | undefined> => {
    const args = parseTextArgs(arg);
    const editor = vscode.window.activeTextEditor;
    const text = args.text ?? (editor ? selectionOrWord(editor)?.text : undefined);
    if (text === undefined || text.trim() === '') {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select one or more words to replay their merges.'));
      return undefined;
    }
    const shown = await BpePanel.show(ctx, text, args.tokenizer);
    return shown.traces;
  };
}
