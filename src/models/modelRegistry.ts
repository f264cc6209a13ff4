import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { affects, readConfig, SettingKey, writeSetting } from '../config';
import { builtinFolder } from '../engine/tasks/modelSpec';
import { HostRequestError } from '../host/protocol';
import { Disposable } from '../util/disposable';
import { CpuFallbackNotice } from './cpuFallbackNotice';
import { describeModelError, NoModelError } from './modelErrors';
import type { ModelHostService } from './modelHostService';
import { locateModel } from './modelSource';
import type { ModelInfo } from './modelTypes';
import type { WeightPrecision } from '../engine/runtime/types';
import { isCancelled, runTask } from './taskRunner';
import { defaultModelSpec, type ModelRole } from './taskSettings';
import { fitsRole, loadRoleDefault, type RoleDefaultLoader } from './roleDefaults';
import { loadRequest } from './loadRequest';

export interface ModelRegistryOptions {
  /** Lets the user choose the active model (Choose Model…); called when no model fits a feature. */
  chooseModel: () => Promise<unknown>;
}

/**
 * The one model registry of the window: the active model (the `model` setting, shown in the status
 * bar), the model of each role (the active one when it fits, else the role's default,
 * `transformerExplorer.defaultModels`), and any other spec a feature names (the attention
 * comparison). Every load goes the same way: the spec resolved to a folder (download with consent),
 * loaded in the model host with a progress notification naming each stage, cached until the host
 * dies or evicts it ({@link withModel} loads it again once on `unknownModel`).
 */
export class ModelRegistry extends Disposable {
  private activeModel: ModelInfo | undefined;
  private loadingSpec: string | undefined;
  private generation = 0;
  /** Models of loads a newer load overtook, released when the newest settles (see load). */
  private readonly superseded = new Set<string>();
  private readonly cpuFallback = new CpuFallbackNotice();
  /** Models loaded beside the active one, by role or by spec. */
  private readonly beside = new Map<string, ModelInfo>();
  private readonly pending = new Map<string, Promise<ModelInfo>>();
  private readonly changeEmitter = this.register(new vscode.EventEmitter<void>());
  /** Fires when the active model or the loading state changes. */
  readonly onDidChange = this.changeEmitter.event;

