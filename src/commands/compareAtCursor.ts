import * as vscode from 'vscode';
import type { CompareAtCursorResult } from '../engine/tasks/taskTypes';
import { paragraphAround, wordAt } from '../editor/textAround';
import { PredictPanel } from '../webviews/predictPanel';
import { runTask, showTaskError } from '../models/taskRunner';
import { badge, requireEditor, type PredictionServices } from './predictionServices';

/**
 * "Compare BERT and GPT Here": for the word at the cursor, the masked model's prediction from both
 * sides and the causal model's from the left context only, side by side in the Predictions panel.
 */
export function compareAtCursorCommand(services: PredictionServices) {
  return async (): Promise<CompareAtCursorResult | undefined> => {
    const editor = requireEditor();
    if (!editor) return undefined;
    const doc = editor.document;
    const full = doc.getText();
    const offset = doc.offsetAt(editor.selection.active);
    const word = wordAt(full, offset);
    if (!word) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Put the cursor on a word to compare the two models’ predictions for it.'));
      return undefined;
    }
    const around = paragraphAround(full, word.start, word.end, 600);
    const text = full.slice(around.start, around.end);
    try {
      return await services.models.withRole('masked', (masked) =>
        services.models.withRole('causal', async (causal) => {
          const result = await runTask({ title: vscode.l10n.t('Comparing {0} and {1}', masked.label, causal.label) }, (task) =>
            services.host.request('model/compare', { maskedModelId: masked.modelId, causalModelId: causal.modelId, text, offset: word.start - around.start }, { signal: task.signal }),
          );
          PredictPanel.show(services.panels, { view: 'compare', masked: badge(masked), causal: badge(causal), text, result }, {});
          return result;
        }),
      );
    } catch (error) {
      showTaskError(error);
      return undefined;
    }
  };
}
