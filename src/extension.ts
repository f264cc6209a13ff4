// Transformer Explorer's activation path: it registers every command, view, panel serializer and
// hover, and creates the status bar items and decorations, and nothing more. The code behind them
// (commands, webviews, model services, the engine) is a second bundle, dist/features.js, loaded on
// first need: a command, a view or restored panel to fill, or a tokenizer to load (the token count
// and the hover load one on their first use, after activation). scripts/build.mjs checks that
// this bundle holds none of that code.
import * as vscode from 'vscode';
import { CommandId } from './commands/commandIds';
import { TEXT_DOCUMENTS } from './editor/textDocuments';
import { TokenBoundaryDecorator } from './editor/tokenBoundaries';
import { TokenCountStatusBar } from './editor/tokenCountStatusBar';
import { TokenHoverProvider } from './editor/tokenHover';
import { TokenizerService } from './editor/tokenizerService';
import type * as FeaturesModule from './features';
import { ModelStatusBar } from './models/modelStatusBar';
import { guarded } from './util/errors';
import { ATTENTION_VIEW_ID, RESTORED_PANEL_TYPES, TOKENS_VIEW_ID, type ViewId } from './webviews/viewTypes';

/** The features bundle; `./features` stays a runtime require (external in scripts/build.mjs). */
function featuresModule(): typeof FeaturesModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./features') as typeof FeaturesModule;
}

export function activate(context: vscode.ExtensionContext): void {
  const tokenizers = new TokenizerService(context.globalState, (spec) => featuresModule().loadTokenizer(spec));
  const modelStatusBar = new ModelStatusBar();
  const tokenCount = new TokenCountStatusBar(tokenizers);
  let loaded: FeaturesModule.Features | undefined;
  const features = (): FeaturesModule.Features =>
    (loaded ??= featuresModule().activateFeatures(context, { tokenizers, modelStatusBar, tokenCount }));

  context.subscriptions.push(
    tokenizers,
    modelStatusBar,
    tokenCount,
    new TokenBoundaryDecorator(tokenizers),
    vscode.languages.registerHoverProvider(TEXT_DOCUMENTS, new TokenHoverProvider(tokenizers)),
  );

  for (const id of Object.values(CommandId)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, guarded((...args: unknown[]) => features().commands[id](...args))));
  }

  const lazyView = (id: ViewId): vscode.WebviewViewProvider => ({
    resolveWebviewView: (view, state, cancel) => features().views[id].resolveWebviewView(view, state, cancel),
  });
  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(TOKENS_VIEW_ID, lazyView(TOKENS_VIEW_ID)),
    vscode.window.registerWebviewViewProvider(ATTENTION_VIEW_ID, lazyView(ATTENTION_VIEW_ID), {
      webviewOptions: { retainContextWhenHidden: true },
    }),
  );
  for (const viewType of RESTORED_PANEL_TYPES) {
    context.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(viewType, {
        deserializeWebviewPanel: async (panel, state) => features().revive[viewType](panel, state),
      }),
    );
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
