/**
 * "Train a Model from Scratch…", "Stop Training", "Show Training" and the Training panel. The run
 * belongs to the TrainingService (one per window); when it ends, what was trained is put to use at
 * once: the GPT-2 (or the only model) becomes the active model, and a BERT trained beside it the
 * workspace's masked model (`defaultModels.masked`), so Complete Text, Fill Mask, the attention
 * views and Compare BERT and GPT work on them.
 */
import * as vscode from 'vscode';
import { CommandId } from '../commands/commandIds';
import { CONFIG_SECTION } from '../config';
import type { FeatureFactory } from '../feature';
import { SIZE_PRESETS, defaultModelName, defaultTrainingOptions, defaultVocabSize } from '../engine/training/presets';
import { checkPython } from '../engine/training/python';
import type { ModelShape, TrainingObjective, TrainingOptions, TrainingProblem, TrainingResult } from '../engine/training/types';
import type { ModelRegistry } from '../models/modelRegistry';
import type { TrainingDrawReport, TrainingSettingsShown, TrainingStatus } from '../protocol/training';
import { TrainingPanel, type TrainingActions } from '../webviews/trainingPanel';
import type { PanelContext } from '../webviews/panelBase';
import { explainProblem, findInterpreter, interpreterWithTorch } from './pythonInterpreter';
import { TrainingService } from './trainingService';
import { askTrainingOptions, defaultOutputDir } from './trainingWizard';

/** What the command resolves to (tests, automation): the run started, and with `wait` its end. */
export interface TrainingCommandResult {
  readonly started: boolean;
  readonly result?: TrainingResult;
  readonly problem?: TrainingProblem;
}

/** `transformerExplorer.trainingState`: where the run is and what the panel drew (tests). */
export interface TrainingState {
  readonly status: TrainingStatus | 'none';
  readonly id: number;
  readonly steps: number;
  readonly evals: number;
  readonly samples: number;
  readonly result?: TrainingResult;
  readonly problem?: TrainingProblem;
  readonly drawn?: TrainingDrawReport;
  readonly statusBar: string;
}

export const trainingFeature: FeatureFactory = ({ panels, models, context }) => {
  let service: TrainingService | undefined;
  const actions = panelActions(models, () => service);
  const theService = (): TrainingService => {
    if (!service) {
      service = new TrainingService();
      context.subscriptions.push(service);
    }
    return service;
  };
  return {
    commands: {
      'transformerExplorer.trainModel': (arg?: unknown) => trainModel(panels, theService(), actions, models, arg),
      'transformerExplorer.stopTraining': () => {
        if (!theService().stop()) void vscode.window.showInformationMessage(vscode.l10n.t('No training run is going.'));
      },
      [CommandId.ShowTraining]: async () => {
        if (theService().current || TrainingPanel.open) return TrainingPanel.show(panels, theService(), actions, false);
        // Nothing to show yet: no empty panel, the way to start one.
        const train = vscode.l10n.t('Train a Model from Scratch…');
        if ((await vscode.window.showInformationMessage(vscode.l10n.t('No training run in this window yet.'), train)) === train) await vscode.commands.executeCommand('transformerExplorer.trainModel');
        return undefined;
      },
      [CommandId.TrainingState]: async (arg?: unknown) => trainingState(theService(), arg),
    },
    revive: { [TrainingPanel.viewType]: (panel, state) => TrainingPanel.revive(panels, panel, state, theService(), actions) },
  };
};

function panelActions(models: ModelRegistry, service: () => TrainingService | undefined): TrainingActions {
  return {
    useModel: async (folder) => {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Loading {0}…', folder) }, () => models.load(folder));
    },
    openReport: async (path) => {
      await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(path));
    },
    compare: async (causal, masked) => {
      // The text of the GPT-2's samples (a line of the training text), else the editor's selection.
      const sample = service()?.current?.events.find((e) => e.type === 'sample' && e.objective === 'clm');
      const text = sample?.type === 'sample' ? sample.input : undefined;
      await vscode.commands.executeCommand('transformerExplorer.compareAttention', { causal, masked, ...(text ? { text } : {}) });
    },
  };
}

async function trainingState(service: TrainingService, arg: unknown): Promise<TrainingState> {
  const s = service.current;
  const waitMs = typeof arg === 'object' && arg !== null && typeof (arg as { drawnWithinMs?: unknown }).drawnWithinMs === 'number' ? (arg as { drawnWithinMs: number }).drawnWithinMs : 0;
  const panel = TrainingPanel.open;
  const count = (type: string) => s?.events.filter((e) => e.type === type).length ?? 0;
  const drawn = panel && s ? await panel.whenDrawn((r) => r.id === s.id && r.status === s.status && r.models.reduce((n, m) => n + m.trainPoints, 0) === count('step'), waitMs) : undefined;
  const status = s?.status ?? 'none';
  return {
    status, id: s?.id ?? 0, steps: count('step'), evals: count('eval'), samples: count('sample'),
    ...(s?.result ? { result: s.result } : {}), ...(s?.problem ? { problem: s.problem } : {}), ...(drawn ? { drawn } : {}),
    statusBar: service.statusText,
  };
}

