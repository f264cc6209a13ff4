// Transformer Explorer: wiring only. Every feature lives in its own file; tokenizers load lazily,
// on the first hover, count or command that needs one, so activation itself stays cheap.
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
import { TokenBoundaryDecorator } from './editor/tokenBoundaries';
import { TokenCountStatusBar } from './editor/tokenCountStatusBar';
import { TokenHoverProvider } from './editor/tokenHover';
import { TokenizerService } from './editor/tokenizerService';
import { ModelHostService } from './models/modelHostService';
import { ModelService } from './models/modelService';
import { ModelStatusBar } from './models/modelStatusBar';
import { guarded } from './util/errors';
import { BPE_PANEL_VIEW_TYPE, BpePanel } from './webviews/bpePanel';
import { LEARN_PANEL_VIEW_TYPE, LearnBpePanel } from './webviews/learnPanel';
import type { PanelContext } from './webviews/panelBase';
import { TOKENS_PANEL_VIEW_TYPE, TokensPanel } from './webviews/tokensPanel';
import { TOKENS_VIEW_ID, TokensViewProvider } from './webviews/tokensView';

/** Documents the hover and the decorations work on: files and unsaved editors. */
const TEXT_DOCUMENTS: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-vfs' }];

export function activate(context: vscode.ExtensionContext): void {
  const tokenizers = new TokenizerService(context.globalState);
  const ctx: PanelContext = { extensionUri: context.extensionUri, tokenizers };
  const tokensView = new TokensViewProvider(ctx);
  context.subscriptions.push(
    tokenizers,
    tokensView,
    new TokenCountStatusBar(tokenizers),
    new TokenBoundaryDecorator(tokenizers),
    vscode.languages.registerHoverProvider(TEXT_DOCUMENTS, new TokenHoverProvider(tokenizers)),
    vscode.window.registerWebviewViewProvider(TOKENS_VIEW_ID, tokensView),
  );
  // Models run in a separate model-host process, started on the first request.
  // Enable GPU Acceleration installs a CUDA-enabled copy of onnxruntime-node into the extension's storage.
  const gpuRuntimeRoot = vscode.Uri.joinPath(context.globalStorageUri, 'gpu-runtime').fsPath;
  const modelHost = new ModelHostService(context.extensionPath, gpuRuntimeRoot);
  const models = new ModelService(modelHost);
  const modelStatusBar = new ModelStatusBar(models);
  context.subscriptions.push(modelHost, models, modelStatusBar);

  const commands: Record<CommandId, (...args: unknown[]) => unknown> = {
    [CommandId.TokenizeSelection]: tokenizeSelectionCommand(ctx),
    [CommandId.ShowBpeMerges]: showBpeMergesCommand(ctx),
    [CommandId.LearnBpe]: learnBpeCommand(ctx),
    [CommandId.ToggleTokenBoundaries]: toggleTokenBoundariesCommand(),
    [CommandId.SelectTokenizer]: selectTokenizerCommand(tokenizers),
    [CommandId.ShowSidePanel]: showSidePanelCommand(tokensView),
    [CommandId.SelectModel]: selectModelCommand(models, modelStatusBar),
    [CommandId.ShowModelCard]: showModelCardCommand(models, context.globalStorageUri),
    [CommandId.EnableGpu]: enableGpuCommand({
      runtimeRoot: gpuRuntimeRoot,
      downloadDir: vscode.Uri.joinPath(context.globalStorageUri, 'downloads').fsPath,
      restartModelHost: () => modelHost.restart('the CUDA provider was installed'),
    }),
    ...predictionCommands(context, ctx, modelHost, models, TEXT_DOCUMENTS),
    ...attentionCommands(context, ctx, modelHost, models),
  };
  for (const [id, handler] of Object.entries(commands)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, guarded(handler)));
  }

  const revive = (reviver: (panel: vscode.WebviewPanel, state: unknown) => void): vscode.WebviewPanelSerializer => ({
    deserializeWebviewPanel: async (panel, state) => reviver(panel, state),
  });
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(
      TOKENS_PANEL_VIEW_TYPE,
      revive((panel, state) => TokensPanel.revive(ctx, panel, state)),
    ),
    vscode.window.registerWebviewPanelSerializer(
      BPE_PANEL_VIEW_TYPE,
      revive((panel, state) => BpePanel.revive(ctx, panel, state)),
    ),
    vscode.window.registerWebviewPanelSerializer(
      LEARN_PANEL_VIEW_TYPE,
      revive((panel, state) => LearnBpePanel.revive(ctx, panel, state, readConfig().learnBpe.merges)),
    ),
  );
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
