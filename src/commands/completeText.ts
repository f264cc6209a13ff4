/**
 * What Complete Text (webviews/completionPanel.ts) runs with besides its panel: one run at a
 * time, the prompt cut to the model's context, the cursor placed after the text written.
 */
import * as vscode from 'vscode';
import type { GenerateOptions, GenerateResult } from '../engine/tasks/taskTypes';
import type { ModelInfo } from '../models/modelTypes';
import type { PredictionServices } from './predictionServices';

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
export function parseCompletionArgs(arg: unknown): { options: unknown; panel: boolean } {
  if (typeof arg !== 'object' || arg === null) return { options: undefined, panel: true };
  const o = arg as Record<string, unknown>;
  return { options: o['options'] ?? o, panel: o['panel'] !== false };
}

/** Panel updates while streaming: at most one per PANEL_UPDATE_MS (the final result always follows). */
const PANEL_UPDATE_MS = 100;

export function panelThrottle(update: () => void): () => void {
  let last = 0;
  return () => {
    const now = Date.now();
    if (now - last < PANEL_UPDATE_MS) return;
    last = now;
    update();
  };
}

/** One run at a time: a new Complete Text (or Stop) ends the one before. */
export class Running {
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
export function placeCursorAfter(editor: vscode.TextEditor, at: vscode.Position, inserted: string, interrupted: boolean): void {
  if (interrupted || inserted === '' || editor.document.isClosed) return;
  const end = editor.document.positionAt(editor.document.offsetAt(at) + inserted.length);
  try {
    editor.selection = new vscode.Selection(end, end);
  } catch {
    // The editor was closed meanwhile: its document keeps the text, nothing to place.
  }
}

/** The prompt cut from the left so that it leaves room for the new tokens in the model's context. */
export async function fitPrompt(services: PredictionServices, model: ModelInfo, prompt: string, maxNewTokens: number): Promise<string> {
  const tok = await services.panels.tokenizers.load(model.tokenizerSpec, 'background');
  const tokens = tok.encode(prompt).tokens.filter((t) => !t.special);
  const budget = Math.max(1, Math.min(model.contextLength - maxNewTokens, model.contextLength - 1, tokens.length));
  if (tokens.length <= budget) return prompt;
  return prompt.slice(tokens[tokens.length - budget].start);
}

