import type * as vscode from 'vscode';

/** Documents the hovers and the decorations work on: files, unsaved editors and virtual workspaces' files. */
export const TEXT_DOCUMENTS: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-vfs' }];
