import * as vscode from 'vscode';
import type { TokenizerError } from '../engine/tokenizers/errors';

/**
 * One readable line for the user. Engine `TokenizerError`s are written for users already; other
 * errors are bugs, so the message is prefixed and the stack goes to the console.
 */
export function describeError(error: unknown): string {
  if (isTokenizerError(error)) {
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

/**
 * By name, not `instanceof`: the activation bundle and the features bundle (loaded later) each
 * hold their own copy of the class, and an error crosses from one to the other.
 */
function isTokenizerError(error: unknown): error is TokenizerError {
  return error instanceof Error && error.name === 'TokenizerError';
}