/** The options named by a command argument (tests, automation), the defaults for the rest. */
function optionsFromArg(a: Record<string, unknown>, python: string): TrainingOptions | string {
  const text = typeof a.text === 'string' ? a.text : '';
  if (!text.trim()) return vscode.l10n.t('Nothing to train on: the text is empty.');
  const source = typeof a.source === 'string' ? a.source : 'text';
  const base = defaultTrainingOptions({ source, text }, typeof a.outputDir === 'string' ? a.outputDir : defaultOutputDir(), python);
  const int = (k: string, d: number) => (typeof a[k] === 'number' && Number.isInteger(a[k]) ? (a[k] as number) : d);
  const objective: TrainingObjective = a.objective === 'clm' || a.objective === 'mlm' || a.objective === 'both' ? a.objective : base.objective;
  const preset = a.preset === 'small' || a.preset === 'custom' ? a.preset : 'tiny';
  const presetShape: ModelShape = preset === 'custom' ? SIZE_PRESETS.tiny : SIZE_PRESETS[preset];
  const shape: ModelShape = { layers: int('layers', presetShape.layers), hidden: int('hidden', presetShape.hidden), heads: int('heads', presetShape.heads), context: int('context', presetShape.context) };
  return {
    ...base, objective, preset, shape,
    vocabSize: int('vocabSize', defaultVocabSize(text.length)), steps: int('steps', base.steps), batchSize: int('batchSize', base.batchSize),
    evalEvery: int('evalEvery', base.evalEvery), seed: int('seed', base.seed),
    learningRate: typeof a.learningRate === 'number' ? a.learningRate : base.learningRate,
    name: typeof a.name === 'string' ? a.name : defaultModelName(source),
  };
}

async function trainModel(panels: PanelContext, service: TrainingService, actions: TrainingActions, models: ModelRegistry, arg: unknown): Promise<TrainingCommandResult> {
  const given = typeof arg === 'object' && arg !== null ? (arg as Record<string, unknown>) : undefined;
  const busy = (): TrainingCommandResult => {
    const show = vscode.l10n.t('Show Training');
    void vscode.window.showWarningMessage(vscode.l10n.t('A training run is already going in this window: stop it first.'), show).then((a) => a === show && TrainingPanel.show(panels, service, actions, false));
    return { started: false, problem: { kind: 'busy', message: 'A training run is already going in this window.' } };
  };
  if (service.running) return busy();
  const resource = vscode.window.activeTextEditor?.document.uri;
  let python: string;
  let torch: string;
  let cuda = false;
  let options: TrainingOptions | undefined;
  if (given) {
    // Named by the caller: no question asked; a problem is said and returned.
    const interpreter = typeof given.python === 'string' ? { python: given.python, from: 'setting' as const } : await findInterpreter(resource);
    const checked = await checkPython(interpreter.python);
    if (!('torch' in checked)) {
      void explainProblem(checked, interpreter);
      return { started: false, problem: checked };
    }
    ({ python, torch, cuda } = checked);
    const o = optionsFromArg(given, python);
    if (typeof o === 'string') {
      void vscode.window.showErrorMessage(o);
      return { started: false, problem: { kind: 'bad-options', message: o } };
    }
    options = o;
  } else {
    const found = await interpreterWithTorch(resource);
    if (!found) return { started: false };
    ({ python, torch, cuda } = found);
    options = await askTrainingOptions(python, cuda, (p) => void explainProblem(p));
    if (!options) return { started: false };
  }
  // Another start may have won while this one asked its questions.
  if (service.running) return busy();
  const settings: TrainingSettingsShown = {
    source: options.corpus.source, characters: options.corpus.text.length, objective: options.objective, preset: options.preset, shape: options.shape,
    vocabSize: options.vocabSize, steps: options.steps, batchSize: options.batchSize, learningRate: options.learningRate, seed: options.seed,
    device: options.device, python, torch,
  };
  TrainingPanel.show(panels, service, actions, true);
  let problem: TrainingProblem | undefined;
  const done = service.start(options, settings, (p) => {
    problem = p;
    void explainProblem(p, { python, from: 'path' });
  }).then(async (result) => {
    if (result) await adopt(result, models);
    return result;
  });
  if (given?.wait !== true) return { started: true };
  const result = await done;
  return { started: true, ...(result ? { result } : {}), ...(problem ? { problem } : {}) };
}

/**
 * The trained models put to use: the GPT-2 (or the only model) active, a BERT trained with it the
 * workspace's masked model; said in a notification with the figures and the next steps.
 */
async function adopt(result: TrainingResult, models: ModelRegistry): Promise<void> {
  const causal = result.models.find((m) => m.objective === 'clm');
  const masked = result.models.find((m) => m.objective === 'mlm');
  if (causal && masked) {
    const c = vscode.workspace.getConfiguration(CONFIG_SECTION);
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    const current = c.get<Record<string, unknown>>('defaultModels') ?? {};
    await c.update('defaultModels', { ...current, causal: causal.folder, masked: masked.folder }, target);
  }
  const main = causal ?? masked;
  if (!main) return;
  try {
    await models.load(main.folder);
  } catch (error) {
    void vscode.window.showErrorMessage(vscode.l10n.t('The trained model could not be loaded: {0}', error instanceof Error ? error.message : String(error)));
    return;
  }
  const ppl = (x: number) => x.toLocaleString(vscode.env.language, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const figures = result.models.map((m) => m.objective === 'clm'
    ? vscode.l10n.t('GPT-2: perplexity {0}', ppl(m.perplexity))
    : vscode.l10n.t('BERT: pseudo-perplexity {0}', ppl(m.perplexity))).join(' · ');
  const said = causal && masked
    ? vscode.l10n.t('Trained ({0}). The GPT-2 is now the active model and the BERT the masked model of this workspace.', figures)
    : vscode.l10n.t('Trained ({0}). It is now the active model.', figures);
  const report = vscode.l10n.t('Open Report');
  const compare = vscode.l10n.t('Compare BERT and GPT');
  const buttons = causal && masked ? [report, compare] : [report];
  void vscode.window.showInformationMessage(said, ...buttons).then(async (answer) => {
    if (answer === report) await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(result.report));
    if (answer === compare && causal && masked) await vscode.commands.executeCommand('transformerExplorer.compareAttention', { causal: causal.folder, masked: masked.folder });
  });
}
