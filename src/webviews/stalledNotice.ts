import * as vscode from 'vscode';

/** Says that the webview `title` did not start and offers to reload the window, which starts it. */
export function noticeWebviewStalled(title: string): void {
  const reload = vscode.l10n.t('Reload Window');
  void vscode.window
    .showWarningMessage(vscode.l10n.t('“{0}” did not start. Reloading the window starts it again.', title), reload)
    .then((choice) => (choice === reload ? vscode.commands.executeCommand('workbench.action.reloadWindow') : undefined));
}
