import * as vscode from 'vscode';
import { HostRequestError, type HostProgress } from '../host/protocol';
import { describeError } from '../util/errors';
import { NoModelError } from './modelErrors';

/**
 * The one task runner of the command side: a progress notification (title, stage text, bar),
 * its Cancel turned into an abort signal for the model host or the download, and one style of
 * error text. Every command that runs a model goes through {@link runTask}.
 */

/** What a running task sees. */
export interface TaskProgress {
  /** Aborted when the user cancels (or the caller's `abort` fires). */
  readonly signal: AbortSignal;
  /** Says what is happening now; `percent` (0–100, never going back) moves the bar. */
  report(message: string, percent?: number): void;
  /** A model-host progress notification, its stage named. */
  host(progress: HostProgress): void;
}

export interface TaskOptions {
  title: string;
  /** Shown in the window's status bar, without Cancel (background work), instead of a notification. */
  quiet?: boolean;
  /** The caller's own abort (Stop Completion): the user's Cancel aborts it too. */
  abort?: AbortController;
}

/** Runs `work` under a progress notification whose Cancel aborts `task.signal`. */
export async function runTask<T>(options: TaskOptions, work: (task: TaskProgress) => Promise<T>): Promise<T> {
  const location = options.quiet ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification;
  return vscode.window.withProgress({ location, title: options.title, cancellable: !options.quiet }, async (progress, token) => {
    const abort = options.abort ?? new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    let shown = 0;
    const report = (message: string, percent?: number): void => {
      if (percent === undefined) return progress.report({ message });
      progress.report({ message, increment: Math.max(0, percent - shown) });
      shown = Math.max(shown, percent);
    };
    try {
      return await work({ signal: abort.signal, report, host: (p) => report(describeHostProgress(p)) });
    } finally {
      sub.dispose();
    }
  });
}

/** A model-host progress stage in the user's language, with its share done when known. */
export function describeHostProgress(p: HostProgress): string {
  const amount = p.done !== undefined && p.total ? ` (${Math.floor((100 * p.done) / p.total)}%)` : '';
  return stageLabel(p.stage) + amount;
}

function stageLabel(stage: HostProgress['stage']): string {
  switch (stage) {
    case 'loadingModel':
      return vscode.l10n.t('Reading the weights…');
    case 'buildingGraph':
      return vscode.l10n.t('Building the graph…');
    case 'creatingSession':
      return vscode.l10n.t('Building the inference session…');
    case 'running':
      return vscode.l10n.t('Running…');
    case 'generating':
      return vscode.l10n.t('Generating…');
  }
}

/** True when the model host answered that the request was cancelled. */
export function isCancelled(error: unknown): boolean {
  return error instanceof HostRequestError && error.code === 'cancelled';
}

/** One line for a failed task; `undefined` when the user cancelled or chose no model. */
export function describeTaskError(error: unknown): string | undefined {
  if (error instanceof NoModelError || isCancelled(error)) return undefined;
  if (error instanceof HostRequestError) return vscode.l10n.t('Transformer Explorer: {0}', error.message);
  return describeError(error);
}

/** Shows {@link describeTaskError}'s line, if any, as an error message. */
export function showTaskError(error: unknown): void {
  const message = describeTaskError(error);
  if (message) void vscode.window.showErrorMessage(message);
}
