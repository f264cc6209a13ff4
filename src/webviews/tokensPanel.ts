import * as vscode from 'vscode';
import type { Encoding } from '../engine/tokenizers/types';
import { parseTextArgs } from '../commands/args';
import { selectionOrDocument } from '../editor/textSource';
import type { FeatureFactory } from '../feature';
import type { TokenizerChoice, TokensChannel, TokensOptions, TokensPanelState, TokensPayload } from '../protocol/tokens';
import type { ConnectionHandlers } from './connection';
import { checkEmpty, checkTokensOptions } from './messageChecks';
import { PanelBase, type PanelContext } from './panelBase';
import { tokensStrings } from './strings';
import { encodeColumn, MAX_CHIPS, OfferedTokenizers } from './tokenViews';

export interface TokensShown {
  payload: TokensPayload;
  /** Full encoding by the primary tokenizer; `undefined` when it failed to load. */
  primary: Encoding | undefined;
  /** The primary tokenizer's load error, if any. */
  error?: string;
}

/** "Tokenize Selection" and the Tokens panel. */
export const tokensPanelFeature: FeatureFactory = ({ panels }) => ({
  commands: { 'transformerExplorer.tokenizeSelection': (arg?: unknown) => tokenizeSelection(panels, arg) },
  revive: { [TokensPanel.viewType]: (panel, state) => TokensPanel.revive(panels, panel, state) },
});

/**
 * "Tokenize Selection": the selection (or the whole document when nothing is selected) as token
 * chips in the Tokens panel. Resolves to the primary tokenizer's full `Encoding`.
 */
async function tokenizeSelection(ctx: PanelContext, arg: unknown): Promise<Encoding | undefined> {
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
}

/**
 * The "Tokens" panel: a text as coloured token chips for one tokenizer, or two side by side.
 * One panel at a time; running the command again shows the new text in it.
 */
export class TokensPanel extends PanelBase<TokensChannel> {
  static readonly viewType = 'transformerExplorer.tokensPanel';
  private text = '';
  private options: TokensOptions;
  private generation = 0;
  private readonly offered = new OfferedTokenizers(this.ctx.tokenizers);

  private constructor(ctx: PanelContext, panel: vscode.WebviewPanel, options: TokensOptions) {
    super(ctx, panel, { script: 'tokens.main', styles: ['base.css', 'chips.css', 'tokens.css'], title: vscode.l10n.t('Tokens') });
    this.options = options;
    this.sendInit();
  }

  /** Shows `text` (creating or revealing the panel) and resolves once it is tokenized. */
  static async show(ctx: PanelContext, text: string, options?: Partial<TokensOptions>): Promise<TokensShown> {
    const target = TokensPanel.revealOrCreate(ctx, vscode.l10n.t('Tokens'), true, (panel) =>
      new TokensPanel(ctx, panel, { primary: ctx.tokenizers.activeSpec, secondary: ctx.tokenizers.compareSpec, compare: false }),
    );
    // A new run starts from the settings (the panel's pickers are for exploring); compare mode stays.
    target.options = {
      primary: options?.primary ?? ctx.tokenizers.activeSpec,
      secondary: options?.secondary ?? ctx.tokenizers.compareSpec,
      compare: options?.compare ?? target.options.compare,
    };
    target.text = text;
    return target.refresh('interactive');
  }

  /** Brings back a panel VS Code restored after a reload, from the state its webview saved. */
  static revive(ctx: PanelContext, panel: vscode.WebviewPanel, state: unknown): void {
    const saved = parseState(state, new OfferedTokenizers(ctx.tokenizers).choices(), ctx);
    if (!saved?.text) {
      panel.dispose(); // nothing was saved (e.g. the window closed mid-write): no empty panel
      return;
    }
    const revived = new TokensPanel(ctx, panel, saved); // replaces the open one
    revived.text = saved.text;
    void revived.refresh('background');
  }

  protected handlers(): ConnectionHandlers<TokensChannel> {
    return {
      requests: { 'tokenizer/browse': () => this.offered.browse() },
      notifications: {
        'options/didChange': (options) => {
          this.options = options;
          void this.refresh('interactive');
        },
      },
      checks: {
        requests: { 'tokenizer/browse': checkEmpty },
        notifications: { 'options/didChange': (p) => checkTokensOptions(p, this.offered.offered) },
      },
    };
  }

  private sendInit(): void {
    const { primary, secondary } = this.options;
    this.connection.notify('panel/didInit', { strings: tokensStrings(), choices: this.offered.choices(primary, secondary) });
  }

  private async refresh(mode: 'interactive' | 'background'): Promise<TokensShown> {
    const generation = ++this.generation;
    const { primary, secondary, compare } = this.options;
    const specs = compare ? [primary, secondary] : [primary];
    const results = [];
    for (const spec of specs) {
      results.push(await encodeColumn(this.ctx.tokenizers, spec, this.text, mode));
    }
    const columns = results.map((r) => r.column);
    // Chips point into `text`: send only what the shown chips need.
    const lastEnd = Math.max(0, ...columns.map((c) => (c.total > MAX_CHIPS ? (c.tokens.at(-1)?.end ?? 0) : this.text.length)));
    const payload: TokensPayload = {
      ...this.options,
      text: this.text.slice(0, lastEnd),
      textLength: this.text.length,
      columns,
    };
    if (generation === this.generation && !this.isDisposed) {
      this.sendInit();
      this.connection.notify('tokens/didChange', payload);
    }
    return { payload, primary: results[0]?.encoding, error: columns[0]?.error };
  }
}

/** The saved state of a panel, its tokenizers among `choices` (else those of the settings). */
function parseState(state: unknown, choices: readonly TokenizerChoice[], ctx: PanelContext): TokensPanelState | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const { text, showIds } = state as Partial<TokensPanelState>;
  const options = checkTokensOptions(state, new Set(choices.map((c) => c.spec))) ?? { primary: ctx.tokenizers.activeSpec, secondary: ctx.tokenizers.compareSpec, compare: false };
  return { ...options, text: typeof text === 'string' ? text : '', showIds: showIds === true };
}
