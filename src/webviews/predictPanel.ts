import * as vscode from 'vscode';
import { fillMaskCommand } from '../commands/fillMask';
import { badge, requireEditor, type PredictActions, type PredictionServices } from '../commands/predictionServices';
import type { CompareAtCursorResult, MlmDemoResult } from '../engine/tasks/taskTypes';
import { paragraphAround, wordAt } from '../editor/textAround';
import type { FeatureFactory } from '../feature';
import { runTask, showTaskError } from '../models/taskRunner';
import type { ConnectionHandlers } from './connection';
import { checkApply, checkSeed, checkTarget } from './predictionMessageChecks';
import { PanelBase, type PanelContext } from './panelBase';
import type { PredictChannel, PredictPanelState, PredictPayload } from '../protocol/prediction';
import { predictStrings } from './predictionStrings';

/** Fill Mask, the MLM masking demo and Compare BERT and GPT Here: their commands and their panel. */
export const predictFeature: FeatureFactory = ({ panels, host, models }) => {
  const services: PredictionServices = { panels, host, models };
  return {
    commands: {
      'transformerExplorer.fillMask': fillMaskCommand(services, (payload, actions) => PredictPanel.show(panels, payload, actions)),
      'transformerExplorer.mlmDemo': (arg?: unknown) => mlmDemo(services, arg),
      'transformerExplorer.compareAtCursor': () => compareAtCursor(services),
    },
    revive: { [PredictPanel.viewType]: (panel, state) => PredictPanel.revive(panels, panel, state) },
  };
};

/** Longest text the demo corrupts (it is shown token by token). */
const MAX_DEMO_CHARS = 2000;

/**
 * "MLM Masking Demo": BERT's training-time corruption applied to the selection (15 % of the
 * tokens; of those 80 % → mask, 10 % → random, 10 % unchanged; seeded) and what the masked model
 * recovers at each chosen position, with its accuracy. Argument: `{ seed }` (default 0).
 */
async function mlmDemo(services: PredictionServices, arg: unknown): Promise<MlmDemoResult | undefined> {
  const editor = requireEditor();
  if (!editor) return undefined;
  const doc = editor.document;
  let text = editor.selection.isEmpty ? doc.lineAt(editor.selection.active.line).text : doc.getText(editor.selection);
  text = text.slice(0, MAX_DEMO_CHARS);
  if (text.trim() === '') {
    void vscode.window.showInformationMessage(vscode.l10n.t('Select some text (a sentence or two) for the masking demo.'));
    return undefined;
  }
  const seedArg = typeof arg === 'object' && arg !== null ? (arg as Record<string, unknown>)['seed'] : undefined;
  const seed = typeof seedArg === 'number' && Number.isInteger(seedArg) && seedArg >= 0 ? seedArg : 0;
  try {
    return await services.models.withRole('masked', async (model) => {
      const run = (s: number): Promise<MlmDemoResult> =>
        runTask({ title: vscode.l10n.t('MLM masking demo with {0}', model.label) }, (task) =>
          services.host.request('model/mlmDemo', { modelId: model.modelId, text, seed: s }, { signal: task.signal }),
        );
      const show = (result: MlmDemoResult): void => {
        PredictPanel.show(services.panels, { view: 'mlm', model: badge(model), text, result }, { rerunMlm: async (s) => show(await run(s)) });
      };
      const result = await run(seed);
      show(result);
      return result;
    });
  } catch (error) {
    showTaskError(error);
    return undefined;
  }
}

/**
 * "Compare BERT and GPT Here": for the word at the cursor, the masked model's prediction from both
 * sides and the causal model's from the left context only, side by side in the Predictions panel.
 */
