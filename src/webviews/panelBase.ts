import * as vscode from 'vscode';
import type { Channel } from '../protocol/wire';
import type { TokenizerService } from '../editor/tokenizerService';
import { Disposable } from '../util/disposable';
import { WebviewConnection, type ConnectionHandlers } from './connection';
import { localResourceRoots, renderPage, webviewOptions, type PageSpec } from './html';
import { reloadUntilReady } from './reloadUntilReady';
import { noticeWebviewStalled } from './stalledNotice';

/** What every panel needs from the extension. */
export interface PanelContext {
  extensionUri: vscode.Uri;
  tokenizers: TokenizerService;
}

/** Opens a new editor-area webview panel beside the active editor. */
export function createPanel(
  ctx: PanelContext,
  viewType: string,
  title: string,
  preserveFocus: boolean,
): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(
    viewType,
    title,
    { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
    { enableScripts: true, enableFindWidget: true, localResourceRoots: localResourceRoots(ctx.extensionUri) },
  );
}

/**
 * A webview panel with its typed channel. Subclasses give their page and their message handlers;
 * the panel's lifetime is the owner's: closing the tab disposes the owner, and disposing the owner
 * closes the tab.
 */
export abstract class PanelBase<C extends Channel> extends Disposable {
  protected readonly connection: WebviewConnection<C>;

  protected constructor(
    protected readonly ctx: PanelContext,
    protected readonly panel: vscode.WebviewPanel,
    page: PageSpec,
  ) {
    super();
    panel.webview.options = webviewOptions(ctx.extensionUri);
    panel.iconPath = {
      light: vscode.Uri.joinPath(ctx.extensionUri, 'media', 'icons', 'tokens-light.svg'),
      dark: vscode.Uri.joinPath(ctx.extensionUri, 'media', 'icons', 'tokens-dark.svg'),
    };
    this.connection = this.register(new WebviewConnection<C>(panel.webview, this.handlers()));
    const html = (): string => renderPage(panel.webview, ctx.extensionUri, page);
    panel.webview.html = html();
    this.register(
      reloadUntilReady(panel.webview, this.connection, html, {
        visible: () => panel.visible,
        stillCurrent: () => !this.isDisposed,
        onGiveUp: () => noticeWebviewStalled(panel.title),
      }),
    );
    this.register(panel.onDidDispose(() => this.dispose()));
  }

  protected abstract handlers(): ConnectionHandlers<C>;

  reveal(preserveFocus: boolean): void {
    this.panel.reveal(undefined, preserveFocus);
  }

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    super.dispose();
    this.panel.dispose();
  }
}
