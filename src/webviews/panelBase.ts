import * as vscode from 'vscode';
import type { Channel } from '../protocol/wire';
import type { WebviewConnection } from './connection';
import { localResourceRoots, type PageSpec } from './html';
import { WebviewBase, type PanelContext } from './webviewBase';

export type { PanelContext } from './webviewBase';

/** Opens a new editor-area webview panel beside the active editor. */
function createPanel(ctx: PanelContext, viewType: string, title: string, preserveFocus: boolean): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(
    viewType,
    title,
    { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
    { enableScripts: true, enableFindWidget: true, localResourceRoots: localResourceRoots(ctx.extensionUri) },
  );
}

/** The open panel of each view type: there is one panel of a kind at a time. */
const openPanels = new Map<string, vscode.Disposable>();

/** A panel class, as its static methods see it: its view type and its instances. */
interface PanelClass<P> {
  readonly viewType: string;
  readonly prototype: P;
}

function isInstance<P>(value: unknown, cls: PanelClass<P>): value is P {
  return typeof value === 'object' && value !== null && Object.prototype.isPrototypeOf.call(cls.prototype, value);
}

/** The open panel of `cls`, if any. */
function openOf<P>(cls: PanelClass<P>): P | undefined {
  const open = openPanels.get(cls.viewType);
  return isInstance(open, cls) ? open : undefined;
}

/**
 * A webview panel with its typed channel (see `WebviewBase`), one per view type: a new panel
 * (created by a command, or revived by VS Code after a window reload) replaces the open one of
 * its type, and `current()` / `revealOrCreate()` find it. The panel's lifetime is the owner's:
 * closing the tab disposes the owner, and disposing the owner closes the tab.
 *
 * A subclass names its `static readonly viewType` (package.json, `viewTypes.ts`).
 */
export abstract class PanelBase<C extends Channel> extends WebviewBase<C> {
  protected readonly connection: WebviewConnection<C>;

  protected constructor(
    ctx: PanelContext,
    protected readonly panel: vscode.WebviewPanel,
    page: PageSpec,
  ) {
    super(ctx, page);
    const { viewType } = panel;
    openPanels.get(viewType)?.dispose();
    openPanels.set(viewType, this);
    this.register({ dispose: () => openPanels.get(viewType) === this && openPanels.delete(viewType) });
    panel.iconPath = {
      light: vscode.Uri.joinPath(ctx.extensionUri, 'media', 'icons', 'tokens-light.svg'),
      dark: vscode.Uri.joinPath(ctx.extensionUri, 'media', 'icons', 'tokens-dark.svg'),
    };
    this.connection = this.connect(panel);
  }

  /** The open panel of this class, if any. */
  protected static current<P>(this: PanelClass<P>): P | undefined {
    return openOf(this);
  }

  /**
   * The open panel of this class brought to the front, else a new one beside the active editor:
   * `create` builds the owner around the new webview panel titled `title`.
   */
  protected static revealOrCreate<P extends { reveal(preserveFocus: boolean): void }>(
    this: PanelClass<P>,
    ctx: PanelContext,
    title: string,
    preserveFocus: boolean,
    create: (panel: vscode.WebviewPanel) => P,
  ): P {
    const open = openOf(this);
    if (!open) return create(createPanel(ctx, this.viewType, title, preserveFocus));
    open.reveal(preserveFocus);
    return open;
  }

  protected override stalledTitle(): string {
    return this.panel.title;
  }

  protected override webviewDidDispose(): void {
    this.dispose();
  }

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
