// Transformer Explorer's activation path: it registers every command, view and panel serializer
// that package.json declares (src/manifest.ts reads them) and the hover, creates the status bar
// items and decorations, and does nothing more. The code behind them (commands, webviews, model
// services, the engine) is a second bundle, dist/features.js, loaded on first need: a command, a
// view or restored panel to fill, or a tokenizer to load (the token count and the hover load one
// on their first use, after activation). scripts/build.mjs checks that this bundle holds none of
// that code.
import * as vscode from 'vscode';
import { UNLISTED_COMMANDS } from './commands/commandIds';
import { TEXT_DOCUMENTS } from './editor/textDocuments';
import { TokenBoundaryDecorator } from './editor/tokenBoundaries';
import { TokenCountStatusBar } from './editor/tokenCountStatusBar';
import { TokenHoverProvider } from './editor/tokenHover';
import { TokenizerService } from './editor/tokenizerService';
import type { Features } from './feature';
import type * as FeaturesModule from './features';
import { readManifest } from './manifest';
import { ModelStatusBar } from './models/modelStatusBar';
import { guarded } from './util/errors';
import { VIEW_OPTIONS } from './webviews/viewTypes';

/** The features bundle; `./features` stays a runtime require (external in scripts/build.mjs). */
function featuresModule(): typeof FeaturesModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./features') as typeof FeaturesModule;
}

export function activate(context: vscode.ExtensionContext): void {
  const manifest = readManifest(context.extension.packageJSON);
  const tokenizers = new TokenizerService(context.globalState, (spec) => featuresModule().loadTokenizer(spec));
  const modelStatusBar = new ModelStatusBar();
  const tokenCount = new TokenCountStatusBar(tokenizers);
  // Loaded once; a features bundle that fails its check against package.json fails every call the same way.
  let loaded: Features | Error | undefined;
  const features = (): Features => {
    if (loaded === undefined) {
      try {
        loaded = featuresModule().activateFeatures(context, { tokenizers, modelStatusBar, tokenCount, manifest });
      } catch (error) {
        loaded = error instanceof Error ? error : new Error(String(error));
      }
    }
    if (loaded instanceof Error) throw loaded;
    return loaded;
  };

  context.subscriptions.push(
    tokenizers,
    modelStatusBar,
    tokenCount,
    new TokenBoundaryDecorator(tokenizers),
    vscode.languages.registerHoverProvider(TEXT_DOCUMENTS, new TokenHoverProvider(tokenizers)),
  );

  // A bundle that does not match package.json rejects the command (the error names the ids);
  // the handler's own failures are shown as messages.
  for (const id of [...manifest.commands, ...UNLISTED_COMMANDS]) {
    context.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => guarded(features().commands[id])(...args)));
  }
  for (const id of manifest.views) {
    const lazyView: vscode.WebviewViewProvider = {
      resolveWebviewView: (view, state, cancel) => features().views[id].resolveWebviewView(view, state, cancel),
    };
    context.subscriptions.push(vscode.window.registerWebviewViewProvider(id, lazyView, VIEW_OPTIONS[id]));
  }
  for (const viewType of manifest.panels) {
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
