import * as vscode from 'vscode';
import type { GenerateOptions, GenerateResult, GenerationStep } from '../engine/tasks/taskTypes';
import { CompletionStream } from '../editor/completionStream';
import { mergeGenerateOptions, optionsForStrategy, readGenerationSettings } from '../models/taskSettings';
import type { ModelInfo } from '../models/modelTypes';
import { describeTaskError, isCancelled, runTask, showTaskError, type TaskProgress } from '../models/taskRunner';
import { CompletionPanel } from '../webviews/completionPanel';
import type { CompletionPayload } from '../protocol/prediction';
import { badge, requireEditor, type PredictionServices } from './predictionServices';

/** Context key set while a completion streams into an editor (Escape stops it). */
export const COMPLETING_CONTEXT = 'transformerExplorer.completing';

/** What Complete Text resolves to (tests read it). */
export interface CompletionOutcome {
  model: string;
  prompt: string;
  options: GenerateOptions;
  /** What was written into the editor. */
  inserted: string;
  /** Tokens streamed before the end (each one an editor update). */
  streamedSteps: number;
  finishReason: GenerateResult['finishReason'] | 'interrupted';
  result?: GenerateResult;
}

/** Optional argument: generation options over the settings, and `panel: false` to keep the panel closed. */
function parseArgs(arg: unknown): { options: unknown; panel: boolean } {
  if (typeof arg !== 'object' || arg === null) return { options: undefined, panel: true };
  const o = arg as Record<string, unknown>;
  return { options: o['options'] ?? o, panel: o['panel'] !== false };
}

/** Panel updates while streaming: at most one per PANEL_UPDATE_MS (the final result always follows). */
const PANEL_UPDATE_MS = 100;

function panelThrottle(update: () => void): () => void {
  let last = 0;
  return () => {
    const now = Date.now();
    if (now - last < PANEL_UPDATE_MS) return;
    last = now;
    update();
  };
}

/** One run at a time: a new Complete Text (or Stop) ends the one before. */
class Running {
  private static current: AbortController | undefined;

  static begin(): AbortController {
    Running.current?.abort();
    const abort = new AbortController();
    Running.current = abort;
    void vscode.commands.executeCommand('setContext', COMPLETING_CONTEXT, true);
    return abort;
  }

  static end(abort: AbortController): void {
    if (Running.current !== abort) return;
    Running.current = undefined;
    void vscode.commands.executeCommand('setContext', COMPLETING_CONTEXT, false);
  }

  static stop(): boolean {
    const running = Running.current;
    running?.abort();
    return running !== undefined;
  }
}

/** "Stop Completion" (Escape while completing). Resolves to true when one was running. */
export function stopCompletionCommand() {
  return (): boolean => {
    const stopped = Running.stop();
    if (!stopped) void vscode.window.showInformationMessage(vscode.l10n.t('No completion is running.'));
    return stopped;
  };
}

/** The cursor after the completion, as if it had been typed (unless the user took over). */
function placeCursorAfter(editor: vscode.TextEditor, at: vscode.Position, inserted: string, interrupted: boolean): void {
  if (interrupted || inserted === '' || editor.document.isClosed) return;
  const end = editor.document.positionAt(editor.document.offsetAt(at) + inserted.length);
  try {
    editor.selection = new vscode.Selection(end, end);
  } catch {
    // The editor was closed meanwhile: its document keeps the text, nothing to place.
  }
}

/** The prompt cut from the left so that it leaves room for the new tokens in the model's context. */
async function fitPrompt(services: PredictionServices, model: ModelInfo, prompt: string, maxNewTokens: number): Promise<string> {
  const tok = await services.panels.tokenizers.load(model.tokenizerSpec, 'background');
  const tokens = tok.encode(prompt).tokens.filter((t) => !t.special);
  const budget = Math.max(1, Math.min(model.contextLength - maxNewTokens, model.contextLength - 1, tokens.length));
  if (tokens.length <= budget) return prompt;
  return prompt.slice(tokens[tokens.length - budget].start);
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
    const args = parseArgs(arg);
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
