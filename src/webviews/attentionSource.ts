import * as vscode from 'vscode';
import { clipAround } from '../engine/attention/cursorWindow';
import type { SourceText } from './attentionCompute';

/**
 * The text the attention viewer analyses: the selection, or the paragraph around the cursor, with
 * the cursor (the selection's active end) in it. The viewer shows the model's context around the
 * cursor when it is longer (attentionCompute.ts).
 */
export interface AttentionSource extends SourceText {
  document: vscode.TextDocument;
  /** Document offset of the text's first character. */
  offset: number;
  /** Localized: "Selection" or "Paragraph, lines 3–5". */
  label: string;
}

/**
 * The viewer tokenizes at most this many characters of a selection or paragraph (tens of
 * thousands of tokens, far more than a model reads, in about 0.1 s): a longer one is clipped to
 * this many around the cursor, at a multiple of a quarter of it so that moving the cursor does
 * not change the text (its tokens are then "more than" those counted).
 */
export const MAX_SOURCE_CHARS = 200_000;

/**
 * The selection, or when it is empty the paragraph of the cursor (the lines up to the blank
 * lines around it). `undefined` when there is no text.
 */
export function attentionSource(editor: vscode.TextEditor): AttentionSource | undefined {
  const { document, selection } = editor;
  let range: vscode.Range;
  let label: string;
  if (!selection.isEmpty) {
    range = selection;
    label = vscode.l10n.t('Selection');
  } else {
    let first = selection.active.line;
    let last = first;
    const blank = (line: number): boolean => document.lineAt(line).isEmptyOrWhitespace;
    if (blank(first)) return undefined;
    while (first > 0 && !blank(first - 1)) first--;
    while (last < document.lineCount - 1 && !blank(last + 1)) last++;
    range = new vscode.Range(first, 0, last, document.lineAt(last).text.length);
    label = first === last ? vscode.l10n.t('Line {0}', first + 1) : vscode.l10n.t('Paragraph, lines {0}–{1}', first + 1, last + 1);
  }
  const whole = document.getText(range);
  if (whole.trim() === '') return undefined;
  const rangeStart = document.offsetAt(range.start);
  const cursor = document.offsetAt(selection.active) - rangeStart;
  const start = clipAround(whole.length, cursor, MAX_SOURCE_CHARS);
  const text = whole.slice(start, start + MAX_SOURCE_CHARS);
  const offset = rangeStart + start;
  return {
    document,
    offset,
    text,
    cursor: Math.max(0, Math.min(cursor - start, text.length)),
    firstLine: document.positionAt(offset).line + 1,
    clipped: text.length < whole.length,
    label,
  };
}
