import * as path from 'node:path';
import * as vscode from 'vscode';
import { gpuRuntimeIn } from '../engine/runtime/cudaProviderInstall';
import { ONNXRUNTIME_PATH_ENV } from '../engine/runtime/runtimePath';
import { CONFIG_SECTION, readConfig, SettingKey } from '../config';
import { HostDiedError, ModelHostClient, type HostDeath, type RequestOptions } from '../host/client';
import type { HostMethod, ModelLimits, ParamsOf, ResultOf } from '../host/protocol';
import { Disposable } from '../util/disposable';

/**
 * The window's model host: one `ModelHostClient` (a forked `dist/modelHost.js`), started on the
 * first request, never at activation. When the process dies the user is told once per death and
 * every listener learns that the models it held are gone; the next request starts a new host.
 * When **Enable GPU Acceleration** has installed the CUDA provider into a copy of onnxruntime-node
 * in the extension's storage (`gpuRuntimeRoot`), new hosts load that copy.
 */
/** The host's model-cache limits: the active model and the two role models (masked, causal), within the memory setting. */
function hostLimits(): ModelLimits {
  return { maxModels: 3, maxBytes: readConfig().modelCacheMemoryMB * 1024 * 1024 };
}

export class ModelHostService extends Disposable {
  private client: ModelHostClient | undefined;
  private readonly output: vscode.OutputChannel;
  private readonly deathEmitter = this.register(new vscode.EventEmitter<HostDeath>());
  /** Fires when the host died unexpectedly: every model it held is gone. */
  readonly onDidDie = this.deathEmitter.event;
  /** How many unexpected deaths were told to the user (diagnostics and tests). */
  deathsReported = 0;

  constructor(
    /** The extension's folder (dist/modelHost.js, the built-in models in models/). */
    readonly extensionPath: string,
    /** Where Enable GPU Acceleration installs its onnxruntime-node copy (see cudaProviderInstall.ts). */
    readonly gpuRuntimeRoot?: string,
  ) {
    super();
    this.output = this.register(vscode.window.createOutputChannel(vscode.l10n.t('Transformer Explorer: Model Host')));
    this.register({ dispose: () => this.client?.dispose() });
    // A new memory bound applies to the running host at once (no restart: its models and requests live on).
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${CONFIG_SECTION}.${SettingKey.modelCacheMemoryMB}`)) void this.client?.configure(hostLimits()).catch(() => undefined);
      }),
    );
  }

  /** The process id of the running host, if any. */
  get pid(): number | undefined {
    return this.client?.pid;
  }

  request<M extends HostMethod>(method: M, params: ParamsOf<M>, options?: RequestOptions): Promise<ResultOf<M>> {
    return this.ensureClient().request(method, params, options);
  }

  /** `model/load`: reads the folder, builds or reuses its graph, opens a session on the device asked for. */
  loadModel(params: ParamsOf<'model/load'>, options?: RequestOptions): Promise<ResultOf<'model/load'>> {
    return this.request('model/load', params, options);
  }

  /** `model/release`: frees a loaded model's sessions. */
  async releaseModel(modelId: string): Promise<void> {
    await this.request('model/release', { modelId });
  }

  /**
   * Stops the host on purpose (after the GPU runtime was installed): no warning, listeners learn
   * that its models are gone, and the next request starts a host with the runtime as it is now.
   */
  restart(reason: string): void {
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    client.dispose();
    this.output.appendLine(`[model host] restarted: ${reason}`);
    this.deathEmitter.fire({ error: new HostDiedError(reason, null, null), pendingRequests: 0, outputTail: '' });
  }

  /** The onnxruntime-node copy with the CUDA provider that new hosts load, if installed. */
  get gpuRuntime(): string | undefined {
    return this.gpuRuntimeRoot ? gpuRuntimeIn(this.gpuRuntimeRoot) : undefined;
  }

  private ensureClient(): ModelHostClient {
    if (this.client) return this.client;
    const gpuRuntime = this.gpuRuntime;
    const client = new ModelHostClient({
      hostScript: path.join(this.extensionPath, 'dist', 'modelHost.js'),
      ...(gpuRuntime ? { env: { ...process.env, [ONNXRUNTIME_PATH_ENV]: gpuRuntime } } : {}),
      limits: hostLimits(),
      onOutput: (text) => this.output.append(text),
    });
    client.onDidDie((death) => this.onHostDied(death));
    this.client = client;
    return client;
  }

  private onHostDied(death: HostDeath): void {
    if (this.isDisposed) return;
    this.deathsReported++;
    this.output.appendLine(`[model host] ${death.error.message}`);
    this.deathEmitter.fire(death);
    void vscode.window
      .showWarningMessage(
        vscode.l10n.t('The model host stopped: {0} It will restart on the next request.', death.error.message),
        vscode.l10n.t('Show Output'),
      )
      .then((choice) => choice && this.output.show(true));
  }
}
