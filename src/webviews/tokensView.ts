import * as vscode from 'vscode';
import type { TokensViewChannel, TokensViewPayload } from '../protocol/tokensView';
import { selectionOrLine, type TextSource } from '../editor/textSource';
import type { FeatureFactory } from '../feature';
import { Debouncer } from '../util/debounce';
import type { ConnectionHandlers, WebviewConnection } from './connection';
import { checkTokenRange } from './messageChecks';
import { tokensViewStrings } from './strings';
import { encodeColumn } from './tokenViews';
import { ViewBase } from './viewBase';
import { TOKENS_VIEW_ID } from './viewTypes';
import type { PanelContext } from './webviewBase';

/** The Tokens side view and "Show Tokens Side Panel". */
export const tokensViewFeature: FeatureFactory = ({ context, panels }) => {
  const view = new TokensViewProvider(panels);
  context.subscriptions.push(view);
  return {
    views: { [TOKENS_VIEW_ID]: view },
    commands: { 'transformerExplorer.showSidePanel': () => showSidePanel(view) },
  };
};

/** "Show Tokens Side Panel": focuses the Tokens view; resolves to what it shows once drawn. */
async function showSidePanel(view: TokensViewProvider): Promise<TokensViewPayload | undefined> {
  await vscode.commands.executeCommand(`${TOKENS_VIEW_ID}.focus`);
  return view.whenRendered(5000);
}

/** The side view follows at most this many characters of a selection. */
const MAX_VIEW_CHARS = 5000;
const MAX_VIEW_CHIPS = 1500;

/**
 * The "Tokens" view in the Transformer Explorer side bar: the tokens of the current selection
 * (or of the cursor's line) for the active tokenizer, following the editor with a short debounce.
 */
export class TokensViewProvider extends ViewBase<TokensViewChannel> {
  private readonly debouncer = this.register(new Debouncer(200, () => this.update()));
  private lastEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  private shownSource: (TextSource & { version: number }) | undefined;
  private ignoredSelection: vscode.Selection | undefined;
  private readonly rendered = this.register(new vscode.EventEmitter<TokensViewPayload>());
  private lastPayload: TokensViewPayload | undefined;
  private generation = 0;

  constructor(ctx: PanelContext) {
    super(ctx, { script: 'tokensView.main', styles: ['base.css', 'chips.css', 'tokensView.css'], title: vscode.l10n.t('Tokens') });
    this.register(
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor) {
          this.lastEditor = editor;
        }
        this.schedule();
      }),
    );
    this.register(
      vscode.window.onDidChangeTextEditorSelection((e) => {
        this.lastEditor = e.textEditor;
        const ignored = this.ignoredSelection;
        this.ignoredSelection = undefined;
        if (!(ignored && e.selections.length === 1 && e.selections[0]!.isEqual(ignored))) {
          this.schedule();
        }
      }),
    );
    this.register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === this.lastEditor?.document) {
          this.schedule();
        }
      }),
    );
    this.register(ctx.tokenizers.onDidChangeActive(() => this.schedule()));
  }

  protected handlers(): ConnectionHandlers<TokensViewChannel> {
    return {
      requests: {},
      notifications: { 'token/didActivate': (range) => this.selectToken(range.start, range.end) },
      checks: { requests: {}, notifications: { 'token/didActivate': (p) => checkTokenRange(p, this.lastPayload?.text.length ?? 0) } },
    };
  }

  protected viewDidResolve(connection: WebviewConnection<TokensViewChannel>): void {
    connection.notify('view/didInit', { strings: tokensViewStrings() });
    this.forWebview(connection.onDidBecomeReady(() => this.lastPayload && this.rendered.fire(this.lastPayload)));
    void this.update();
  }

  protected viewDidChangeVisibility(): void {
    this.schedule();
  }

  /** Resolves with what the view shows once it has drawn it (or `undefined` after `timeoutMs`). */
  whenRendered(timeoutMs: number): Promise<TokensViewPayload | undefined> {
    if (this.lastPayload && this.connection?.ready) {
      return Promise.resolve(this.lastPayload);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        sub.dispose();
        resolve(this.lastPayload);
      }, timeoutMs);
      const sub = this.rendered.event((payload) => {
        if (this.connection?.ready) {
          clearTimeout(timer);
          sub.dispose();
          resolve(payload);
        }
      });
    });
  }

  private schedule(): void {
    if (this.view?.visible) {
      this.debouncer.trigger();
    }
  }

  private async update(): Promise<void> {
    const connection = this.connection;
    if (!connection || !this.view?.visible) {
      return;
    }
    const generation = ++this.generation;
    const editor = vscode.window.activeTextEditor ?? this.lastEditor;
    if (!editor || editor.document.isClosed) {
      this.shownSource = undefined;
      connection.notify('tokens/didClear', { message: vscode.l10n.t('Open a text file and select some text to see its tokens.') });
      return;
    }
    const source = selectionOrLine(editor);
    const truncated = source.text.length > MAX_VIEW_CHARS;
    const text = truncated ? source.text.slice(0, MAX_VIEW_CHARS) : source.text;
    const { column } = await encodeColumn(this.ctx.tokenizers, this.ctx.tokenizers.activeSpec, text, 'background', MAX_VIEW_CHIPS);
    if (generation !== this.generation || connection !== this.connection) {
      return;
    }
    this.shownSource = { ...source, version: source.document.version };
    const payload: TokensViewPayload = {
      source:
        source.kind === 'line'
          ? vscode.l10n.t('Line {0}', source.range.start.line + 1)
          : vscode.l10n.t('Selection'),
      text,
      column,
      truncated,
    };
    this.lastPayload = payload;
    connection.notify('tokens/didChange', payload);
    this.rendered.fire(payload);
  }

  private selectToken(start: number, end: number): void {
    const source = this.shownSource;
    const editor = this.lastEditor;
    if (
      !source ||
      !editor ||
      editor.document !== source.document ||
      source.document.version !== source.version
    ) {
      return;
    }
    const base = source.document.offsetAt(source.range.start);
    const selection = new vscode.Selection(
      source.document.positionAt(base + start),
      source.document.positionAt(base + end),
    );
    this.ignoredSelection = selection;
    void vscode.window
      .showTextDocument(source.document, { viewColumn: editor.viewColumn, selection, preserveFocus: false })
      .then(undefined, () => undefined);
  }
}
