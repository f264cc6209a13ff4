import * as vscode from 'vscode';

/** The text the attention viewer analyses: the selection, or the paragraph around the cursor. */
export interface AttentionSource {
  document: vscode.TextDocument;
  /** Document offset of the text's first character. */
  offset: number;
  text: string;
  /** Localized: "Selection" or "Paragraph, lines 3–5". */
  label: string;
}

/** The viewer never sends more than this many characters to the model. */
export const MAX_SOURCE_CHARS = 6000;

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
  const text = document.getText(range).slice(0, MAX_SOURCE_CHARS);
  if (text.trim() === '') return undefined;
  return { document, offset: document.offsetAt(range.start), text, label };
}
