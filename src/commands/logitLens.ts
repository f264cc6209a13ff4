import * as vscode from 'vscode';
import type { LogitLensResult } from '../engine/inside/insideTypes';
import { findMasks, paragraphAround, trimRange, wordAt, type TextRange } from '../editor/textAround';
import type { ModelInfo } from '../models/modelTypes';
import { runTask, showTaskError } from '../models/taskRunner';
import type { LensDrawReport, LensPayload } from '../protocol/lens';
import { modelWindow } from './modelWindow';
import { badge, requireEditor, type PredictionServices } from './predictionServices';

/** What Show Logit Lens resolves to (tests): the result and what the panel drew. */
export interface LensShown {
  model: string;
  family: string;
  /** The text the lens read (before masking) and its offset in the document. */
  text: string;
  offset: number;
  result: LogitLensResult;
  drawn: LensDrawReport | undefined;
}

/** Columns the lens reads at most (the model's context when shorter). */
export const MAX_LENS_TOKENS = 1024;
/** Characters of the paragraph taken on each side of the cursor. */
const PARAGRAPH_CHARS = 1500;
/** A selection this short without a space is one word: a masked model masks it. */
const MAX_WORD_CHARS = 60;

/** The panel that shows a lens; resolves once shown, with the page's draw report. */
export type ShowLens = (content: Omit<LensPayload, 'drawId'>) => { whenDrawn(timeoutMs: number): Promise<LensDrawReport | undefined> };

/** What the lens reads: the text (a stretch of the document) and, for a masked model without a mask, the word to mask. */
interface LensInput {
  range: TextRange;
  word?: TextRange;
  keep: TextRange;
}

/**
 * "Show Logit Lens" on the selection, or the paragraph at the cursor. A causal model reads the
 * next token at every position; a masked model reads at the text's [MASK]s, or, when there is
 * none, at the word selected or under the cursor, masked. The model: for a text with a [MASK],
 * the masked one (the active model when it is masked, else the masked default, as Fill Mask
 * does); otherwise the active one whatever its family, else the causal default.
 */
export function logitLensCommand(services: PredictionServices, show: ShowLens) {
  return async (): Promise<LensShown | undefined> => {
    const editor = requireEditor();
    if (!editor) return undefined;
    const doc = editor.document;
    const full = doc.getText();
    const sel = editor.selection;
    const selection = { start: doc.offsetAt(sel.start), end: doc.offsetAt(sel.end) };
    const cursor = doc.offsetAt(sel.active);
    const around = sel.isEmpty ? paragraphAround(full, cursor, cursor, PARAGRAPH_CHARS) : selection;
    if (full.slice(around.start, around.end).trim() === '') {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select some text (or put the cursor in a paragraph) for the logit lens.'));
      return undefined;
    }
    const hasMask = findMasks(full.slice(around.start, around.end)).length > 0;
    const work = async (model: ModelInfo): Promise<LensShown | undefined> => {
      const input = lensInput(model, full, selection, cursor, around);
      if (!input) {
        void vscode.window.showInformationMessage(vscode.l10n.t('{0} is a masked model: write [MASK] in the text where it should predict, or put the cursor on a word to mask it.', model.label));
        return undefined;
      }
      return runLens(services, show, model, full, input);
    };
    try {
      // A [MASK] asks for a masked model (as Fill Mask does); otherwise the active model, whatever its family.
      return await (hasMask ? services.models.withRole('masked', work) : services.models.withActiveOr('causal', work));
    } catch (error) {
      showTaskError(error);
      return undefined;
    }
  };
}

function lensInput(model: ModelInfo, full: string, selection: TextRange, cursor: number, around: TextRange): LensInput | undefined {
  if (model.family === 'gpt2') return { range: around, keep: { start: around.start, end: around.start } };
  const masks = findMasks(full.slice(around.start, around.end));
  if (masks.length > 0) return { range: around, keep: { start: around.start + masks[0].start, end: around.start + masks[masks.length - 1].end } };
  const selected = full.slice(selection.start, selection.end);
  const oneWord = selected.trim() !== '' && !/\s/.test(selected.trim()) && selected.length <= MAX_WORD_CHARS;
  const word = oneWord ? trimRange(full, selection) : wordAt(full, cursor);
  if (!word) return undefined;
  return { range: paragraphAround(full, word.start, word.end, PARAGRAPH_CHARS), word, keep: word };
}


async function runLens(services: PredictionServices, show: ShowLens, model: ModelInfo, full: string, input: LensInput): Promise<LensShown | undefined> {
  const source = full.slice(input.range.start, input.range.end);
  const keep = { start: input.keep.start - input.range.start, end: input.keep.end - input.range.start };
  const window = await modelWindow(services.panels.tokenizers, model, source, keep, MAX_LENS_TOKENS);
  if (!window.fits) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('The masks (or the masked word) span {0} tokens but {1} reads at most {2}: select a shorter text.', String(window.needed), model.label, String(window.limit)),
    );
    return undefined;
  }
  const offset = input.range.start + window.range.start;
  const text = full.slice(offset, input.range.start + window.range.end);
  const word = input.word ? { start: input.word.start - offset, end: input.word.end - offset } : undefined;
  const result = await runTask({ title: vscode.l10n.t('Logit lens of {0}', model.label) }, (task) =>
    services.host.request('model/logitLens', { modelId: model.modelId, text, topK: 5, ...(word ? { word } : {}) }, {
      signal: task.signal,
      onProgress: (p) => {
        if (p.stage === 'running' && p.done !== undefined && p.total) {
          task.report(vscode.l10n.t('Reading the layers through the output head: {0} of {1} hidden states', String(p.done), String(p.total)), Math.floor((100 * p.done) / p.total));
        } else task.host(p);
      },
    }),
  );
  const panel = show({ model: badge(model), text, ...(window.cut ? { cut: { tokens: window.tokens, limit: window.limit } } : {}), result });
  const drawn = await panel.whenDrawn(30_000);
  return { model: model.label, family: model.family, text, offset, result, drawn };
}
