import * as vscode from 'vscode';
import { CommandId } from '../commands/commandIds';
import type { AttentionStepsResult } from '../engine/inside/insideTypes';
import { tokenAt } from '../engine/attention/tokenAtOffset';
import { selectionOrLine } from '../editor/textSource';
import type { FeatureFactory } from '../feature';
import type { ModelInfo } from '../models/modelTypes';
import { describeTaskError, isCancelled, runTask, showTaskError } from '../models/taskRunner';
import type { AttentionStepsChannel, AttentionStepsPanelState, AttentionStepsPayload, AttentionStepsStatus, StepsDrawReport, StepsSelection } from '../protocol/attentionSteps';
import { Debouncer } from '../util/debounce';
import { checkStepsDrawReport, checkStepsSelection } from './attentionStepsMessageChecks';
import { attentionStepsStrings, attentionStepsTitle } from './attentionStepsStrings';
import type { ConnectionHandlers } from './connection';
import { PanelBase, type PanelContext } from './panelBase';
import { nextEvent } from '../util/nextEvent';

/** Longest text the panel follows (characters): one sentence or a few; longer texts are the Attention view's. */
const MAX_STEPS_CHARS = 4000;

/** The text the panel follows, and where it lies in its document (none after a window reload). */
export interface StepsSource {
  text: string;
  /** Localized: "Selection", "Line 3". */
  label: string;
  document?: vscode.TextDocument;
  /** Document offset of the text's first character. */
  offset: number;
  /** The document's version the text was read at. */
  version?: number;
}

/** What a computation is asked for: the text, the layer and head, and the query (a token, or the token at a character of the text). */
export interface StepsRequest {
  text: string;
  layer: number;
  head: number;
  /** The query token's position; when absent, the token at `cursor` (else the first token). */
  query?: number;
  /** A character offset in `text`. */
  cursor?: number;
}

/** Runs `model/attentionSteps` on the active model (else the default causal one) under the task runner. */
export type StepsCompute = (request: StepsRequest, options: { quiet: boolean; abort: AbortController }) => Promise<{ model: ModelInfo; result: AttentionStepsResult }>;

/** What "Show Attention Step by Step" resolves to (tests read it): the payload shown and what the page drew. */
export interface AttentionStepsShown {
  payload: AttentionStepsPayload;
  drawn: StepsDrawReport | undefined;
}

/**
 * "Show Attention Step by Step" and its panel, revived after a window reload. The model is the
 * active one whatever its family, else the default causal model (as the Attention view does).
 */
export const attentionStepsFeature: FeatureFactory = ({ panels, host, models }) => {
  const compute: StepsCompute = (request, { quiet, abort }) =>
    models.withActiveOr('causal', (model) =>
      runTask({ title: vscode.l10n.t('Attention step by step with {0}', model.label), quiet, abort }, async (task) => {
        const run = (query: number): Promise<AttentionStepsResult> =>
          host.request(
            'model/attentionSteps',
            { modelId: model.modelId, text: request.text, layer: Math.min(request.layer, model.numLayers - 1), head: Math.min(request.head, model.numHeads - 1), query },
            { signal: task.signal, onProgress: (p) => task.host(p) },
          );
        let result = await run(request.query ?? 0);
        // The token at the cursor is known once the model's tokens are: a second request (the run is cached).
        const atCursor = request.query === undefined && request.cursor !== undefined ? (tokenAt(result, request.cursor) ?? lastToken(result)) : undefined;
        if (atCursor !== undefined && atCursor !== result.query) result = await run(atCursor);
        return { model, result };
      }),
    );
  return {
    commands: {
      'transformerExplorer.showAttentionSteps': (arg?: unknown) => showAttentionSteps(panels, compute, arg),
      [CommandId.AttentionStepsState]: (): AttentionStepsShown | undefined => AttentionStepsPanel.open?.state,
    },
    revive: { [AttentionStepsPanel.viewType]: (panel, state) => AttentionStepsPanel.revive(panels, panel, state, compute) },
  };
};

