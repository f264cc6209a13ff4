// The extension's features behind the activation path: a bundle of its own (dist/features.js),
// loaded by extension.ts on the first command, view, restored panel or tokenizer that needs it.
// Activation only registers what package.json declares; this module creates the shared services
// (the model host, the model registry), makes every feature of `FEATURES` from them, and checks
// that together they serve exactly package.json's commands, panels and views.
import * as vscode from 'vscode';
import { attentionFeature } from './commands/attentionCommands';
import { UNLISTED_COMMANDS } from './commands/commandIds';
import { modelFeature } from './commands/modelCommands';
import { selectModelCommand } from './commands/selectModel';
import { surprisalFeature } from './commands/showSurprisal';
import { tokenizerFeature } from './commands/tokenizerCommands';
import type { TokenCountStatusBar } from './editor/tokenCountStatusBar';
import type { TokenizerService } from './editor/tokenizerService';
import { checkFeatures, joinFeatures, type FeatureFactory, type Features, type FeatureServices } from './feature';
import type { ManifestEntries } from './manifest';
import { ModelHostService } from './models/modelHostService';
import { ModelRegistry } from './models/modelRegistry';
import type { ModelStatusBar } from './models/modelStatusBar';
import { attentionCompareFeature } from './webviews/attentionCompare';
import { attentionStepsFeature } from './webviews/attentionStepsPanel';
import { bpePanelFeature } from './webviews/bpePanel';
import { completionFeature } from './webviews/completionPanel';
import { embeddingsFeature } from './webviews/embeddingsPanel';
import { learnPanelFeature } from './webviews/learnPanel';
import { logitLensFeature } from './webviews/lensPanel';
import { predictFeature } from './webviews/predictPanel';
import { tokensPanelFeature } from './webviews/tokensPanel';
import { tokensViewFeature } from './webviews/tokensView';
import { trainingFeature } from './training/trainingFeature';

export { loadTokenizer } from './engine/tokenizers/load';

/** Every feature of the extension: a new one is one line here (and its entries in package.json). */
const FEATURES: readonly FeatureFactory[] = [
  tokensPanelFeature,
  bpePanelFeature,
  learnPanelFeature,
  tokenizerFeature,
  tokensViewFeature,
  modelFeature,
  predictFeature,
  completionFeature,
  surprisalFeature,
  attentionFeature,
  attentionCompareFeature,
  attentionStepsFeature,
  logitLensFeature,
  embeddingsFeature,
  trainingFeature,
];

/** What activation created and hands over: the services the editor features already use. */
export interface ActivationServices {
  tokenizers: TokenizerService;
  modelStatusBar: ModelStatusBar;
  tokenCount: TokenCountStatusBar;
  /** package.json's commands, panels and views, as activation read them. */
  manifest: ManifestEntries;
}

/** Creates every feature; called once, when the bundle is first needed. Throws when they do not match package.json. */
export function activateFeatures(context: vscode.ExtensionContext, activation: ActivationServices): Features {
  const { tokenizers, modelStatusBar, tokenCount, manifest } = activation;
  // Models run in a separate model-host process, started on the first request.
  // Enable GPU Acceleration installs a CUDA-enabled copy of onnxruntime-node into the extension's storage.
  const gpuRuntimeRoot = vscode.Uri.joinPath(context.globalStorageUri, 'gpu-runtime').fsPath;
  const host = new ModelHostService(context.extensionPath, gpuRuntimeRoot);
  // The one model registry: the active model, the models of the roles (causal, masked), any spec a feature names.
  const models: ModelRegistry = new ModelRegistry(host, { chooseModel: () => selectModel() });
  const selectModel = selectModelCommand(models, modelStatusBar, context.extensionPath);
  modelStatusBar.attach(models);
  context.subscriptions.push(host, models);
  const services: FeatureServices = {
    context,
    panels: { extensionUri: context.extensionUri, tokenizers },
    models,
    host,
    modelStatusBar,
    tokenCount,
    selectModel,
    gpuRuntimeRoot,
  };
  const features = joinFeatures(FEATURES.map((make) => make(services)));
  checkFeatures(features, manifest, UNLISTED_COMMANDS);
  return features;
}
