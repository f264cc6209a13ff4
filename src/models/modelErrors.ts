import * as vscode from 'vscode';
import { HubError } from '../engine/models/hub/errors';
import { ModelDirError } from '../engine/models/modelDir';
import { TaskError } from '../engine/tasks/errors';
import { HostDiedError } from '../host/clientTypes';
import { HostRequestError } from '../host/protocol';

/** Thrown when the user declined to choose a model: the command stops quietly. */
export class NoModelError extends Error {
  constructor() {
    super('no model');
    this.name = 'NoModelError';
  }
}

/** One readable line for a model that could not be found, downloaded or loaded (no stack). */
export function describeModelError(error: unknown, spec: string): string {
  if (error instanceof HostDiedError) {
    return vscode.l10n.t('Model {0} could not be loaded: the model host stopped ({1}).', spec, error.message);
  }
  if (error instanceof HubError || error instanceof ModelDirError || error instanceof HostRequestError || error instanceof TaskError) {
    return vscode.l10n.t('Model {0} could not be loaded: {1}', spec, error.message);
  }
  console.error('[transformer-explorer]', error);
  const detail = error instanceof Error ? error.message : String(error);
  return vscode.l10n.t('Model {0} could not be loaded: {1}', spec, detail.split('\n')[0] ?? detail);
}
