import * as vscode from 'vscode';
import { parseTextArgs } from '../commands/args';
import { CommandId } from '../commands/commandIds';
import { selectionOrWord } from '../editor/textSource';
import type { FeatureFactory } from '../feature';
import type { BpeChannel, BpePanelState, BpePayload } from '../protocol/bpe';
import type { LoadMode } from '../editor/tokenizerService';
import { describeError } from '../util/errors';
import type { ConnectionHandlers } from './connection';
import { checkEmpty, checkSpecChange, offeredSpec } from './messageChecks';
import { PanelBase, type PanelContext } from './panelBase';
import { bpeStrings } from './strings';
import { OfferedTokenizers, summarize } from './tokenViews';
import { toWordViews, type WordTrace } from './traceViews';

export interface BpeShown {
  /** The engine's traces, one per pre-token of the text. */
  traces: WordTrace[];
  payload: BpePayload;
}

/** "Show BPE Merges" and the BPE Merges panel. */
export const bpePanelFeature: FeatureFactory = ({ panels }) => ({
  commands: { [CommandId.ShowBpeMerges]: (arg?: unknown) => showBpeMerges(panels, arg) },
  revive: { [BpePanel.viewType]: (panel, state) => BpePanel.revive(panels, panel, state) },
});

/**
 * "Show BPE Merges": replays how the active tokenizer cuts each selected word (or the word under
 * the cursor): BPE merges with their ranks, or WordPiece's longest-match steps.
 * Resolves to the engine's traces, one per pre-token.
 */
async function showBpeMerges(ctx: PanelContext, arg: unknown): Promise<WordTrace[] | undefined> {
  const args = parseTextArgs(arg);
  const editor = vscode.window.activeTextEditor;
  const text = args.text ?? (editor ? selectionOrWord(editor)?.text : undefined);
  if (text === undefined || text.trim() === '') {
    void vscode.window.showInformationMessage(vscode.l10n.t('Select one or more words to replay their merges.'));
    return undefined;
  }
  const shown = await BpePanel.show(ctx, text, args.tokenizer);
  return shown.traces;
}

/** The "BPE Merges" panel: each word's merges (or WordPiece steps) replayed with a stepper. */
export class BpePanel extends PanelBase<BpeChannel> {
  static readonly viewType = 'transformerExplorer.bpePanel';
  private text = '';
  private spec: string;
  private generation = 0;
  private readonly offered = new OfferedTokenizers(this.ctx.tokenizers);

  private constructor(ctx: PanelContext, panel: vscode.WebviewPanel, spec: string) {
    super(ctx, panel, { script: 'bpe.main', styles: ['base.css', 'chips.css', 'bpe.css'], title: vscode.l10n.t('BPE Merges') });
    this.spec = spec;
    this.sendInit();
  }

  /** Replays `text` with `spec` (default: the active tokenizer). Rejects when the tokenizer cannot load. */
  static async show(ctx: PanelContext, text: string, spec?: string): Promise<BpeShown> {
    const target = BpePanel.revealOrCreate(ctx, vscode.l10n.t('BPE Merges'), false, (panel) => new BpePanel(ctx, panel, spec ?? ctx.tokenizers.activeSpec));
    target.text = text;
    target.spec = spec ?? ctx.tokenizers.activeSpec; // a new run starts from the setting
    return target.refresh('interactive');
  }

  static revive(ctx: PanelContext, panel: vscode.WebviewPanel, state: unknown): void {
    const saved = state as Partial<BpePanelState> | undefined;
    if (typeof saved?.text !== 'string' || saved.text === '') {
      panel.dispose(); // nothing to replay was saved: no empty panel
      return;
    }
    const choices = new OfferedTokenizers(ctx.tokenizers).choices();
    const spec = offeredSpec(saved.spec, new Set(choices.map((c) => c.spec))) ?? ctx.tokenizers.activeSpec;
    const revived = new BpePanel(ctx, panel, spec); // replaces the open one
    revived.text = saved.text;
    revived.refresh('background').catch(() => undefined);
  }

  protected handlers(): ConnectionHandlers<BpeChannel> {
    return {
      requests: { 'tokenizer/browse': () => this.offered.browse() },
      notifications: {
        'tokenizer/didChange': ({ spec }) => {
          this.spec = spec;
          this.refresh('interactive').catch(() => undefined);
        },
      },
      checks: {
        requests: { 'tokenizer/browse': checkEmpty },
        notifications: { 'tokenizer/didChange': (p) => checkSpecChange(p, this.offered.offered) },
      },
    };
  }

  private sendInit(): void {
    this.connection.notify('panel/didInit', {
      strings: bpeStrings(),
      choices: this.offered.choices(this.spec),
    });
  }

  /** Traces the text and posts the replay (unless a newer refresh started), or posts the load error. */
  private async refresh(mode: LoadMode): Promise<BpeShown> {
    const generation = ++this.generation;
    const { spec, text } = this;
    try {
      const tok = await this.ctx.tokenizers.load(spec, mode);
      const traces = tok.trace(text);
      const spans = tok.encode(text).tokens;
      const payload: BpePayload = {
        spec,
        tokenizer: summarize(tok, spec),
        text,
        words: toWordViews(tok, text, traces, spans),
        totalWords: traces.length,
      };
      if (generation === this.generation && !this.isDisposed) {
        this.sendInit();
        this.connection.notify('trace/didChange', payload);
      }
      return { traces, payload };
    } catch (error) {
      if (generation === this.generation && !this.isDisposed) {
        this.connection.notify('trace/didFail', { spec, message: describeError(error) });
      }
      throw error;
    }
  }
}
