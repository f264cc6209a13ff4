import * as vscode from 'vscode';
import { parseTextArgs } from '../commands/args';
import { readConfig } from '../config';
import { selectionOrDocument } from '../editor/textSource';
import type { FeatureFactory } from '../feature';
import { TASK_LIMITS } from '../engine/tasks/limits';
import { learnBpe } from '../engine/tokenizers/learnBpe';
import type { LearnBpeResult } from '../engine/tokenizers/types';
import type { LearnChannel, LearnPanelState } from '../protocol/learn';
import type { ConnectionHandlers } from './connection';
import { checkMerges } from './messageChecks';
import { learnPayload } from './learnViews';
import { PanelBase, type PanelContext } from './panelBase';
import { learnStrings } from './strings';

/** Most merges the panel lets one ask for. */
export const MAX_MERGES = TASK_LIMITS.merges.max;

/** "Learn BPE from Selection" and the Learn BPE panel. */
export const learnPanelFeature: FeatureFactory = ({ panels }) => ({
  commands: { 'transformerExplorer.learnBpe': (arg?: unknown) => learnBpeFromSelection(panels, arg) },
  revive: { [LearnBpePanel.viewType]: (panel, state) => LearnBpePanel.revive(panels, panel, state, readConfig().learnBpe.merges) },
});

/**
 * "Learn BPE from Selection": trains a small BPE vocabulary on the selection (or the document)
 * and shows each merge with its pair frequency. Resolves to the trainer's `LearnBpeResult`.
 */
function learnBpeFromSelection(ctx: PanelContext, arg: unknown): LearnBpeResult | undefined {
  const args = parseTextArgs(arg);
  const editor = vscode.window.activeTextEditor;
  const text = args.text ?? (editor ? selectionOrDocument(editor).text : undefined);
  if (text === undefined || text.trim() === '') {
    void vscode.window.showInformationMessage(vscode.l10n.t('Select some text to learn a BPE vocabulary from.'));
    return undefined;
  }
  return LearnBpePanel.show(ctx, text, args.merges ?? readConfig().learnBpe.merges);
}

/** The "Learn BPE" panel: merges learned from a text, their frequencies, and the segmentations. */
export class LearnBpePanel extends PanelBase<LearnChannel> {
  static readonly viewType = 'transformerExplorer.learnBpePanel';
  private text = '';
  private merges: number;

  private constructor(ctx: PanelContext, panel: vscode.WebviewPanel, merges: number) {
    super(ctx, panel, { script: 'learnBpe.main', styles: ['base.css', 'chips.css', 'learn.css'], title: vscode.l10n.t('Learn BPE') });
    this.merges = merges;
    this.connection.notify('panel/didInit', { strings: learnStrings() });
  }

  /** Trains on `text` and shows the result. */
  static show(ctx: PanelContext, text: string, merges: number): LearnBpeResult {
    const target = LearnBpePanel.revealOrCreate(ctx, vscode.l10n.t('Learn BPE'), false, (panel) => new LearnBpePanel(ctx, panel, merges));
    target.text = text;
    target.merges = clampMerges(merges);
    return target.refresh();
  }

  static revive(ctx: PanelContext, panel: vscode.WebviewPanel, state: unknown, defaultMerges: number): void {
    const saved = state as Partial<LearnPanelState> | undefined;
    if (typeof saved?.text !== 'string' || saved.text === '') {
      panel.dispose(); // nothing to learn from was saved: no empty panel
      return;
    }
    const merges = clampMerges(checkMerges(saved)?.merges ?? defaultMerges);
    const revived = new LearnBpePanel(ctx, panel, merges); // replaces the open one
    revived.text = saved.text;
    revived.refresh();
  }

  protected handlers(): ConnectionHandlers<LearnChannel> {
    return {
      requests: {},
      notifications: {
        'options/didChange': ({ merges }) => {
          this.merges = clampMerges(merges);
          this.refresh();
        },
      },
      checks: { requests: {}, notifications: { 'options/didChange': checkMerges } },
    };
  }

  private refresh(): LearnBpeResult {
    const result = learnBpe(this.text, { merges: this.merges });
    this.connection.notify('learn/didChange', learnPayload(result, this.merges, this.text));
    return result;
  }
}

function clampMerges(n: number): number {
  return Math.min(MAX_MERGES, Math.max(1, Math.round(n)));
}
