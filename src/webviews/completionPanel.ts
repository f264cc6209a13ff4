import * as vscode from 'vscode';
import { fitPrompt, panelThrottle, parseCompletionArgs, placeCursorAfter, Running, stopCompletionCommand, type CompletionOutcome } from '../commands/completeText';
import { badge, requireEditor, type PredictionServices } from '../commands/predictionServices';
import { CompletionStream } from '../editor/completionStream';
import type { GenerateOptions, GenerationStep } from '../engine/tasks/taskTypes';
import type { FeatureFactory } from '../feature';
import type { ModelInfo } from '../models/modelTypes';
import { describeTaskError, isCancelled, runTask, showTaskError, type TaskProgress } from '../models/taskRunner';
import { mergeGenerateOptions, optionsForStrategy, readGenerationSettings } from '../models/taskSettings';
import type { ConnectionHandlers } from './connection';
import { checkEmpty } from './messageChecks';
import { checkRerun } from './predictionMessageChecks';
import { PanelBase, type PanelContext } from './panelBase';
import type { CompletionChannel, CompletionPanelState, CompletionPayload } from '../protocol/prediction';
import { completionStrings } from './predictionStrings';

/** Complete Text, Stop Completion and the Completion panel. */
export const completionFeature: FeatureFactory = ({ panels, host, models }) => ({
  commands: {
    'transformerExplorer.completeText': completeTextCommand({ panels, host, models }),
    'transformerExplorer.stopCompletion': stopCompletionCommand(),
  },
  revive: { [CompletionPanel.viewType]: (panel, state) => CompletionPanel.revive(panels, panel, state) },
});

/** What the panel's knobs do; given by the Complete Text command. */
export interface CompletionActions {
  /** Generate again with `options` over the current ones. */
  rerun?(options: Partial<GenerateOptions>): void;
  stop?(): void;
}

/**
 * The Completion panel: per generated step the top-k next tokens before and after temperature /
 * top-k / top-p, the chosen one highlighted; the beam tree for beam search; strategy knobs that
 * generate again from the same prompt.
 */
export class CompletionPanel extends PanelBase<CompletionChannel> {
  static readonly viewType = 'transformerExplorer.completionPanel';
  private actions: CompletionActions = {};
  private payload: CompletionPayload | undefined;

  private constructor(ctx: PanelContext, panel: vscode.WebviewPanel) {
    super(ctx, panel, { script: 'completion.main', styles: ['base.css', 'predict.css', 'completion.css'], title: vscode.l10n.t('Completion') });
    this.connection.notify('panel/didInit', { strings: completionStrings() });
  }

  static get open(): CompletionPanel | undefined {
    return CompletionPanel.current();
  }

  static show(ctx: PanelContext, actions: CompletionActions): CompletionPanel {
    const target = CompletionPanel.revealOrCreate(ctx, vscode.l10n.t('Completion'), true, (panel) => new CompletionPanel(ctx, panel));
    target.actions = actions;
    return target;
  }

  static revive(ctx: PanelContext, panel: vscode.WebviewPanel, state: unknown): void {
    const saved = state as Partial<CompletionPanelState> | undefined;
    if (!saved?.payload || typeof saved.payload !== 'object') {
      panel.dispose();
      return;
    }
    const revived = new CompletionPanel(ctx, panel); // replaces the open one
    revived.update({ ...saved.payload, running: false });
  }

  get shown(): CompletionPayload | undefined {
    return this.payload;
  }

  setActions(actions: CompletionActions): void {
    this.actions = actions;
  }

  update(payload: CompletionPayload): void {
    this.payload = payload;
    this.connection.notify('completion/didChange', payload);
  }

  protected handlers(): ConnectionHandlers<CompletionChannel> {
    return {
      requests: {},
      notifications: {
        'completion/rerun': ({ options }) => this.actions.rerun?.(options),
        'completion/stop': () => this.actions.stop?.(),
      },
      checks: { requests: {}, notifications: { 'completion/rerun': checkRerun, 'completion/stop': checkEmpty } },
    };
  }
}

/**
 * "Complete Text": generates from the text before the cursor (or the selection) with the causal
 * model, streaming the tokens into the editor after it — cancellable (the notification's Cancel,
 * Escape, or typing in the document) and undone in one step. The Completion panel shows every
 * step's candidates; its knobs generate again from the same prompt, in the panel.
 */