/** The last token that is not special (the cursor at the end of a selection is past its last token). */
function lastToken(result: AttentionStepsResult): number {
  for (let i = result.tokens.length - 1; i >= 0; i--) if (!result.tokens[i].special) return i;
  return 0;
}

/** The command's argument: `{ text, layer, head, query, uri, offset, label }`, each optional. */
interface StepsArg {
  text?: string;
  layer?: number;
  head?: number;
  query?: number;
  /** The document `text` comes from, and its offset there (the Attention view's button). */
  uri?: string;
  offset?: number;
  label?: string;
}

function parseArg(arg: unknown): StepsArg {
  if (typeof arg !== 'object' || arg === null) return {};
  const a = arg as Record<string, unknown>;
  const index = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
  const parsed: StepsArg = {};
  for (const [key, value] of [['text', text(a.text)], ['uri', text(a.uri)], ['label', text(a.label)]] as const) if (value !== undefined) parsed[key] = value;
  for (const [key, value] of [['layer', index(a.layer)], ['head', index(a.head)], ['query', index(a.query)], ['offset', index(a.offset)]] as const) if (value !== undefined) parsed[key] = value;
  return parsed;
}

/** The text to follow, from the argument (with its document when named) or the editor: the selection, else the cursor's line. */
function sourceOf(a: StepsArg): { source: StepsSource; cursor?: number } | undefined {
  const editor = vscode.window.activeTextEditor;
  if (a.text !== undefined) {
    const document = a.uri ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === a.uri) : undefined;
    const offset = a.offset ?? 0;
    const source: StepsSource = { text: a.text, label: a.label ?? vscode.l10n.t('Selection'), offset, ...(document ? { document, version: document.version } : {}) };
    const cursor = document && editor?.document === document ? document.offsetAt(editor.selection.active) - offset : undefined;
    return { source, ...(cursor !== undefined && cursor >= 0 && cursor <= a.text.length ? { cursor } : {}) };
  }
  if (!editor) return undefined;
  const picked = selectionOrLine(editor);
  const { document } = editor;
  const offset = document.offsetAt(picked.range.start);
  const label = picked.kind === 'line' ? vscode.l10n.t('Line {0}', picked.range.start.line + 1) : vscode.l10n.t('Selection');
  return { source: { text: picked.text, label, document, offset, version: document.version }, cursor: document.offsetAt(editor.selection.active) - offset };
}

/**
 * "Show Attention Step by Step": the selection (or the cursor's line) through one head of one
 * layer for one query token (`query`, else the token at the cursor), stage by stage. Resolves once
 * the panel has drawn it.
 */
async function showAttentionSteps(ctx: PanelContext, compute: StepsCompute, arg: unknown): Promise<AttentionStepsShown | undefined> {
  const a = parseArg(arg);
  const picked = sourceOf(a);
  if (!picked || picked.source.text.trim() === '') {
    void vscode.window.showInformationMessage(vscode.l10n.t('Select a sentence (or put the cursor on a line) to follow its attention step by step.'));
    return undefined;
  }
  if (picked.source.text.length > MAX_STEPS_CHARS) {
    void vscode.window.showErrorMessage(vscode.l10n.t('The text is too long to follow step by step ({0} characters, at most {1}): select a sentence.', picked.source.text.length, MAX_STEPS_CHARS));
    return undefined;
  }
  const shown = AttentionStepsPanel.open?.shown?.result;
  const request: StepsRequest = {
    text: picked.source.text,
    layer: a.layer ?? shown?.layer ?? 0,
    head: a.head ?? shown?.head ?? 0,
    ...(a.query !== undefined ? { query: a.query } : picked.cursor !== undefined ? { cursor: picked.cursor } : {}),
  };
  try {
    const { model, result } = await compute(request, { quiet: false, abort: new AbortController() });
    const payload = payloadOf(model, picked.source, result);
    const panel = AttentionStepsPanel.show(ctx, compute, picked.source, payload);
    const drawn = await panel.whenDrawn((r) => r.id === payload.id, 30_000);
    return { payload, drawn: drawn?.id === payload.id ? drawn : undefined };
  } catch (error) {
    showTaskError(error);
    return undefined;
  }
}

