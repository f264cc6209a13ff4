import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { builtinFolder } from '../engine/tasks/modelSpec';
import { describeModelError, NoModelError } from './modelErrors';
import type { ModelInfo } from './modelTypes';
import { defaultModelSpec, type ModelRole } from './taskSettings';

/** Whether a model of `family` can do what `role` asks. */
export function fitsRole(model: Pick<ModelInfo, 'family' | 'maskToken'>, role: ModelRole): boolean {
  return role === 'causal' ? model.family === 'gpt2' : model.family !== 'gpt2' && model.maskToken !== undefined;
}

/** What loading a role's default needs from the registry. */
export interface RoleDefaultLoader {
  /** The folder of the built-in models (the extension's models/). */
  readonly builtinRoot: string;
  /** `spec` resolved and loaded; `undefined` when the user declined the download or cancelled. */
  open(spec: string): Promise<ModelInfo | undefined>;
  /** Lets the user choose the active model (Choose Model…); resolves to the active model afterwards. */
  chooseActive(): Promise<ModelInfo | undefined>;
}

/**
 * The default model of `role` (`transformerExplorer.defaultModels`), loaded. When it is not
 * installed, fails to load or does not fit the role, says why and offers "Choose Model…"; throws
 * NoModelError when the user chose none (or declined, or cancelled).
 */
export async function loadRoleDefault(role: ModelRole, loader: RoleDefaultLoader): Promise<ModelInfo> {
  const spec = defaultModelSpec(role);
  const builtin = builtinFolder(spec, loader.builtinRoot);
  if (builtin && !existsSync(builtin.dir)) return askForModel(role, vscode.l10n.t('The built-in model {0} is not installed (expected in {1}).', builtin.name, builtin.dir), loader);
  let info: ModelInfo | undefined;
  try {
    info = await loader.open(spec);
  } catch (error) {
    return askForModel(role, describeModelError(error, spec), loader);
  }
  if (!info) throw new NoModelError();
  if (!fitsRole(info, role)) {
    return askForModel(role, role === 'causal'
      ? vscode.l10n.t('{0} is a masked (BERT-like) model: this feature needs a causal GPT-2-family model.', spec)
      : vscode.l10n.t('{0} is a causal model: fill-mask needs a BERT-like (masked) model.', spec), loader);
  }
  return info;
}

/** Says why no model could be used, offers "Choose Model…", and uses the choice when it fits. */
async function askForModel(role: ModelRole, why: string, loader: RoleDefaultLoader): Promise<ModelInfo> {
  const choose = vscode.l10n.t('Choose Model…');
  const need = role === 'causal' ? vscode.l10n.t('A causal (GPT-2-family) model is needed.') : vscode.l10n.t('A masked (BERT-family) model is needed.');
  const answer = await vscode.window.showErrorMessage(`${why} ${need}`, choose);
  if (answer !== choose) throw new NoModelError();
  const active = await loader.chooseActive();
  if (active && fitsRole(active, role)) return active;
  throw new NoModelError();
}
