import * as vscode from 'vscode';
import { TokenizerError } from '../engine/tokenizers/load';

/**
 * One readable line for the user. Engine `TokenizerError`s are written for users already; other
 * errors are bugs, so the message is prefixed and the stack goes to the console.
 */
export function describeError(error: unknown): string {
  if (error instanceof TokenizerError) {
    return error.message;
  }
  console.error('[transformer-explorer]', error);
  const detail = error instanceof Error ? error.message : String(error);
  return vscode.l10n.t('Transformer Explorer: unexpected error: {0}', detail);
}

export function showError(error: unknown): void {
  void vscode.window.showErrorMessage(describeError(error));
}

/**
 * Wraps a command handler so a failure becomes an error message instead of an unhandled
 * rejection; the command then resolves to `undefined`.
 */
export function guarded<A extends unknown[], R>(
  handler: (...args: A) => Promise<R> | R,
): (...args: A) => Promise<R | undefined> {
  return async (...args: A) => {
    try {
      return await handler(...args);
    } catch (error) {
      showError(error);
      return undefined;
    }
  };
}
