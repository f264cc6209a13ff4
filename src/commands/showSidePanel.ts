import * as vscode from 'vscode';
import type { TokensViewPayload } from '../protocol/tokensView';
import type { TokensViewProvider } from '../webviews/tokensView';
import { TOKENS_VIEW_ID } from '../webviews/viewTypes';

/** "Show Tokens Side Panel": focuses the Tokens view; resolves to what it shows once drawn. */
export function showSidePanelCommand(view: TokensViewProvider) {
  return async (): Promise<TokensViewPayload | undefined> => {
    await vscode.commands.executeCommand(`${TOKENS_VIEW_ID}.focus`);
    return view.whenRendered(5000);
  };
}
