import * as vscode from 'vscode';
import { detectNvidiaDriver, type NvidiaDriver } from '../models/gpuDetect';

export interface EnableGpuResult {
  driver: NvidiaDriver | undefined;
  /** Whether anything was installed or changed (never yet: the CUDA provider fetch is not implemented). */
  changed: boolean;
  message: string;
}

/**
 * "Enable GPU Acceleration": looks for an NVIDIA driver. Without one it says so and changes
 * nothing. With one it explains what enabling would do — fetch the CUDA execution provider of
 * onnxruntime-node — and says plainly that this version cannot fetch it yet.
 */
export function enableGpuCommand() {
  return async (): Promise<EnableGpuResult> => {
    const driver = await detectNvidiaDriver();
    const message = driver
      ? vscode.l10n.t(
          'NVIDIA driver found ({0}). Enabling GPU acceleration means fetching the CUDA provider of onnxruntime-node; this version of Transformer Explorer cannot fetch it yet, so models keep running on CPU.',
          driver.version ?? driver.source,
        )
      : vscode.l10n.t('No NVIDIA driver found (no nvidia-smi on PATH, no /proc/driver/nvidia/version): models run on CPU. Nothing was changed.');
    void vscode.window.showInformationMessage(message);
    return { driver, changed: false, message };
  };
}
