import * as vscode from 'vscode';
import type { TokenizerService } from '../editor/tokenizerService';
import type { Channel } from '../protocol/wire';
import { Disposable } from '../util/disposable';
import { WebviewConnection, type ConnectionHandlers } from './connection';
import { renderPage, webviewOptions, type PageSpec } from './html';
import { reloadUntilReady } from './reloadUntilReady';
import { startInTurn, whenReady } from './startInTurn';

/** What every panel and view needs from the extension. */
export interface PanelContext {
  extensionUri: vscode.Uri;
  tokenizers: TokenizerService;
}

/** Where a webview is shown: a panel (editor tab) or a view of the side bar. */
interface WebviewHost {
  readonly webview: vscode.Webview;
  readonly visible: boolean;
  readonly onDidDispose: vscode.Event<void>;
}

/**
 * What panels (`PanelBase`) and side views (`ViewBase`) share: the typed channel to their webview
 * with its ready handshake (`WebviewConnection`: nothing is posted before the page says
 * `webview/ready`), the page (strict CSP, `html.ts`), the watchdog that loads a page that never
 * says `ready` again (`reloadUntilReady.ts`), and the disposal of all of it with the webview or
 * with its owner. Subclasses give their page and their message handlers; they differ only in how
 * VS Code creates the webview (a panel once, a view each time it is shown again).
 */
export abstract class WebviewBase<C extends Channel> extends Disposable {
  /** What lives as long as the current webview: its connection, its watchdog, its listeners. */
  private session: { owned: vscode.Disposable[]; dispose(): void } | undefined;

  protected constructor(
    protected readonly ctx: PanelContext,
    private readonly page: PageSpec,
  ) {
    super();
    this.register({ dispose: () => this.session?.dispose() });
  }

  /** The handlers of what the webview may send, with their checks. */
  protected abstract handlers(): ConnectionHandlers<C>;

  /** VS Code closed the webview `connection` served (the panel's tab, or the view's webview). */
  protected abstract webviewDidDispose(connection: WebviewConnection<C>): void;

  /** The name the "did not start" notice gives the webview. */
  protected stalledTitle(): string {
    return this.page.title;
  }

  /**
   * Opens the channel to `host`'s webview and loads the page into it; a webview connected before
   * is let go. The connection, the watchdog and what `forWebview` ties to them end when VS Code
   * closes the webview, when another one is connected, or when this owner is disposed.
   */
  protected connect(host: WebviewHost): WebviewConnection<C> {
    this.session?.dispose();
    const { webview } = host;
    webview.options = webviewOptions(this.ctx.extensionUri);
    const connection = new WebviewConnection<C>(webview, this.handlers());
    const session = {
      owned: [connection] as vscode.Disposable[],
      dispose: (): void => {
        if (this.session === session) this.session = undefined;
        for (const resource of session.owned.splice(0).reverse()) resource.dispose();
      },
    };
    this.session = session;
    const page = (): string => renderPage(webview, this.ctx.extensionUri, this.page);
    startInTurn(() => {
      if (this.session !== session) return Promise.resolve(); // let go before its turn
      webview.html = page();
      session.owned.push(
        reloadUntilReady(webview, connection, page, {
          visible: () => host.visible,
          stillCurrent: () => this.session === session,
          onGiveUp: () => noticeWebviewStalled(this.stalledTitle()),
        }),
      );
      return whenReady(connection);
    });
    this.forWebview(
      host.onDidDispose(() => {
        session.dispose();
        this.webviewDidDispose(connection);
      }),
    );
    if (this.isDisposed) session.dispose();
    return connection;
  }

  /** Ties `resource` to the current webview: it is disposed when that webview goes (see `connect`). */
  protected forWebview<T extends vscode.Disposable>(resource: T): T {
    if (this.session) this.session.owned.push(resource);
    else resource.dispose();
    return resource;
  }
}

/** Says that the webview `title` did not start and offers to reload the window, which starts it. */
function noticeWebviewStalled(title: string): void {
  const reload = vscode.l10n.t('Reload Window');
  void vscode.window
    .showWarningMessage(vscode.l10n.t('“{0}” did not start. Reloading the window starts it again.', title), reload)
    .then((choice) => (choice === reload ? vscode.commands.executeCommand('workbench.action.reloadWindow') : undefined));
}
