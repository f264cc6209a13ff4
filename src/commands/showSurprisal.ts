import * as vscode from 'vscode';
import type { SurprisalResult } from '../engine/tasks/taskTypes';
import { HostRequestError } from '../host/protocol';
import type { SurprisalLens } from '../editor/surprisalLens';
import { summarize, type SurprisalSummary } from '../editor/surprisalScale';
import type { TaskModelInfo } from '../models/taskModels';
import { requireEditor, showTaskError, type PredictionServices } from './predictionServices';

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
    return services.taskModels.withActiveOr('causal', (model) => scoreWith(model, doc, start, end, text, interactive));
  };
  const scoreWith = async (model: TaskModelInfo, doc: vscode.TextDocument, start: number, end: number, text: string, interactive: boolean): Promise<SurprisalShown> => {
    const title =
      model.family === 'gpt2'
        ? vscode.l10n.t('Surprisal under {0}', model.label)
        : vscode.l10n.t('Pseudo-perplexity under {0}: one forward pass per token', model.label);
    const result = await vscode.window.withProgress(
      { location: interactive ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window, title, cancellable: interactive },
      async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        let shown = 0;
        try {
          return await services.host.request(
            'model/surprisal',
            { modelId: model.modelId, text, topK: 5 },
            {
              signal: abort.signal,
              onProgress: (p) => {
                if (p.done === undefined || !p.total) return;
                const percent = Math.floor((100 * p.done) / p.total);
                progress.report({ increment: percent - shown, message: vscode.l10n.t('{0} of {1}', String(p.done), String(p.total)) });
                shown = percent;
              },
            },
          );
        } finally {
          sub.dispose();
        }
      },
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
      if (!(error instanceof HostRequestError && error.code === 'cancelled')) showTaskError(error);
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