async function compareAtCursor(services: PredictionServices): Promise<CompareAtCursorResult | undefined> {
  const editor = requireEditor();
  if (!editor) return undefined;
  const doc = editor.document;
  const full = doc.getText();
  const word = wordAt(full, doc.offsetAt(editor.selection.active));
  if (!word) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Put the cursor on a word to compare the two models’ predictions for it.'));
    return undefined;
  }
  const around = paragraphAround(full, word.start, word.end, 600);
  const text = full.slice(around.start, around.end);
  const offset = word.start - around.start;
  try {
    return await services.models.withRole('masked', (masked) =>
      services.models.withRole('causal', async (causal) => {
        const result = await runTask({ title: vscode.l10n.t('Comparing {0} and {1}', masked.label, causal.label) }, (task) =>
          services.host.request('model/compare', { maskedModelId: masked.modelId, causalModelId: causal.modelId, text, offset }, { signal: task.signal }),
        );
        PredictPanel.show(services.panels, { view: 'compare', masked: badge(masked), causal: badge(causal), text, result }, {});
        return result;
      }),
    );
  } catch (error) {
    showTaskError(error);
    return undefined;
  }
}

function titleOf(payload: PredictPayload | undefined): string {
  switch (payload?.view) {
    case 'mlm':
      return vscode.l10n.t('MLM Masking Demo');
    case 'compare':
      return vscode.l10n.t('BERT vs GPT');
    default:
      return vscode.l10n.t('Fill Mask');
  }
}

/** The Predictions panel: fill-mask bars, the MLM masking demo, BERT vs GPT side by side. */
export class PredictPanel extends PanelBase<PredictChannel> {
  static readonly viewType = 'transformerExplorer.predictPanel';
  private actions: PredictActions = {};
  private payload: PredictPayload | undefined;

  private constructor(ctx: PanelContext, panel: vscode.WebviewPanel) {
    super(ctx, panel, { script: 'predict.main', styles: ['base.css', 'predict.css'], title: titleOf(undefined) });
    this.connection.notify('panel/didInit', { strings: predictStrings() });
  }

  /** The open panel, if any (tests and commands). */
  static get open(): PredictPanel | undefined {
    return PredictPanel.current();
  }

  /** Shows `payload` in the panel (opened beside the editor, keeping the focus there). */
  static show(ctx: PanelContext, payload: PredictPayload, actions: PredictActions): PredictPanel {
    const target = PredictPanel.revealOrCreate(ctx, titleOf(payload), true, (panel) => new PredictPanel(ctx, panel));
    target.actions = actions;
    target.update(payload);
    return target;
  }

  static showError(message: string): void {
    PredictPanel.current()?.connection.notify('predict/didFail', { message });
  }

  /** After a reload: the saved result is shown again; applying needs a new run (the editor may differ). */
  static revive(ctx: PanelContext, panel: vscode.WebviewPanel, state: unknown): void {
    const saved = state as Partial<PredictPanelState> | undefined;
    if (!saved?.payload || typeof saved.payload !== 'object') {
      panel.dispose();
      return;
    }
    const revived = new PredictPanel(ctx, panel); // replaces the open one
    const payload = saved.payload.view === 'fill' ? { ...saved.payload, canApply: false } : saved.payload;
    revived.update(payload);
  }

  get shown(): PredictPayload | undefined {
    return this.payload;
  }

  update(payload: PredictPayload): void {
    this.payload = payload;
    this.panel.title = titleOf(payload);
    this.connection.notify('predict/didChange', payload);
  }

  protected handlers(): ConnectionHandlers<PredictChannel> {
    return {
      requests: {
        'fillMask/apply': async ({ slot, text }) => {
          if (!this.actions.apply) return { applied: false, message: predictStrings().notApplicable };
          return this.actions.apply(slot, text);
        },
        'fillMask/target': async ({ text }) => (this.actions.target ? this.actions.target(text) : null),
        'mlm/rerun': async ({ seed }) => {
          if (!this.actions.rerunMlm) return { ok: false };
          await this.actions.rerunMlm(seed);
          return { ok: true };
        },
      },
      notifications: {},
      checks: { requests: { 'fillMask/apply': checkApply, 'fillMask/target': checkTarget, 'mlm/rerun': checkSeed }, notifications: {} },
    };
  }
}
