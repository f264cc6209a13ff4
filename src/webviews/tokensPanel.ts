import * as vscode from 'vscode';
import type { Encoding } from '../engine/tokenizers/types';
import type { TokensChannel, TokensOptions, TokensPanelState, TokensPayload } from '../protocol';
import { browseForTokenizer } from '../editor/browseTokenizer';
import type { ConnectionHandlers } from './connection';
import { createPanel, PanelBase, type PanelContext } from './panelBase';
import { tokensStrings } from './strings';
import { choiceFor, encodeColumn, MAX_CHIPS, tokenizerChoices } from './tokenViews';
import { TOKENS_PANEL_VIEW_TYPE } from './viewTypes';

export interface TokensShown {
  payload: TokensPayload;
  /** Full encoding by the primary tokenizer; `undefined` when it failed to load. */
  primary: Encoding | undefined;
  /** The primary tokenizer's load error, if any. */
  error?: string;
}

/**
 * The "Tokens" panel: a text as coloured token chips for one tokenizer, or two side by side.
 * One panel at a time; running the command again shows the new text in it.
 */
export class TokensPanel extends PanelBase<TokensChannel> {
  private static current: TokensPanel | undefined;
  private text = '';
  private options: TokensOptions;
  private generation = 0;

  private constructor(ctx: PanelContext, panel: vscode.WebviewPanel, options: TokensOptions) {
    super(ctx, panel, { script: 'tokens.main', styles: ['base.css', 'chips.css', 'tokens.css'], title: vscode.l10n.t('Tokens') });
    this.options = options;
    this.connection.notify('panel/didInit', {
      strings: tokensStrings(),
      choices: tokenizerChoices(ctx.tokenizers, options.primary, options.secondary),
    });
    this.register({ dispose: () => TokensPanel.current === this && (TokensPanel.current = undefined) });
  }

  /** Shows `text` (creating or revealing the panel) and resolves once it is tokenized. */
  static async show(ctx: PanelContext, text: string, options?: Partial<TokensOptions>): Promise<TokensShown> {
    let target = TokensPanel.current;
    if (target) {
      target.reveal(true);
    } else {
      const panel = createPanel(ctx, TOKENS_PANEL_VIEW_TYPE, vscode.l10n.t('Tokens'), true);
      target = new TokensPanel(ctx, panel, {
        primary: ctx.tokenizers.activeSpec,
        secondary: ctx.tokenizers.compareSpec,
        compare: false,
      });
      TokensPanel.current = target;
    }
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
    const saved = parseState(state);
    if (!saved?.text) {
      panel.dispose(); // nothing was saved (e.g. the window closed mid-write): no empty panel
      return;
    }
    TokensPanel.current?.dispose();
    const revived = new TokensPanel(ctx, panel, saved);
    TokensPanel.current = revived;
    revived.text = saved.text;
    void revived.refresh('background');
  }

  protected handlers(): ConnectionHandlers<TokensChannel> {
    return {
      requests: {
        'tokenizer/browse': async () => {
          const spec = await browseForTokenizer(this.ctx.tokenizers, 'file');
          return spec === undefined ? null : choiceFor(spec);
        },
      },
      notifications: {
        'options/didChange': (options) => {
          if (isOptions(options)) {
            this.options = options;
            void this.refresh('interactive');
          }
        },
      },
    };
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
      this.connection.notify('panel/didInit', {
        strings: tokensStrings(),
        choices: tokenizerChoices(this.ctx.tokenizers, primary, secondary),
      });
      this.connection.notify('tokens/didChange', payload);
    }
    return { payload, primary: results[0]?.encoding, error: columns[0]?.error };
  }
}

function isOptions(v: unknown): v is TokensOptions {
  const o = v as Partial<TokensOptions> | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.primary === 'string' &&
    typeof o.secondary === 'string' &&
    typeof o.compare === 'boolean'
  );
}

function parseState(state: unknown): TokensPanelState | undefined {
  if (!isOptions(state)) {
    return undefined;
  }
  const { text, showIds } = state as Partial<TokensPanelState>;
  return { ...state, text: typeof text === 'string' ? text : '', showIds: showIds === true };
}
