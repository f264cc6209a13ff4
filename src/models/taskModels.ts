import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { CommandId } from '../commands/commandIds';
import { HostRequestError } from '../host/protocol';
import { Disposable } from '../util/disposable';
import { describeModelError } from './modelErrors';
import type { ModelHostService } from './modelHostService';
import { loadWithProgress } from './loadWithProgress';
import type { ModelService } from './modelService';
import { locateModel } from './modelSource';
import { defaultModelSpec, resolveBuiltin, type ModelRole } from './taskSettings';
import type { LoadedModelInfo } from './modelTypes';
import { readConfig } from '../config';

/** A model loaded for a task, with where it came from. */
export interface TaskModelInfo extends LoadedModelInfo {
  /** The spec the user sees (`builtin:trex-gpt2-kjv`, `gpt2`, a folder). */
  spec: string;
  role: ModelRole;
  /** True when it is the active model of the status bar. */
  active: boolean;
}

/** Whether a model of `family` can do what `role` asks. */
export function fitsRole(model: Pick<LoadedModelInfo, 'family' | 'maskToken'>, role: ModelRole): boolean {
  return role === 'causal' ? model.family === 'gpt2' : model.family !== 'gpt2' && model.maskToken !== undefined;
}

/** Thrown when the user declined to choose a model: the command stops quietly. */
export class NoModelError extends Error {
  constructor() {
    super('no model');
    this.name = 'NoModelError';
  }
}

/**
 * The model of a task: the active model (status bar) when its family fits the role, else the
 * default of the role (`transformerExplorer.defaultModels`), loaded beside it in the model host
 * with a progress notification. A missing built-in model is said clearly with "Choose Model…".
 */
export class TaskModelService extends Disposable {
  private readonly loaded = new Map<ModelRole, TaskModelInfo>();
  private readonly loading = new Map<ModelRole, Promise<TaskModelInfo>>();

  constructor(
    private readonly host: ModelHostService,
    private readonly models: ModelService,
    private readonly extensionPath: string,
  ) {
    super();
    this.register(host.onDidDie(() => this.loaded.clear()));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('transformerExplorer.defaultModels')) this.loaded.clear();
      }),
    );
  }

  /** The model for `role`; throws NoModelError when there is none and the user chose none. */
  async forRole(role: ModelRole): Promise<TaskModelInfo> {
    const active = await this.activeIfFits(role);
    if (active) return active;
    const known = this.loaded.get(role);
    if (known) return known;
    let pending = this.loading.get(role);
    if (!pending) {
      pending = this.loadDefault(role).finally(() => this.loading.delete(role));
      this.loading.set(role, pending);
    }
    return pending;
  }

  /** The active model whatever its family (surprisal works with both), else the model of `role`. */
  async activeOr(role: ModelRole): Promise<TaskModelInfo> {
    const active = (await this.activeIfFits('causal')) ?? (await this.activeIfFits('masked'));
    return active ?? this.forRole(role);
  }

  /**
   * Runs `work` with the model of `role`; when the host evicted or lost the model meanwhile
   * (`unknownModel`), loads it again once and retries.
   */
  async withModel<T>(role: ModelRole, work: (model: TaskModelInfo) => Promise<T>, pick: (role: ModelRole) => Promise<TaskModelInfo> = (r) => this.forRole(r)): Promise<T> {
    const model = await pick(role);
    try {
      return await work(model);
    } catch (error) {
      if (!(error instanceof HostRequestError && error.code === 'unknownModel')) throw error;
      this.forget(model);
      return work(await pick(role));
    }
  }

  /** Like withModel, with the active model whatever its family first (see activeOr). */
  withActiveOr<T>(role: ModelRole, work: (model: TaskModelInfo) => Promise<T>): Promise<T> {
    return this.withModel(role, work, (r) => this.activeOr(r));
  }

  /** Drops a model the host no longer holds. */
  forget(model: TaskModelInfo): void {
    if (this.loaded.get(model.role)?.modelId === model.modelId) this.loaded.delete(model.role);
  }

  private async activeIfFits(role: ModelRole): Promise<TaskModelInfo | undefined> {
    let active = this.models.active;
    if (!active && readConfig().model) {
      try {
        active = await this.models.ensureActive();
      } catch {
        active = undefined; // the default of the role is used instead; the status bar tells why
      }
    }
    return active && fitsRole(active, role) ? { ...active, role, active: true } : undefined;
  }

  private async loadDefault(role: ModelRole): Promise<TaskModelInfo> {
    const spec = defaultModelSpec(role);
    const { spec: resolved, builtin } = resolveBuiltin(spec, this.extensionPath);
    if (builtin !== undefined && !existsSync(resolved)) return this.askForModel(role, vscode.l10n.t('The built-in model {0} is not installed (expected in {1}).', builtin, resolved));
    let info: LoadedModelInfo | undefined;
    try {
      const location = await locateModel(resolved);
      if (!location) throw new NoModelError();
      info = await loadWithProgress(this.host, spec, location.dir);
    } catch (error) {
      if (error instanceof NoModelError) throw error;
      return this.askForModel(role, describeModelError(error, spec));
    }
    if (!info) throw new NoModelError();
    if (!fitsRole(info, role)) {
      return this.askForModel(role, role === 'causal'
        ? vscode.l10n.t('{0} is a masked (BERT-like) model: this feature needs a causal GPT-2-family model.', spec)
        : vscode.l10n.t('{0} is a causal model: fill-mask needs a BERT-like (masked) model.', spec));
    }
    const model: TaskModelInfo = { ...info, spec, role, active: false };
    this.loaded.set(role, model);
    return model;
  }

  /** Says why no model could be used, offers "Choose Model…", and uses the choice when it fits. */
  private async askForModel(role: ModelRole, why: string): Promise<TaskModelInfo> {
    const choose = vscode.l10n.t('Choose Model…');
    const need = role === 'causal' ? vscode.l10n.t('A causal (GPT-2-family) model is needed.') : vscode.l10n.t('A masked (BERT-family) model is needed.');
    const answer = await vscode.window.showErrorMessage(`${why} ${need}`, choose);
    if (answer !== choose) throw new NoModelError();
    await vscode.commands.executeCommand(CommandId.SelectModel);
    const active = this.models.active;
    if (active && fitsRole(active, role)) return { ...active, role, active: true };
    throw new NoModelError();
  }
}
