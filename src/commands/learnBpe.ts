import * as vscode from 'vscode';
import { readConfig } from '../config';
import type { LearnBpeResult } from '../engine/tokenizers/types';
import { selectionOrDocument } from '../editor/textSource';
import { LearnBpePanel } from '../webviews/learnPanel';
import type { PanelContext } from '../webviews/panelBase';
import { parseTextArgs } from './args';

/**
 * "Learn BPE from Selection": trains a small BPE vocabulary on the selection (or the document)
 * and shows each merge with its pair frequency. Resolves to the trainer's `LearnBpeResult`.
 */
export function learnBpeCommand(ctx: PanelContext) {
  return (arg?: unknown): LearnBpeResult | undefined => {
    const args = parseTextArgs(arg);
    const editor = vscode.window.activeTextEditor;
    const text = args.text ?? (editor ? selectionOrDocument(editor).text : undefined);
    if (text === undefined || text.trim() === '') {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select some text to learn a BPE vocabulary from.'));
      return undefined;
    }
    return LearnBpePanel.show(ctx, text, args.merges ?? readConfig().learnBpe.merges);
  };
}