  constructor(
    private readonly host: ModelHostService,
    private readonly options: ModelRegistryOptions,
  ) {
    super();
    this.register(
      host.onDidDie(() => {
        // Their sessions died with the process; the next use loads them again.
        this.activeModel = undefined;
        this.beside.clear();
        this.changeEmitter.fire();
      }),
    );
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('transformerExplorer.defaultModels')) this.beside.clear();
        // The model setting edited by hand (settings.json, the Settings UI): that model becomes the active one.
        const configured = affects(e, SettingKey.model) ? readConfig().model : '';
        if (configured && configured !== this.activeModel?.spec && configured !== this.loadingSpec) {
          // Loaded with the device and precision of the same edit: reloading the previous model for
          // them too would be a newer load than this one and win over it.
          this.load(configured, { remember: false }).catch((error: unknown) => void vscode.window.showErrorMessage(describeModelError(error, configured)));
        } else if (
          this.activeModel &&
          (affects(e, SettingKey.device) || affects(e, SettingKey.gpuId) || (affects(e, SettingKey.precision) && readConfig().precision !== this.activeModel.precision))
        ) {
          const spec = this.activeModel.spec;
          // The same model on the new device: nothing to remember (writing `model` here would put
          // into the user settings a model that only a workspace, or a moment ago, had chosen).
          this.load(spec, { remember: false }).catch((error: unknown) => void vscode.window.showErrorMessage(describeModelError(error, spec)));
        }
      }),
    );
  }

  get active(): ModelInfo | undefined {
    return this.activeModel;
  }

  get hostPid(): number | undefined {
    return this.host.pid;
  }

  /** The spec of the active model being loaded right now, if any. */
  get loading(): string | undefined {
    return this.loadingSpec;
  }

  /**
   * The configured model, loaded if it is not yet. With none configured, the built-in causal model
   * (`defaultModels.causal`, shipped in the extension's models/ folder) when it is there, so that
   * the model features work offline out of the box; it is not written into the `model` setting.
   * `undefined` when there is neither.
   */
  async ensureActive(): Promise<ModelInfo | undefined> {
    if (this.activeModel) return this.activeModel;
    const configured = readConfig().model;
    if (configured) return this.load(configured);
    const builtin = builtinFolder(defaultModelSpec('causal'), this.builtinRoot);
    return builtin && existsSync(builtin.dir) ? this.load(builtin.dir, { remember: false }) : undefined;
  }

  /**
   * Loads `spec` (folder, `builtin:NAME` or Hub id, downloaded with consent) on the configured
   * device, makes it the active model and saves it in the `model` setting (unless `remember:
   * false`). Resolves to `undefined` when the user declined the download or cancelled; throws when
   * the model cannot be loaded (the previous model stays active then).
   */
  async load(spec: string, options: { remember?: boolean; precision?: WeightPrecision } = {}): Promise<ModelInfo | undefined> {
    const generation = ++this.generation;
    this.loadingSpec = spec;
    this.changeEmitter.fire();
    try {
      const loaded = await this.open(spec, options.precision);
      if (!loaded) return undefined;
      if (generation !== this.generation) {
        // A newer choice won meanwhile: this one is not needed — unless it is that very model (the
        // host gives a folder loaded twice one id): released once the newest load has settled,
        // when neither it nor a model beside is this one.
        this.superseded.add(loaded.modelId);
        if (this.loadingSpec === undefined) this.releaseSuperseded();
        return this.activeModel;
      }
      const previous = this.activeModel;
      this.activeModel = loaded;
      if (previous && !this.inUse(previous.modelId)) void this.host.releaseModel(previous.modelId).catch(() => undefined);
      if (options.remember !== false && readConfig().model !== spec) await writeSetting(SettingKey.model, spec);
      // A precision chosen for this model becomes the setting; the active model has it already, so nothing reloads.
      if (options.precision && readConfig().precision !== options.precision) await writeSetting(SettingKey.precision, options.precision);
      await this.cpuFallback.show(loaded, readConfig().device);
      return loaded;
    } finally {
      if (generation === this.generation) {
        this.loadingSpec = undefined;
        this.releaseSuperseded();
      }
      this.changeEmitter.fire();
    }
  }

  /** Whether the active model or a model beside it has this id. */
  private inUse(modelId: string): boolean {
    return this.activeModel?.modelId === modelId || [...this.beside.values()].some((m) => m.modelId === modelId);
  }

  /** Releases the models of superseded loads that no one uses. */
  private releaseSuperseded(): void {
    for (const id of this.superseded) if (!this.inUse(id)) void this.host.releaseModel(id).catch(() => undefined);
    this.superseded.clear();
  }

  /** The model for `role`; throws NoModelError when there is none and the user chose none. */
  async forRole(role: ModelRole): Promise<ModelInfo> {
    return (await this.activeIfFits(role)) ?? this.cached(`role:${role}`, () => loadRoleDefault(role, this.roleDefaultLoader));
  }

  /** The active model whatever its family (surprisal works with both), else the model of `role`. */
  async activeOr(role: ModelRole): Promise<ModelInfo> {
    const active = (await this.activeIfFits('causal')) ?? (await this.activeIfFits('masked'));
    return active ?? this.forRole(role);
  }

  /** A model named by its spec (folder, `builtin:NAME`, Hub id), loaded beside the active one. */
  forSpec(spec: string): Promise<ModelInfo> {
    return this.cached(`spec:${spec}`, async () => {
      const loaded = await this.open(spec);
      if (!loaded) throw new NoModelError();
      return loaded;
    });
  }

  /**
   * Runs `work` with the model `pick` gives; when the host evicted or lost the model meanwhile
   * (`unknownModel`), forgets it, picks again once and retries.
   */
  async withModel<T>(pick: () => Promise<ModelInfo>, work: (model: ModelInfo) => Promise<T>): Promise<T> {
    const model = await pick();
    try {
      return await work(model);
    } catch (error) {
      if (!(error instanceof HostRequestError && error.code === 'unknownModel')) throw error;
      this.forget(model);
      return work(await pick());
    }
  }

  /** Runs `work` with the model of `role` (see withModel). */
  withRole<T>(role: ModelRole, work: (model: ModelInfo) => Promise<T>): Promise<T> {
    return this.withModel(() => this.forRole(role), work);
  }

  /** Like withRole, with the active model whatever its family first (see activeOr). */
  withActiveOr<T>(role: ModelRole, work: (model: ModelInfo) => Promise<T>): Promise<T> {
    return this.withModel(() => this.activeOr(role), work);
  }

  /** Lets the user choose the active model (the callback given at creation: Choose Model…). */
  choose(): Promise<unknown> {
    return this.options.chooseModel();
  }

  /** Drops a model the host no longer holds. */
  forget(model: ModelInfo): void {
    for (const [key, known] of this.beside) if (known.modelId === model.modelId) this.beside.delete(key);
    if (this.activeModel?.modelId === model.modelId) {
      this.activeModel = undefined;
      this.changeEmitter.fire();
    }
  }

  private get builtinRoot(): string {
    return path.join(this.host.extensionPath, 'models');
  }

  private get roleDefaultLoader(): RoleDefaultLoader {
    return {
      builtinRoot: this.builtinRoot,
      open: (spec) => this.open(spec),
      chooseActive: async () => {
        await this.choose();
        return this.activeModel;
      },
    };
  }

  /** The model under `key`, loaded once by `load` (concurrent callers share the load). */
  private async cached(key: string, load: () => Promise<ModelInfo>): Promise<ModelInfo> {
    const known = this.beside.get(key);
    if (known) return known;
    let pending = this.pending.get(key);
    if (!pending) {
      pending = load()
        .then((model) => {
          this.beside.set(key, model);
          return model;
        })
        .finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    return pending;
  }

  /**
   * `spec` resolved to its folder and loaded in the model host on the configured device, under a
   * cancellable progress notification that names each stage. `undefined` when the user declined
   * the download or cancelled.
   */
  private async open(spec: string, precision?: WeightPrecision): Promise<ModelInfo | undefined> {
    const location = await locateModel(spec, this.host.extensionPath);
    if (!location) return undefined;
    try {
      const info = await runTask({ title: vscode.l10n.t('Loading model {0}', spec) }, (task) =>
        this.host.loadModel(loadRequest(location.dir, precision), { signal: task.signal, onProgress: (p) => task.host(p) }),
      );
      return { ...info, spec, dir: location.dir, ...(location.repoId ? { repoId: location.repoId } : {}) };
    } catch (error) {
      if (isCancelled(error)) return undefined;
      throw error;
    }
  }

  private async activeIfFits(role: ModelRole): Promise<ModelInfo | undefined> {
    let active = this.activeModel;
    if (!active && readConfig().model) {
      try {
        active = await this.ensureActive();
      } catch {
        active = undefined; // the default of the role is used instead; the status bar tells why
      }
    }
    return active && fitsRole(active, role) ? active : undefined;
  }
}
