import * as vscode from 'vscode';
import type { EmbeddingsResult } from '../engine/inside/insideTypes';
import { paragraphAround, trimRange, wordAt, type TextRange } from '../editor/textAround';
import type { ModelInfo } from '../models/modelTypes';
import { runTask, showTaskError } from '../models/taskRunner';
import type { EmbeddingsDrawReport, EmbeddingsPayload } from '../protocol/embeddings';
import { modelWindow } from './modelWindow';
import { badge, requireEditor, type PredictionServices } from './predictionServices';

/** What Show Contextual Embeddings resolves to (tests): the result and what the panel drew. */
export interface EmbeddingsShown {
  model: string;
  family: string;
  text: string;
  offset: number;
  result: EmbeddingsResult;
  drawn: EmbeddingsDrawReport | undefined;
}

/** Tokens read at most (the model's context when shorter). */
const MAX_EMBEDDING_TOKENS = 512;
/** Characters of the paragraph taken on each side of the selections. */
const PARAGRAPH_CHARS = 1500;

export type ShowEmbeddings = (content: Omit<EmbeddingsPayload, 'drawId'>) => { whenDrawn(timeoutMs: number): Promise<EmbeddingsDrawReport | undefined> };

/**
 * "Show Contextual Embeddings": the first selection (or the word at the cursor) is the word; a
 * second selection (multi-cursor: Alt+click, Ctrl+D) is what it is compared with, else the same
 * word elsewhere in the text read. The text read is the paragraph around the selections, cut to
 * the model's context around them. The model: the active one whatever its family, else the
 * masked default (BERT reads both sides of a word, the classic contextual embedding).
 */
export function contextualEmbeddingsCommand(services: PredictionServices, show: ShowEmbeddings) {
  return async (): Promise<EmbeddingsShown | undefined> => {
    const editor = requireEditor();
    if (!editor) return undefined;
    const doc = editor.document;
    const full = doc.getText();
    const picked = editor.selections.slice(0, 2).map((sel) => (sel.isEmpty ? wordAt(full, doc.offsetAt(sel.active)) : trimRange(full, { start: doc.offsetAt(sel.start), end: doc.offsetAt(sel.end) })));
    const spans = picked.filter((s): s is TextRange => s !== undefined && s.end > s.start);
    if (!picked[0] || spans.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select a word (or put the cursor on one); add a second selection with Alt+click or Ctrl+D to compare the two.'));
      return undefined;
    }
    try {
      return await services.models.withActiveOr('masked', (model) => runEmbeddings(services, show, model, doc, spans, Math.max(0, editor.selections.length - 2)));
    } catch (error) {
      showTaskError(error);
      return undefined;
    }
  };
}


async function runEmbeddings(services: PredictionServices, show: ShowEmbeddings, model: ModelInfo, doc: vscode.TextDocument, spans: TextRange[], extraSelections: number): Promise<EmbeddingsShown | undefined> {
  const full = doc.getText();
  const lo = Math.min(...spans.map((s) => s.start));
  const hi = Math.max(...spans.map((s) => s.end));
  const around = paragraphAround(full, lo, hi, PARAGRAPH_CHARS);
  const source = full.slice(around.start, around.end);
  const window = await modelWindow(services.panels.tokenizers, model, source, { start: lo - around.start, end: hi - around.start }, MAX_EMBEDDING_TOKENS);
  if (!window.fits) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('The two selections span {0} tokens but {1} reads at most {2}: choose two selections closer together.', String(window.needed), model.label, String(window.limit)),
    );
    return undefined;
  }
  const offset = around.start + window.range.start;
  const text = full.slice(offset, around.start + window.range.end);
  const relative = spans.map((s) => ({ start: s.start - offset, end: s.end - offset }));
  const result = await runTask({ title: vscode.l10n.t('Contextual embeddings under {0}', model.label) }, (task) =>
    services.host.request('model/embeddings', { modelId: model.modelId, text, spans: relative }, { signal: task.signal, onProgress: (p) => task.host(p) }),
  );
  const lines = { first: doc.positionAt(offset).line + 1, last: doc.positionAt(offset + text.length).line + 1 };
  const panel = show({ model: badge(model), text, offset, lines, extraSelections, ...(window.cut ? { cut: { limit: window.limit } } : {}), result });
  const drawn = await panel.whenDrawn(30_000);
  return { model: model.label, family: model.family, text, offset, result, drawn };
}
