import * as vscode from 'vscode';
import { formatBytes } from '../engine/models/hub/plan';
import { isCudaProviderError } from '../engine/runtime/cudaProviderErrors';
import { enableCudaProvider, type CudaProviderPlan, type EnableGpuOutcome, type InstallProgress } from '../engine/runtime/cudaProviderInstall';
import { detectNvidiaDriver, type NvidiaDriver } from '../models/gpuDetect';
import { runTask } from '../models/taskRunner';

export interface EnableGpuResult {
  driver: NvidiaDriver | undefined;
  /** Whether provider files were installed. */
  changed: boolean;
  message: string;
  /** What happened: the engine's outcome, or `failed` / `cancelled`. */
  outcome: EnableGpuOutcome['outcome'] | 'failed' | 'cancelled';
}

export interface EnableGpuDeps {
  /** Restarts the model host so the next model load tries CUDA; without it the user is asked to reload the window. */
  restartModelHost?: () => void | Promise<void>;
  /** Where the package is downloaded (and resumed); the OS temp folder by default. */
  downloadDir?: string;
  /** Install into a copy of onnxruntime-node in this folder (the extension's storage) rather than next to the bundled one. */
  runtimeRoot?: string;
}

function describeProgress(p: InstallProgress): string {
  const amount = p.total === undefined ? formatBytes(p.done) : vscode.l10n.t('{0} of {1}', formatBytes(p.done), formatBytes(p.total));
  return p.stage === 'downloading' ? vscode.l10n.t('Downloading the CUDA provider: {0}', amount) : vscode.l10n.t('Installing the CUDA provider: {0}', amount);
}

async function confirmDownload(plan: CudaProviderPlan, driver: NvidiaDriver): Promise<boolean> {
  const size = plan.package.size === undefined ? '?' : formatBytes(plan.package.size);
  const install = vscode.l10n.t('Download and Install');
  const choice = await vscode.window.showInformationMessage(
    vscode.l10n.t('Enable GPU acceleration?'),
    {
      modal: true,
      detail: vscode.l10n.t(
        'NVIDIA driver {0}. This downloads {1} {2} ({3}) from {4}, checks its SHA-512, and installs its CUDA provider with a copy of onnxruntime-node {5} in the extension’s storage. Running on the GPU also needs CUDA 12 and cuDNN 9 installed.',
        driver.version ?? driver.source,
        plan.package.id,
        plan.package.version,
        size,
        new URL(plan.package.url).host,
        plan.runtime.version,
      ),
    },
    install,
  );
  return choice === install;
}

/**
 * "Enable GPU Acceleration": without an NVIDIA driver it says so and changes nothing. Otherwise it
 * finds the CUDA provider package matching the bundled onnxruntime-node, asks (showing its size),
 * downloads it with a cancellable progress notification, verifies and installs it (the logic is in
 * src/engine/runtime/cudaProviderInstall.ts), then restarts the model host so the next model load
 * tries CUDA.
 */
export function enableGpuCommand(deps: EnableGpuDeps = {}) {
  return async (): Promise<EnableGpuResult> => {
    const driver = await detectNvidiaDriver();
    if (!driver) {
      const message = vscode.l10n.t('No NVIDIA driver found (no nvidia-smi on PATH, no /proc/driver/nvidia/version): models run on CPU. Nothing was changed.');
      void vscode.window.showInformationMessage(message);
      return { driver, changed: false, message, outcome: 'no-driver' };
    }
    let result: EnableGpuOutcome;
    try {
      result = await runTask({ title: vscode.l10n.t('Enable GPU acceleration') }, (task) => {
        task.report(vscode.l10n.t('Looking up the CUDA provider…'));
        const onProgress = (p: InstallProgress): void => {
          const percent = p.total ? Math.floor((100 * p.done) / p.total) : 0;
          task.report(describeProgress(p), p.stage === 'downloading' ? percent * 0.9 : 90 + percent * 0.1);
        };
        const hooks = { detectDriver: async () => driver, confirm: confirmDownload, onProgress, ...(deps.restartModelHost ? { restartModelHost: deps.restartModelHost } : {}) };
        return enableCudaProvider(hooks, { signal: task.signal, ...(deps.downloadDir ? { downloadDir: deps.downloadDir } : {}), ...(deps.runtimeRoot ? { runtimeRoot: deps.runtimeRoot } : {}) });
      });
    } catch (error) {
      if (isCudaProviderError(error, 'cancelled')) {
        const message = vscode.l10n.t('Enabling GPU acceleration was cancelled: nothing was installed. Run the command again to resume the download.');
        void vscode.window.showInformationMessage(message);
        return { driver, changed: false, message, outcome: 'cancelled' };
      }
      if (!isCudaProviderError(error)) throw error;
      const message = vscode.l10n.t('Could not enable GPU acceleration: {0} Models keep running on CPU.', error.message);
      void vscode.window.showErrorMessage(message);
      return { driver, changed: false, message, outcome: 'failed' };
    }
    const message = describeOutcome(result, deps.restartModelHost !== undefined);
    void vscode.window.showInformationMessage(message);
    return { driver, changed: result.outcome === 'installed', message, outcome: result.outcome };
  };
}

function describeOutcome(result: EnableGpuOutcome, restarted: boolean): string {
  switch (result.outcome) {
    case 'no-driver':
      return vscode.l10n.t('No NVIDIA driver found (no nvidia-smi on PATH, no /proc/driver/nvidia/version): models run on CPU. Nothing was changed.');
    case 'up-to-date':
      return vscode.l10n.t('The CUDA provider {0} is already installed; models load on the GPU when the device setting allows it (auto or cuda).', result.installed.version);
    case 'declined':
      return vscode.l10n.t('GPU acceleration was not enabled: nothing was changed.');
    case 'installed':
      return restarted
        ? vscode.l10n.t('The CUDA provider {0} is installed. The model host was restarted: the next model load tries the GPU and falls back to CPU with a notice if CUDA 12 or cuDNN 9 is missing.', result.installed.version)
        : vscode.l10n.t('The CUDA provider {0} is installed. Reload the window so that models load on the GPU.', result.installed.version);
  }
}
