import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { affects, readConfig, SettingKey, writeSetting, type DeviceSetting } from '../config';
import { Disposable } from '../util/disposable';
import { withoutPrefix } from './fallbackReason';
import { detectNvidiaDriver } from './gpuDetect';
import { describeModelError } from './modelErrors';
import { loadWithProgress } from './loadWithProgress';
import { locateModel } from './modelSource';
import { defaultModelSpec, resolveBuiltin } from './taskSettings';
import type { ModelHostService } from './modelHostService';
import type { ActiveModel } from './modelTypes';

/**
 * The active model: which one the user chose (the `model` setting), loading it into the model
 * host with a cancellable progress notification, releasing the previous one, the CPU-fallback
 * notice (once per reason), and reloading when the device settings change or the host died.
 */
export class ModelService extends Disposable {
  private activeModel: ActiveModel | undefined;
  private loadingSpec: string | undefined;
  private readonly fallbacksShown = new Set<string>();
  private readonly changeEmitter = this.register(new vscode.EventEmitter<void>());
  /** Fires when the active model or the loading state changes. */
  readonly onDidChange = this.changeEmitter.event;
  private generation = 0;

  constructor(private readonly host: ModelHostService) {
    super();
    this.register(
      host.onDidDie(() => {
        // Its sessions died with the process; the next use loads it again.
        this.activeModel = undefined;
        this.changeEmitter.fire();
      }),
    );
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if ((affects(e, SettingKey.device) || affects(e, SettingKey.gpuId)) && this.activeModel) {
          const spec = this.activeModel.spec;
          this.load(spec).catch((error: unknown) => void vscode.window.showErrorMessage(describeModelError(error, spec)));
        }
      }),
    );
  }

  get active(): ActiveModel | undefined {
    return this.activeModel;
  }

  get hostPid(): number | undefined {
    return this.host.pid;
  }

  get loading(): string | undefined {
    return this.loadingSpec;
  }

  /**
   * The configured model, loaded if it is not yet. With none configured, the built-in causal model
   * (`defaultModels.causal`, shipped in the extension's models/ folder) when it is there, so that
   * the model features work offline out of the box; it is not written into the `model` setting.
   * `undefined` when there is neither.
   */
  async ensureActive(): Promise<ActiveModel | undefined> {
    if (this.activeModel) return this.activeModel;
    const configured = readConfig().model;
    if (configured) return this.load(configured);
    const fallback = this.builtinDefault();
    return fallback ? this.load(fallback, { remember: false }) : undefined;
  }

  /** The folder of the built-in default causal model, if the default is a built-in one and it is installed. */
  private builtinDefault(): string | undefined {
    const { spec, builtin } = resolveBuiltin(defaultModelSpec('causal'), this.host.extensionPath);
    return builtin !== undefined && existsSync(spec) ? spec : undefined;
  }

  /**
   * Loads `spec` (folder or Hub id, downloaded with consent) on the configured device, makes it
   * the active model and saves it in the `model` setting (unless `remember: false`). Resolves to `undefined` when the user
   * declined the download or cancelled; throws when the model cannot be loaded (the previous
   * model stays active then).
   */
  async load(spec: string, options: { remember?: boolean } = {}): Promise<ActiveModel | undefined> {
    const generation = ++this.generation;
    this.loadingSpec = spec;
    this.changeEmitter.fire();
    try {
      const location = await locateModel(spec);
      if (!location) return undefined;
      const info = await loadWithProgress(this.host, spec, location.dir);
      if (!info) return undefined;
      const loaded: ActiveModel = { ...info, spec, dir: location.dir, ...(location.repoId ? { repoId: location.repoId } : {}) };
      if (generation !== this.generation) {
        // A newer choice won meanwhile: this one is not needed.
        void this.host.releaseModel(info.modelId).catch(() => undefined);
        return this.activeModel;
      }
      const previous = this.activeModel;
      this.activeModel = loaded;
      if (previous && previous.modelId !== loaded.modelId) void this.host.releaseModel(previous.modelId).catch(() => undefined);
      if (options.remember !== false && readConfig().model !== spec) await writeSetting(SettingKey.model, spec);
      await this.noticeFallback(loaded, readConfig().device);
      return loaded;
    } finally {
      if (generation === this.generation) this.loadingSpec = undefined;
      this.changeEmitter.fire();
    }
  }

  /**
   * Tells the user once per reason that CUDA was not used. With `auto` on a machine without an
   * NVIDIA driver, CPU is the expected outcome, not a failure: no notice (the tooltip and the
   * model card still say why).
   */
  private async noticeFallback(model: ActiveModel, asked: DeviceSetting): Promise<void> {
    const reason = model.fallbackReason && withoutPrefix(model.fallbackReason);
    if (!reason || this.fallbacksShown.has(reason)) return;
    if (asked === 'auto' && !(await detectNvidiaDriver())) return;
    this.fallbacksShown.add(reason);
    void vscode.window.showWarningMessage(vscode.l10n.t('CUDA unavailable, running on CPU: {0}', reason));
  }
}


