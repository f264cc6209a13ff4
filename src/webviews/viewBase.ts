import type * as vscode from 'vscode';
import type { Channel } from '../protocol/wire';
import type { WebviewConnection } from './connection';
import type { PageSpec } from './html';
import { WebviewBase, type PanelContext } from './webviewBase';

/**
 * A view of the side bar with its typed channel (see `WebviewBase`). The provider lives as long as
 * the extension; VS Code gives it a new webview each time the view is shown again after it was
 * closed or moved (`resolveWebviewView`), and `connection` / `view` are that webview's while it is
 * open, `undefined` otherwise.
 */
export abstract class ViewBase<C extends Channel> extends WebviewBase<C> implements vscode.WebviewViewProvider {
  protected connection: WebviewConnection<C> | undefined;
  protected view: vscode.WebviewView | undefined;

  protected constructor(ctx: PanelContext, page: PageSpec) {
    super(ctx, page);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const connection = this.connect(view);
    this.connection = connection;
    this.forWebview(view.onDidChangeVisibility(() => this.viewDidChangeVisibility()));
    this.viewDidResolve(connection);
  }

  /** A new webview is connected: say what it shows first (posted once it is ready) and fill it. */
  protected abstract viewDidResolve(connection: WebviewConnection<C>): void;

  /** The view was shown or hidden. */
  protected abstract viewDidChangeVisibility(): void;

  protected override webviewDidDispose(connection: WebviewConnection<C>): void {
    if (this.connection === connection) {
      this.view = undefined;
      this.connection = undefined;
    }
  }
}
