import * as vscode from 'vscode';
import type { Encoding } from '../engine/tokenizers/types';
import { selectionOrDocument } from '../editor/textSource';
import type { PanelContext } from '../webviews/panelBase';
import { TokensPanel } from '../webviews/tokensPanel';
import { parseTextArgs } from './args';

/**
 * "Tokenize Selection": the selection (or the whole document when nothing is selected) as token
 * chips in the Tokens panel. Resolves to the primary tokenizer's full `Encoding`.
 */
export function tokenizeSelectionCommand(ctx: PanelContext) {
  return async (arg?: unknown): Promise<Encoding | undefined> => {
    const args = parseTextArgs(arg);
    const editor = vscode.window.activeTextEditor;
    const text = args.text ?? (editor ? selectionOrDocument(editor).text : undefined);
    if (text === undefined) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Open a text file and select some text to tokenize.'));
      return undefined;
    }
    const shown = await TokensPanel.show(ctx, text, {
      primary: args.tokenizer,
      secondary: args.compareWith,
      compare: args.compare ?? (args.compareWith !== undefined ? true : undefined),
    });
    if (!shown.primary) {
      void vscode.window.showErrorMessage(shown.error ?? vscode.l10n.t('The tokenizer could not be loaded.'));
      return undefined;
    }
    return shown.primary;
  };
}
