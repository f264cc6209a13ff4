import * as vscode from 'vscode';
import type { DeviceSetting } from '../config';
import { withoutPrefix } from './fallbackReason';
import { detectNvidiaDriver } from './gpuDetect';
import type { ModelInfo } from './modelTypes';

/** The warning that CUDA was not used for a loaded model, shown once per reason in a window. */
export class CpuFallbackNotice {
  private readonly shown = new Set<string>();

  /**
   * Tells the user once per reason that CUDA was not used. With `auto` on a machine without an
   * NVIDIA driver, CPU is the expected outcome, not a failure: no notice (the tooltip and the
   * model card still say why).
   */
  async show(model: Pick<ModelInfo, 'fallbackReason'>, asked: DeviceSetting): Promise<void> {
    const reason = model.fallbackReason && withoutPrefix(model.fallbackReason);
    if (!reason || this.shown.has(reason)) return;
    if (asked === 'auto' && !(await detectNvidiaDriver())) return;
    this.shown.add(reason);
    void vscode.window.showWarningMessage(vscode.l10n.t('CUDA unavailable, running on CPU: {0}', reason));
  }
}
