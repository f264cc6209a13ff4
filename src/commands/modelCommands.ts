import * as vscode from 'vscode';
import type { FeatureFactory } from '../feature';
import { CommandId } from './commandIds';
import { enableGpuCommand } from './enableGpu';
import { showModelCardCommand } from './showModelCard';

/** The model commands without a panel: Choose Model…, Show Model Card, Enable GPU Acceleration. */
export const modelFeature: FeatureFactory = ({ context, models, host, selectModel, gpuRuntimeRoot }) => ({
  commands: {
    [CommandId.SelectModel]: selectModel,
    'transformerExplorer.showModelCard': showModelCardCommand(models, context.globalStorageUri, selectModel),
    'transformerExplorer.enableGpu': enableGpuCommand({
      runtimeRoot: gpuRuntimeRoot,
      downloadDir: vscode.Uri.joinPath(context.globalStorageUri, 'downloads').fsPath,
      restartModelHost: () => host.restart('the CUDA provider was installed'),
    }),
  },
});