export function completeTextCommand(services: PredictionServices) {
  return async (arg?: unknown): Promise<CompletionOutcome | undefined> => {
    const editor = requireEditor();
    if (!editor) return undefined;
    const args = parseCompletionArgs(arg);
    const doc = editor.document;
    const sel = editor.selection;
    const insertAt = sel.isEmpty ? sel.active : sel.end;
    const raw = sel.isEmpty ? doc.getText(new vscode.Range(new vscode.Position(0, 0), sel.active)) : doc.getText(sel);
    if (raw.trim() === '') {
      void vscode.window.showInformationMessage(vscode.l10n.t('Write or select some text first: the completion continues it.'));
      return undefined;
    }
    const options = optionsForStrategy(mergeGenerateOptions(readGenerationSettings(doc), args.options));
    let model: ModelInfo;
    try {
      model = await services.models.forRole('causal');
    } catch (error) {
      showTaskError(error);
      return undefined;
    }
    const prompt = await fitPrompt(services, model, raw, options.maxNewTokens);
    const panel = args.panel ? CompletionPanel.show(services.panels, {}) : CompletionPanel.open;
    const abort = Running.begin();
    const stream = new CompletionStream(editor, insertAt, () => abort.abort());
    let streamedSteps = 0;
    const payload: CompletionPayload = { model: badge(model), prompt, options, steps: [], running: true };
    const rerun = (next: Partial<GenerateOptions>): void => void rerunInPanel(services, model, prompt, optionsForStrategy(mergeGenerateOptions(options, next)));
    panel?.setActions({ rerun, stop: () => abort.abort() });
    panel?.update(payload);
    const throttledPanel = panelThrottle(() => panel?.update({ ...payload }));
    try {
      const onStep = (step: GenerationStep, task: TaskProgress): void => {
        streamedSteps++;
        payload.steps.push(step);
        if (options.strategy !== 'beam') void stream.write(step.text);
        task.report(vscode.l10n.t('{0} of {1} tokens', String(step.index + 1), String(options.maxNewTokens)));
        throttledPanel();
      };
      const result = await runTask({ title: vscode.l10n.t('Completing with {0}', model.label), abort }, (task) =>
        services.models.withRole('causal', (m) =>
          services.host.request('model/generate', { modelId: m.modelId, prompt, options }, {
            signal: task.signal,
            onProgress: (p) => (p.stage === 'generating' && p.step ? onStep(p.step, task) : task.host(p)),
          }),
        ),
      );
      const inserted = await stream.finish(result.text);
      placeCursorAfter(editor, insertAt, inserted, stream.interrupted);
      panel?.update({ ...payload, steps: result.steps, result, running: false });
      return { model: model.label, prompt, options, inserted, streamedSteps, finishReason: stream.interrupted ? 'interrupted' : result.finishReason, result };
    } catch (error) {
      const cancelled = isCancelled(error);
      const inserted = await stream.finish();
      placeCursorAfter(editor, insertAt, inserted, stream.interrupted);
      panel?.update({ ...payload, running: false, ...(cancelled ? {} : { error: describeTaskError(error) ?? '' }) });
      if (!cancelled) showTaskError(error);
      return { model: model.label, prompt, options, inserted, streamedSteps, finishReason: stream.interrupted ? 'interrupted' : 'cancelled' };
    } finally {
      stream.dispose();
      Running.end(abort);
    }
  };
}

/** The panel's "Generate again": same prompt, new options, shown in the panel only. */
async function rerunInPanel(services: PredictionServices, model: ModelInfo, prompt: string, options: GenerateOptions): Promise<void> {
  const panel = CompletionPanel.open;
  if (!panel) return;
  const abort = Running.begin();
  const payload: CompletionPayload = { model: badge(model), prompt, options, steps: [], running: true };
  const rerun = (next: Partial<GenerateOptions>): void => void rerunInPanel(services, model, prompt, optionsForStrategy(mergeGenerateOptions(options, next)));
  panel.setActions({ rerun, stop: () => abort.abort() });
  panel.update(payload);
  const throttled = panelThrottle(() => panel.update({ ...payload }));
  try {
    const result = await services.models.withRole('causal', (m) =>
      services.host.request('model/generate', { modelId: m.modelId, prompt, options }, {
        signal: abort.signal,
        onProgress: (p) => {
          if (p.stage === 'generating' && p.step) {
            payload.steps.push(p.step);
            throttled();
          }
        },
      }),
    );
    panel.update({ ...payload, steps: result.steps, result, running: false });
  } catch (error) {
    const cancelled = isCancelled(error);
    panel.update({ ...payload, running: false, ...(cancelled ? {} : { error: describeTaskError(error) ?? '' }) });
  } finally {
    Running.end(abort);
  }
}
