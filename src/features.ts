// The extension's features behind the activation path: a bundle of its own (dist/features.js),
// loaded by extension.ts on the first command, view, restored panel or tokenizer that needs it.
// Activation only registers; this module holds the commands, the webviews, the model services
// and the engine (tokenizers, ONNX graphs, attention maths).
import * as vscode from 'vscode';
import { readConfig } from './config';
import { CommandId } from './commands/commandIds';
import { enableGpuCommand } from './commands/enableGpu';
import { learnBpeCommand } from './commands/learnBpe';
import { attentionCommands } from './commands/attentionCommands';
import { predictionCommands } from './commands/predictionCommands';
import { selectModelCommand } from './commands/selectModel';
import { selectTokenizerCommand } from './commands/selectTokenizer';
import { showBpeMergesCommand } from './commands/showBpeMerges';
import { showModelCardCommand } from './commands/showModelCard';
import { showSidePanelCommand } from './commands/showSidePanel';
import { toggleTokenBoundariesCommand } from './commands/toggleTokenBoundaries';
import { tokenizeSelectionCommand } from './commands/tokenizeSelection';
import { TEXT_DOCUMENTS } from './editor/textDocuments';
import type { TokenCountStatusBar } from './editor/tokenCountStatusBar';
import type { TokenizerService } from './editor/tokenizerService';
import { ModelHostService } from './models/modelHostService';
import { ModelRegistry } from './models/modelRegistry';
import type { ModelStatusBar } from './models/modelStatusBar';
import { AttentionViewProvider } from './webviews/attentionView';
import { BpePanel } from './webviews/bpePanel';
import { CompletionPanel } from './webviews/completionPanel';
import { LearnBpePanel } from './webviews/learnPanel';
import type { PanelContext } from './webviews/panelBase';
import { PredictPanel } from './webviews/predictPanel';
import { TokensPanel } from './webviews/tokensPanel';
import { TokensViewProvider } from './webviews/tokensView';
import {
  ATTENTION_COMPARE_VIEW_TYPE,
  ATTENTION_VIEW_ID,
  BPE_PANEL_VIEW_TYPE,
  COMPLETION_PANEL_VIEW_TYPE,
  LEARN_PANEL_VIEW_TYPE,
  PREDICT_PANEL_VIEW_TYPE,
  type RestoredPanelType,
  TOKENS_PANEL_VIEW_TYPE,
  TOKENS_VIEW_ID,
  type ViewId,
} from './webviews/viewTypes';

export { loadTokenizer } from './engine/tokenizers/load';

/** What activation created and hands over: the services the editor features already use. */
export interface ActivationServices {
  tokenizers: TokenizerService;
  modelStatusBar: ModelStatusBar;
  tokenCount: TokenCountStatusBar;
}

/** What extension.ts forwards to once the features are loaded. */
export interface Features {
  /** Every contributed command (extension.ts shows their failures). */
  commands: Record<CommandId, (...args: unknown[]) => unknown>;
  views: Record<ViewId, vscode.WebviewViewProvider>;
  revive: Record<RestoredPanelType, (panel: vscode.WebviewPanel, state: unknown) => void>;
}

/** Creates every feature; called once, when the bundle is first needed. */
export function activateFeatures(context: vscode.ExtensionContext, services: ActivationServices): Features {
  const { tokenizers, modelStatusBar, tokenCount } = services;
  const ctx: PanelContext = { extensionUri: context.extensionUri, tokenizers };
  const tokensView = new TokensViewProvider(ctx);
  // Models run in a separate model-host process, started on the first request.
  // Enable GPU Acceleration installs a CUDA-enabled copy of onnxruntime-node into the extension's storage.
  const gpuRuntimeRoot = vscode.Uri.joinPath(context.globalStorageUri, 'gpu-runtime').fsPath;
  const modelHost = new ModelHostService(context.extensionPath, gpuRuntimeRoot);
  // The one model registry: the active model, the models of the roles (causal, masked), any spec a feature names.
  const models: ModelRegistry = new ModelRegistry(modelHost, { chooseModel: () => selectModel() });
  const selectModel = selectModelCommand(models, modelStatusBar);
  modelStatusBar.attach(models);
  const attentionView = new AttentionViewProvider(ctx, models, modelHost);
  context.subscriptions.push(tokensView, modelHost, models, attentionView);
  const attention = attentionCommands(context, ctx, modelHost, models, attentionView);

  const commands: Record<CommandId, (...args: unknown[]) => unknown> = {
    [CommandId.TokenizeSelection]: tokenizeSelectionCommand(ctx),
    [CommandId.ShowBpeMerges]: showBpeMergesCommand(ctx),
    [CommandId.LearnBpe]: learnBpeCommand(ctx),
    [CommandId.ToggleTokenBoundaries]: toggleTokenBoundariesCommand(),
    [CommandId.SelectTokenizer]: selectTokenizerCommand(tokenizers),
    [CommandId.ShowSidePanel]: showSidePanelCommand(tokensView),
    [CommandId.SelectModel]: selectModel,
    [CommandId.ShowModelCard]: showModelCardCommand(models, context.globalStorageUri, selectModel),
    [CommandId.EnableGpu]: enableGpuCommand({
      runtimeRoot: gpuRuntimeRoot,
      downloadDir: vscode.Uri.joinPath(context.globalStorageUri, 'downloads').fsPath,
      restartModelHost: () => modelHost.restart('the CUDA provider was installed'),
    }),
    ...predictionCommands(context, ctx, modelHost, models, TEXT_DOCUMENTS),
    ...attention.commands,
    [CommandId.TokenCountState]: () => tokenCount.state,
  };

  return {
    commands,
    views: { [TOKENS_VIEW_ID]: tokensView, [ATTENTION_VIEW_ID]: attentionView },
    revive: {
      [TOKENS_PANEL_VIEW_TYPE]: (panel, state) => TokensPanel.revive(ctx, panel, state),
      [BPE_PANEL_VIEW_TYPE]: (panel, state) => BpePanel.revive(ctx, panel, state),
      [LEARN_PANEL_VIEW_TYPE]: (panel, state) => LearnBpePanel.revive(ctx, panel, state, readConfig().learnBpe.merges),
      [PREDICT_PANEL_VIEW_TYPE]: (panel, state) => PredictPanel.revive(ctx, panel, state),
      [COMPLETION_PANEL_VIEW_TYPE]: (panel, state) => CompletionPanel.revive(ctx, panel, state),
      [ATTENTION_COMPARE_VIEW_TYPE]: attention.reviveCompare,
    },
  };
}