/** Numbers the payloads of every panel: a draw report names the one it drew. */
let nextPayload = 1;

function payloadOf(model: ModelInfo, source: StepsSource, result: AttentionStepsResult): AttentionStepsPayload {
  return { id: nextPayload++, model: { label: model.label, family: model.family, causal: model.family === 'gpt2' }, source: source.label, text: source.text, result };
}

/**
 * The "Attention, step by step" panel: x_i → q_i, k_j, v_j → q_i·k_j → ÷√d_k → mask → softmax
 * (checked against the model's row) → Σ_j a_ij v_j → heads concatenated and projected. The page
 * chooses the layer, the head and the query token; the panel also follows the editor: the cursor
 * moving onto another token of the text changes the query, an edit of the text runs it again.
 */
export class AttentionStepsPanel extends PanelBase<AttentionStepsChannel> {
  static readonly viewType = 'transformerExplorer.attentionSteps';
  private source: StepsSource | undefined;
  private payload: AttentionStepsPayload | undefined;
  private inFlight: AbortController | undefined;
  private generation = 0;
  private lastDraw: StepsDrawReport | undefined;
  private readonly drawEmitter = this.register(new vscode.EventEmitter<StepsDrawReport>());
  private readonly followCursor = this.register(new Debouncer(150, () => this.cursorMoved()));
  private readonly followEdits = this.register(new Debouncer(500, () => this.textEdited()));

