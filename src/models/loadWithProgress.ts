import * as vscode from 'vscode';
import { readConfig } from '../config';
import { HostRequestError, type HostProgress } from '../host/protocol';
import type { ModelHostService } from './modelHostService';
import type { LoadedModelInfo } from './modelTypes';

/**
 * Loads a model folder into the model host on the configured device, with a cancellable progress
 * notification titled with `spec`. Resolves to `undefined` when the user cancelled.
 */
export async function loadWithProgress(host: ModelHostService, spec: string, dir: string): Promise<LoadedModelInfo | undefined> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Loading model {0}', spec), cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        return await host.loadModel(
          loadRequest(dir),
          { signal: abort.signal, onProgress: (p) => progress.report({ message: describeProgress(p) }) },
        );
      } catch (error) {
        if (error instanceof HostRequestError && error.code === 'cancelled') return undefined;
        throw error;
      } finally {
        sub.dispose();
      }
    },
  );
}

/** The host's load request for the model folder `dir`: the configured device and GPU (the memory bound is a host option). */
export function loadRequest(dir: string): Parameters<ModelHostService['loadModel']>[0] {
  const { device, gpuId } = readConfig();
  return { spec: dir, device, ...(device === 'cpu' ? {} : { gpuId }) };
}

/** A host progress stage in the user's language. */
export function describeProgress(p: HostProgress): string {
  const amount = p.done !== undefined && p.total ? ` (${Math.floor((100 * p.done) / p.total)}%)` : '';
  switch (p.stage) {
    case 'loadingModel':
      return vscode.l10n.t('Reading the weights…') + amount;
    case 'creatingSession':
      return vscode.l10n.t('Building the inference session…') + amount;
    case 'running':
      return vscode.l10n.t('Running…') + amount;
    default:
      return vscode.l10n.t('Working…') + amount;
  }
}
