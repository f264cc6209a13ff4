import * as vscode from 'vscode';

/** A piece of a document a feature works on, with where it came from. */
export interface TextSource {
  document: vscode.TextDocument;
  range: vscode.Range;
  text: string;
  kind: 'selection' | 'document' | 'line';
}

/** The primary selection, or the whole document when the selection is empty. */
export function selectionOrDocument(editor: vscode.TextEditor): TextSource {
  const { document, selection } = editor;
  if (!selection.isEmpty) {
    return { document, range: selection, text: document.getText(selection), kind: 'selection' };
  }
  const range = fullRange(document);
  return { document, range, text: document.getText(), kind: 'document' };
}

/** The primary selection, or the line of the cursor when the selection is empty. */
export function selectionOrLine(editor: vscode.TextEditor): TextSource {
  const { document, selection } = editor;
  if (!selection.isEmpty) {
    return { document, range: selection, text: document.getText(selection), kind: 'selection' };
  }
  const line = document.lineAt(selection.active.line);
  return { document, range: line.range, text: line.text, kind: 'line' };
}

/** The selection, or the word under the cursor when nothing is selected. */
export function selectionOrWord(editor: vscode.TextEditor): TextSource | undefined {
  const { document, selection } = editor;
  if (!selection.isEmpty) {
    return { document, range: selection, text: document.getText(selection), kind: 'selection' };
  }
  const range = document.getWordRangeAtPosition(selection.active);
  return range ? { document, range, text: document.getText(range), kind: 'selection' } : undefined;
}

export function fullRange(document: vscode.TextDocument): vscode.Range {
  return new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length));
}
