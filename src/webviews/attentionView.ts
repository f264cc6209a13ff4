import * as vscode from 'vscode';
import { affects, readConfig, SettingKey } from '../config';
import { sinusoidalEncoding, cosineSimilarityMatrix } from '../engine/attention/positional';
import type { AttentionSnapshot } from '../engine/attention/snapshot';
import { HostRequestError } from '../host/protocol';
import type { ModelHostService } from '../models/modelHostService';
import type { ModelRegistry } from '../models/modelRegistry';
import { describeModelError } from '../models/modelErrors';
import type { ModelInfo } from '../models/modelTypes';
import { Debouncer } from '../util/debounce';
import { computeAttention, modelView, type ComputedAttention } from './attentionCompute';
import { buildSnapshot, viewFileName, writeImage, writeSnapshot } from './attentionExport';
import type { AttentionOptions, AttentionPayload, AttentionStatus, AttentionTab, AttentionViewChannel, DrawReport, ImageFormat, PositionsResult } from '../protocol/attention';
import { attentionSource, type AttentionSource } from './attentionSource';
import { attentionStrings } from './attentionStrings';
import {
  checkAttentionOptions,
  checkDrawReport,
  checkGridRequest,
  checkImage,
  checkImageRendered,
  checkMatricesRequest,
  checkPositionsRequest,
  checkSnapshotSave,
  checkStepsOpen,
  fitsAnalysis,
} from './attentionMessageChecks';
import type { ConnectionHandlers, WebviewConnection } from './connection';
import { checkEmpty } from './messageChecks';
import { ViewBase } from './viewBase';
import type { PanelContext } from './webviewBase';
import { ATTENTION_VIEW_ID } from './viewTypes';

/** The analysis the view shows, with where its text lies in the document (for the editor highlight). */
export interface ShownAttention extends ComputedAttention {
  id: number;
  document: vscode.TextDocument;
  version: number;
  offset: number;
  model: ModelInfo;
  payload: AttentionPayload;
}

export const DEFAULT_ATTENTION_OPTIONS: AttentionOptions = { tab: 'heatmap', layer: 0, head: 'mean', heads: [0], hideSpecial: false, mergeSubwords: false };

/**
 * The "Attention" view of the side bar: the attention of the selection (or the cursor's
 * paragraph) for the active model, following the editor (debounced; a newer selection cancels the
 * request in flight). The webview asks for the matrices it draws; the view keeps the analysis.
 */
export class AttentionViewProvider extends ViewBase<AttentionViewChannel> {
  private readonly debouncer = this.register(new Debouncer(300, () => this.update()));
  private lastEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  private shownValue: ShownAttention | undefined;
  private shownKey = '';
  private inFlight: AbortController | undefined;
  private generation = 0;
  private nextAnalysis = 1;
  private nextImage = 1;
  private failedSpec: string | undefined;
  private scheduled = false;
  private running = 0;
  private readonly images = new Map<number, (r: { data: string; name: string }) => void>();
  private readonly analysisEmitter = this.register(new vscode.EventEmitter<ShownAttention | undefined>());
  readonly onDidChangeAnalysis = this.analysisEmitter.event;
  private readonly optionsEmitter = this.register(new vscode.EventEmitter<AttentionOptions>());
  readonly onDidChangeOptions = this.optionsEmitter.event;
  private readonly drawEmitter = this.register(new vscode.EventEmitter<DrawReport>());
  options: AttentionOptions = { ...DEFAULT_ATTENTION_OPTIONS };
  status: AttentionStatus = { kind: 'loading', message: '' };
  lastDraw: DrawReport | undefined;