  private constructor(
    ctx: PanelContext,
    panel: vscode.WebviewPanel,
    private readonly compute: StepsCompute,
  ) {
    super(ctx, panel, { script: 'attentionSteps.main', styles: ['base.css', 'attentionSteps.css'], title: attentionStepsTitle() });
    this.connection.notify('panel/didInit', { strings: attentionStepsStrings() });
    this.register(
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (this.source?.document && e.textEditor.document === this.source.document) this.followCursor.trigger();
      }),
    );
    this.register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.source?.document && e.document === this.source.document && e.contentChanges.length > 0) this.followEdits.trigger();
      }),
    );
  }

  /** The open panel, if any (commands and tests). */
  static get open(): AttentionStepsPanel | undefined {
    return AttentionStepsPanel.current();
  }

  /** Shows `payload` (computed on `source`) in the panel, opened beside the editor, the focus left there. */
  static show(ctx: PanelContext, compute: StepsCompute, source: StepsSource, payload: AttentionStepsPayload): AttentionStepsPanel {
    const target = AttentionStepsPanel.revealOrCreate(ctx, attentionStepsTitle(), true, (panel) => new AttentionStepsPanel(ctx, panel, compute));
    target.generation++; // a follow-up still running for the previous text is stale now
    target.inFlight?.abort();
    target.source = source;
    target.update(payload);
    return target;
  }

  /** After a reload: the saved payload again; other layers, heads and tokens run its text on the active model. */
  static revive(ctx: PanelContext, panel: vscode.WebviewPanel, state: unknown, compute: StepsCompute): void {
    const saved = (state as Partial<AttentionStepsPanelState> | undefined)?.payload;
    if (!saved || typeof saved !== 'object' || typeof saved.text !== 'string' || typeof saved.source !== 'string' || typeof saved.result !== 'object') {
      panel.dispose();
      return;
    }
    const revived = new AttentionStepsPanel(ctx, panel, compute); // replaces the open one
    revived.source = { text: saved.text, label: saved.source, offset: 0 };
    revived.update({ ...saved, id: nextPayload++ });
  }

  get shown(): AttentionStepsPayload | undefined {
    return this.payload;
  }

  /** What the panel shows and what its page last drew (tests read it through attentionStepsState). */
  get state(): AttentionStepsShown | undefined {
    const { payload, lastDraw } = this;
    return payload ? { payload, drawn: lastDraw?.id === payload.id ? lastDraw : undefined } : undefined;
  }

  /** Resolves with the next draw report `accept` takes (or the last one after `timeoutMs`). */
  whenDrawn(accept: (r: StepsDrawReport) => boolean, timeoutMs: number): Promise<StepsDrawReport | undefined> {
    if (this.lastDraw && accept(this.lastDraw)) return Promise.resolve(this.lastDraw);
    return nextEvent(this.drawEmitter.event, accept, timeoutMs, () => this.lastDraw);
  }

  protected handlers(): ConnectionHandlers<AttentionStepsChannel> {
    return {
      requests: {
        'steps/select': async (selection) => {
          const result = this.payload?.result;
          if (!result || !this.source) return { ok: false };
          if (selection.layer >= result.numLayers || selection.head >= result.numHeads || selection.query >= result.tokens.length) {
            throw new Error(vscode.l10n.t('No such layer or head in this model.'));
          }
          return { ok: await this.run(this.source, selection) };
        },
      },
      notifications: {
        'view/didDraw': (r) => {
          this.lastDraw = r;
          this.drawEmitter.fire(r);
        },
      },
      checks: { requests: { 'steps/select': checkStepsSelection }, notifications: { 'view/didDraw': checkStepsDrawReport } },
    };
  }

  private update(payload: AttentionStepsPayload): void {
    this.payload = payload;
    this.setStatus({ kind: 'ready' });
    this.connection.notify('steps/didChange', payload);
  }

  private setStatus(status: AttentionStepsStatus): void {
    this.connection.notify('status/didChange', status);
  }

  /**
   * Computes `selection` (or the token at `cursor`) on `source` in the window's status bar; a newer
   * run cancels this one. Failures show in the panel. Resolves whether it was shown.
   */
  private async run(source: StepsSource, selection: Omit<StepsSelection, 'query'> & { query?: number; cursor?: number }): Promise<boolean> {
    const generation = ++this.generation;
    this.inFlight?.abort();
    const abort = new AbortController();
    this.inFlight = abort;
    this.setStatus({ kind: 'loading', message: attentionStepsStrings().loading });
    try {
      const { model, result } = await this.compute({ text: source.text, ...selection }, { quiet: true, abort });
      if (generation !== this.generation) return false;
      this.source = source;
      this.update(payloadOf(model, source, result));
      return true;
    } catch (error) {
      if (generation !== this.generation || isCancelled(error)) return false;
      this.setStatus({ kind: 'error', message: describeTaskError(error) ?? vscode.l10n.t('No model was chosen.') });
      return false;
    } finally {
      if (this.inFlight === abort) this.inFlight = undefined;
    }
  }

  /** The cursor moved in the source document: onto another token of the text, that token becomes the query. */
  private cursorMoved(): void {
    const source = this.source;
    const result = this.payload?.result;
    const editor = vscode.window.activeTextEditor;
    if (!source?.document || !result || editor?.document !== source.document || source.document.version !== source.version) return;
    const offset = source.document.offsetAt(editor.selection.active) - source.offset;
    if (offset < 0 || offset > source.text.length) return;
    const query = tokenAt(result, offset);
    if (query === undefined || query === result.query) return;
    void this.run(source, { layer: result.layer, head: result.head, query });
  }

  /** The source document changed: the selection (or the cursor's line) is run again, its query the token at the cursor. */
  private textEdited(): void {
    const document = this.source?.document;
    const result = this.payload?.result;
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
    if (!document || !result || !editor) return;
    const picked = sourceOf({});
    if (!picked || picked.source.document !== document || picked.source.text.trim() === '' || picked.source.text.length > MAX_STEPS_CHARS) return;
    void this.run(picked.source, { layer: result.layer, head: result.head, ...(picked.cursor !== undefined ? { cursor: picked.cursor } : {}) });
  }
}
