import * as vscode from 'vscode';
import type { MlmDemoResult } from '../engine/tasks/taskTypes';
import { PredictPanel } from '../webviews/predictPanel';
import { runTask, showTaskError } from '../models/taskRunner';
import { badge, requireEditor, type PredictionServices } from './predictionServices';

/** Longest text the demo corrupts (it is shown token by token). */
const MAX_DEMO_CHARS = 2000;

/**
 * "MLM Masking Demo": BERT's training-time corruption applied to the selection (15 % of the
 * tokens; of those 80 % → mask, 10 % → random, 10 % unchanged; seeded) and what the masked model
 * recovers at each chosen position, with its accuracy. Argument: `{ seed }` (default 0).
 */
export function mlmDemoCommand(services: PredictionServices) {
  return async (arg?: unknown): Promise<MlmDemoResult | undefined> => {
    const editor = requireEditor();
    if (!editor) return undefined;
    const doc = editor.document;
    let text = editor.selection.isEmpty ? doc.lineAt(editor.selection.active.line).text : doc.getText(editor.selection);
    text = text.slice(0, MAX_DEMO_CHARS);
    if (text.trim() === '') {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select some text (a sentence or two) for the masking demo.'));
      return undefined;
    }
    const seedArg = typeof arg === 'object' && arg !== null ? (arg as Record<string, unknown>)['seed'] : undefined;
    const seed = typeof seedArg === 'number' && Number.isInteger(seedArg) && seedArg >= 0 ? seedArg : 0;
    try {
      return await services.models.withRole('masked', async (model) => {
        const run = (s: number): Promise<MlmDemoResult> =>
          runTask({ title: vscode.l10n.t('MLM masking demo with {0}', model.label) }, (task) =>
            services.host.request('model/mlmDemo', { modelId: model.modelId, text, seed: s }, { signal: task.signal }),
          );
        const show = (result: MlmDemoResult): void => {
          PredictPanel.show(services.panels, { view: 'mlm', model: badge(model), text, result }, {
            rerunMlm: async (s) => show(await run(s)),
          });
        };
        const result = await run(seed);
        show(result);
        return result;
      });
    } catch (error) {
      showTaskError(error);
      return undefined;
    }
  };
}