  constructor(
    ctx: PanelContext,
    private readonly models: ModelRegistry,
    private readonly host: ModelHostService,
  ) {
    super(ctx, { script: 'attention.main', styles: ['base.css', 'attention.css'], title: vscode.l10n.t('Attention') });
    this.register(vscode.window.onDidChangeActiveTextEditor((e) => (e && (this.lastEditor = e), this.schedule())));
    this.register(vscode.window.onDidChangeTextEditorSelection((e) => ((this.lastEditor = e.textEditor), this.schedule())));
    this.register(vscode.workspace.onDidChangeTextDocument((e) => e.document === this.lastEditor?.document && this.schedule()));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(HEAD_VIEW_TOP_K)) this.connection?.notify('view/didInit', { strings: attentionStrings(), headViewTopK: headViewTopK() });
        if (affects(e, SettingKey.model)) {
          this.failedSpec = undefined;
          this.schedule(50);
        }
      }),
    );
    this.register(
      models.onDidChange(() => {
        if (models.active) this.failedSpec = undefined;
        this.schedule(50);
      }),
    );
  }

  /** Whether the webview is up (said `ready`) and its view visible. */
  get webviewState(): { ready: boolean; visible: boolean } {
    return { ready: this.connection?.ready ?? false, visible: this.view?.visible ?? false };
  }

  get shown(): ShownAttention | undefined {
    return this.shownValue;
  }

  protected handlers(): ConnectionHandlers<AttentionViewChannel> {
    return {
      requests: {
        'attention/matrices': async (p) => {
          const a = this.analysisFor(p.analysis);
          if (!fitsAnalysis(p, a.numLayers, a.numHeads)) throw new Error(vscode.l10n.t('No such layer or head in this model.'));
          // The model host keeps the analysis and answers with the matrices drawn (the rollout's products run there).
          const { n, labels, special, groups, matrices } = await a.view(p.layer, p.heads.length ? p.heads : ['mean'], p);
          return { n, labels, special, groups, matrices };
        },
        // Thumbnails of every head with the statistics, from the model host (they cross it as bytes).
        'attention/grid': async (p) => this.analysisFor(p.analysis).grid(p.max, p),
        'positions/get': (p) => this.positions(p.count),
        'snapshot/save': async (p) => ({ path: (await this.saveSnapshot(p))?.fsPath ?? null }),
        'image/save': async (p) => ({ path: (await writeImage(p.format, p.data, p.name))?.fsPath ?? null }),
      },
      notifications: {
        'options/didChange': (o) => {
          this.options = o;
          this.optionsEmitter.fire(o);
        },
        'model/choose': () => void this.models.choose(),
        'view/didDraw': (r) => {
          this.lastDraw = r;
          this.drawEmitter.fire(r);
        },
        'image/didRender': (r) => {
          this.images.get(r.id)?.({ data: r.data, name: r.name });
          this.images.delete(r.id);
        },
        'steps/open': (p) => void this.openSteps(p.layer, p.head),
      },
      checks: {
        requests: {
          'attention/matrices': checkMatricesRequest,
          'attention/grid': checkGridRequest,
          'positions/get': checkPositionsRequest,
          'snapshot/save': checkSnapshotSave,
          'image/save': checkImage,
        },
        notifications: {
          'options/didChange': checkAttentionOptions,
          'model/choose': checkEmpty,
          'view/didDraw': checkDrawReport,
          'image/didRender': checkImageRendered,
          'steps/open': checkStepsOpen,
        },
      },
    };
  }

  protected viewDidResolve(connection: WebviewConnection<AttentionViewChannel>): void {
    connection.notify('view/didInit', { strings: attentionStrings(), headViewTopK: headViewTopK() });
    if (this.shownValue) connection.notify('attention/didChange', this.shownValue.payload);
    connection.notify('status/didChange', this.status);
    this.schedule(0);
  }

  protected viewDidChangeVisibility(): void {
    this.schedule();
  }

  /** Resolves with the next draw report that `accept` takes (or the last one after `timeoutMs`). */
  whenDrawn(accept: (r: DrawReport) => boolean, timeoutMs: number): Promise<DrawReport | undefined> {
    if (this.lastDraw && accept(this.lastDraw)) return Promise.resolve(this.lastDraw);
    return new Promise((resolve) => {
      const timer = setTimeout(() => (sub.dispose(), resolve(this.lastDraw)), timeoutMs);
      const sub = this.drawEmitter.event((r) => {
        if (accept(r)) {
          clearTimeout(timer);
          sub.dispose();
          resolve(r);
        }
      });
    });
  }

  /** Shows a tab (and, for tests and commands, a layer/head); the webview draws it and reports. */
  showTab(tab: AttentionTab, patch: Partial<AttentionOptions> = {}): void {
    this.options = { ...this.options, ...patch, tab };
    this.connection?.notify('tab/didRequest', { tab, ...patch });
  }

  showSnapshot(snapshot: AttentionSnapshot): void {
    this.connection?.notify('snapshot/didOpen', snapshot);
  }

  /** Asks the webview for an image of the current view and writes it (dialog unless `target`). */
  async saveImage(format: ImageFormat, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const connection = this.connection;
    if (!connection?.ready) throw new Error(vscode.l10n.t('Open the Attention view first.'));
    const id = this.nextImage++;
    const rendered = await new Promise<{ data: string; name: string }>((resolve, reject) => {
      const timer = setTimeout(() => (this.images.delete(id), reject(new Error(vscode.l10n.t('The Attention view did not answer.')))), 20_000);
      this.images.set(id, (r) => (clearTimeout(timer), resolve(r)));
      connection.notify('image/didRequest', { id, format });
    });
    return writeImage(format, rendered.data, rendered.name, target);
  }

  async saveSnapshot(options: AttentionOptions = this.options, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const shown = this.shownValue;
    if (!shown) throw new Error(vscode.l10n.t('There is no attention to save: select some text first.'));
    const model = { ...shown.payload.model, spec: shown.model.spec };
    const layer = Math.min(options.layer, shown.analysis.numLayers - 1);
    if (typeof options.head === 'number' && options.head >= shown.analysis.numHeads) throw new Error(vscode.l10n.t('No such layer or head in this model.'));
    const view = await shown.analysis.view(layer, [options.head], options);
    const snapshot = buildSnapshot(shown.text, { labels: view.labels, n: view.n, matrix: view.matrices[0] }, model, { ...options, layer });
    return writeSnapshot(snapshot, viewFileName(model.label, { ...options, layer }), target);
  }

  /** "Step by step…": the Attention, step by step panel on the text shown, at `layer` and `head` (the query: the token at the cursor). */
  private openSteps(layer: number, head: number): Thenable<unknown> | undefined {
    const shown = this.shownValue;
    if (!shown) return undefined;
    const arg = { text: shown.text, uri: shown.document.uri.toString(), offset: shown.offset, label: shown.payload.source, layer, head };
    return vscode.commands.executeCommand('transformerExplorer.showAttentionSteps', arg);
  }

  private analysisFor(id: number) {
    if (!this.shownValue || this.shownValue.id !== id) throw new Error(vscode.l10n.t('The text changed meanwhile.'));
    return this.shownValue.analysis;
  }

  /** `count` in [2, 512] (its check clamps it). */
  private async positions(n: number): Promise<PositionsResult> {
    const model = this.models.active;
    let learned: PositionsResult['learned'];
    let learnedError: string | undefined;
    if (!model) learnedError = vscode.l10n.t('no model is chosen');
    else {
      try {
        const r = await this.host.request('model/positions', { modelId: model.modelId, rows: Math.min(n, model.contextLength) });
        const [rows, dim] = r.table.dims;
        const table = r.table.data as Float32Array;
        learned = { model: model.label, name: r.name, dim, table, cosine: cosineSimilarityMatrix(table, rows, dim) };
      } catch (e) {
        learnedError = e instanceof Error ? e.message : String(e);
      }
    }
    const dim = learned?.dim ?? 64;
    const count2 = learned ? learned.table.length / learned.dim : n;
    const sinusoidal = sinusoidalEncoding(count2, dim);
    return { count: count2, dim, sinusoidal, sinusoidalCosine: cosineSimilarityMatrix(sinusoidal, count2, dim), ...(learned ? { learned } : {}), ...(learnedError ? { learnedError } : {}) };
  }

  private schedule(delayMs?: number): void {
    if (this.view?.visible) {
      this.scheduled = true;
      this.debouncer.trigger(delayMs);
    }
  }

  /** Resolves once no update is waiting or running (or after `timeoutMs`). */
  async settled(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await new Promise((r) => setTimeout(r, 50));
    const busy = (): boolean => !this.connection || this.scheduled || this.running > 0 || this.status.kind === 'loading';
    while (busy() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }

  private setStatus(status: AttentionStatus): void {
    this.status = status;
    this.connection?.notify('status/didChange', status);
  }

  private async update(): Promise<void> {
    this.scheduled = false;
    this.running++;
    try {
      await this.updateNow();
    } finally {
      this.running--;
    }
  }

  private async updateNow(): Promise<void> {
    if (!this.connection || !this.view?.visible) return;
    // A webview panel in front (no active text editor) and nothing followed yet, e.g. after a
    // window reload: the text editor left visible beside it.
    const editor = vscode.window.activeTextEditor ?? this.lastEditor ?? vscode.window.visibleTextEditors.find((e) => attentionSource(e));
    const source = editor && !editor.document.isClosed ? attentionSource(editor) : undefined;
    if (!source) {
      // Keep showing the last analysis when the cursor leaves the text (e.g. to a blank line).
      if (!this.shownValue) this.setStatus({ kind: 'noEditor', message: vscode.l10n.t('Select some text (or put the cursor in a paragraph) to see its attention.') });
      else if (this.status.kind === 'loading') this.setStatus({ kind: 'ready' });
      return;
    }
    const spec = readConfig().model;
    if (this.models.loading) {
      this.setStatus({ kind: 'loading', message: vscode.l10n.t('Loading model {0}', this.models.loading) });
      return; // models.onDidChange schedules the next update
    }
    let model = this.models.active;
    // No model chosen: ensureActive falls back on the built-in causal model when it is installed.
    if (!model && spec !== this.failedSpec) {
      this.setStatus({ kind: 'loading', message: vscode.l10n.t('Loading model {0}', spec || vscode.l10n.t('the built-in GPT-2')) });
      try {
        model = await this.models.ensureActive();
      } catch (e) {
        this.failedSpec = spec;
        this.setStatus({ kind: 'error', message: describeModelError(e, spec) });
        return;
      }
    }
    if (!model) {
      if (this.status.kind !== 'error') this.setStatus({ kind: 'noModel', message: vscode.l10n.t('No model is chosen. Choose GPT-2, BERT or a model folder to see its attention.') });
      return;
    }
    await this.analyse(source, model);
  }

  private async analyse(source: AttentionSource, model: ModelInfo): Promise<void> {
    const key = `${model.modelId}\n${source.document.uri.toString()}\n${source.offset}\n${source.text}`;
    if (key === this.shownKey && this.shownValue) {
      if (this.shownValue.version !== source.document.version) this.shownValue.version = source.document.version;
      if (this.status.kind !== 'ready') this.setStatus({ kind: 'ready' });
      return;
    }
    const generation = ++this.generation;
    this.inFlight?.abort();
    const abort = new AbortController();
    this.inFlight = abort;
    this.setStatus({ kind: 'loading', message: vscode.l10n.t('Computing attention…') });
    try {
      const computed = await computeAttention(this.host, this.ctx.tokenizers, model, source.text, abort.signal);
      if (generation !== this.generation) return;
      const id = this.nextAnalysis++;
      const payload: AttentionPayload = {
        analysis: id,
        model: modelView(model),
        source: source.label,
        text: computed.text,
        tokens: computed.tokens.map(({ token, start, end, special }) => ({ token, start, end, special })),
        truncated: computed.truncated,
        modelMs: computed.modelMs,
      };
      this.shownValue = { ...computed, id, document: source.document, version: source.document.version, offset: source.offset, model, payload };
      this.shownKey = key;
      this.connection?.notify('attention/didChange', payload);
      this.setStatus({ kind: 'ready' });
      this.analysisEmitter.fire(this.shownValue);
    } catch (e) {
      if (generation !== this.generation || (e instanceof HostRequestError && e.code === 'cancelled')) return;
      this.setStatus({ kind: 'error', message: describeModelError(e, model.spec) });
    } finally {
      if (this.inFlight === abort) this.inFlight = undefined;
    }
  }
}

const HEAD_VIEW_TOP_K = 'transformerExplorer.attention.headViewTopK';

/** The head view's links per token (setting `attention.headViewTopK`; 0: all). */
function headViewTopK(): number {
  const k = Math.round(vscode.workspace.getConfiguration().get<number>(HEAD_VIEW_TOP_K, 5));
  return Number.isFinite(k) ? Math.max(0, Math.min(1024, k)) : 5;
}
