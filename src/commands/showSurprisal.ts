import * as vscode from 'vscode';
import type { SurprisalResult } from '../engine/tasks/taskTypes';
import { SurprisalLens } from '../editor/surprisalLens';
import { summarize, type SurprisalSummary } from '../editor/surprisalScale';
import { TEXT_DOCUMENTS } from '../editor/textDocuments';
import type { FeatureFactory } from '../feature';
import type { ModelInfo } from '../models/modelTypes';
import { runTask, showTaskError } from '../models/taskRunner';
import { requireEditor, type PredictionServices } from './predictionServices';

/**
 * Surprisal in the editor: the lens that colours tokens, its hover (registered when the features
 * load: before that there are no colours to explain), and the commands that show and clear it.
 */
export const surprisalFeature: FeatureFactory = ({ context, panels, host, models }) => {
  const lens = new SurprisalLens();
  context.subscriptions.push(lens, vscode.languages.registerHoverProvider(TEXT_DOCUMENTS, lens));
  return {
    commands: {
      'transformerExplorer.showSurprisal': showSurprisalCommand({ panels, host, models }, lens),
      'transformerExplorer.clearSurprisal': clearSurprisalCommand(lens),
    },
  };
};

/** Longest text the lens scores in one command (characters). */
const MAX_CHARS = 200_000;

export interface SurprisalShown {
  model: string;
  kind: SurprisalResult['kind'];
  /** Tokens coloured in the editor. */
  tokens: number;
  passes: number;
  summary: SurprisalSummary | undefined;
}

/**
 * "Show Surprisal": colours each token of the selection (or the document) by its surprisal under
 * the active model when it has one (a causal model: −log2 P; an encoder: pseudo-perplexity, one
 * pass per token, said before it runs), else the default causal model. Long documents are scored
 * in overlapping windows, with progress and Cancel. Later edits re-score after a pause.
 */
export function showSurprisalCommand(services: PredictionServices, lens: SurprisalLens) {
  const score = async (doc: vscode.TextDocument, start: number, end: number, interactive: boolean): Promise<SurprisalShown | undefined> => {
    const text = doc.getText(new vscode.Range(doc.positionAt(start), doc.positionAt(end)));
    if (text.trim() === '') {
      if (interactive) void vscode.window.showInformationMessage(vscode.l10n.t('Nothing to score: the text is empty.'));
      return undefined;
    }
    return services.models.withActiveOr('causal', (model) => scoreWith(model, doc, start, end, text, interactive));
  };
  const scoreWith = async (model: ModelInfo, doc: vscode.TextDocument, start: number, end: number, text: string, interactive: boolean): Promise<SurprisalShown> => {
    const title =
      model.family === 'gpt2'
        ? vscode.l10n.t('Surprisal under {0}', model.label)
        : vscode.l10n.t('Pseudo-perplexity under {0}: one forward pass per token', model.label);
    const result = await runTask({ title, quiet: !interactive }, (task) =>
      services.host.request('model/surprisal', { modelId: model.modelId, text, topK: 5 }, {
        signal: task.signal,
        onProgress: (p) => {
          if (p.done !== undefined && p.total) task.report(vscode.l10n.t('{0} of {1}', String(p.done), String(p.total)), Math.floor((100 * p.done) / p.total));
        },
      }),
    );
    const state = lens.show(doc, start, end, result, model.label);
    return { model: model.label, kind: result.kind, tokens: state.tokens.length, passes: result.passes, summary: summarize(state.tokens) };
  };

  lens.setRescore(async (doc, start, end) => {
    await score(doc, start, end, false);
  });

  return async (): Promise<SurprisalShown | undefined> => {
    const editor = requireEditor();
    if (!editor) return undefined;
    const doc = editor.document;
    const sel = editor.selection;
    const start = sel.isEmpty ? 0 : doc.offsetAt(sel.start);
    let end = sel.isEmpty ? doc.getText().length : doc.offsetAt(sel.end);
    if (end - start > MAX_CHARS) {
      end = start + MAX_CHARS;
      void vscode.window.showInformationMessage(vscode.l10n.t('Only the first {0} characters are scored.', String(MAX_CHARS)));
    }
    try {
      return await score(doc, start, end, true);
    } catch (error) {
      showTaskError(error);
      return undefined;
    }
  };
}

/** "Clear Surprisal Colours" for the active editor. */
export function clearSurprisalCommand(lens: SurprisalLens) {
  return (): boolean => {
    const editor = vscode.window.activeTextEditor;
    const had = editor ? lens.stateOf(editor.document.uri) !== undefined : false;
    lens.clear(editor?.document.uri);
    return had;
  };
}
