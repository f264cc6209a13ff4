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
import { keepsWindow } from '../engine/attention/cursorWindow';
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
import type { PageSpec } from './html';
import { checkEmpty } from './messageChecks';
import { Disposable } from '../util/disposable';
import { ViewBase } from './viewBase';
import type { PanelContext } from './webviewBase';
import { ATTENTION_VIEW_ID } from './viewTypes';
import { nextEvent } from '../util/nextEvent';
import { tokenAt } from '../engine/attention/tokenAtOffset';

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
 * A webview that shows the attention page (`attention.main`): the side view (`AttentionSideView`)
 * or the editor panel beside the text (`AttentionBesidePanel`). Each serves the controller's
 * handlers and tells it when its webview comes, goes, or is shown or hidden.
 */
export interface AttentionSurface {
  readonly kind: 'view' | 'panel';
  /** The channel to its webview while it is open. */
  readonly channel: WebviewConnection<AttentionViewChannel> | undefined;
  readonly visible: boolean;
  /** The last draw report of this webview. */
  readonly lastDraw: DrawReport | undefined;
}

/**
 * The attention viewer's one controller, shared by the side view and the panel beside the text:
 * the attention of the selection (or the cursor's paragraph) for the active model, following the
 * last active text editor (debounced; a newer selection cancels the request in flight). The
 * webviews ask for the matrices they draw; the controller keeps the analysis and the options (a
 * layer/head chosen in one webview is shown in the other).
 */
export class AttentionController extends Disposable {
  private readonly debouncer = this.register(new Debouncer(300, () => this.update()));
  private lastEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  private readonly surfaces = new Set<AttentionSurface>();
  /** Webviews opened while another was open, until they show the controller's options. */
  private readonly following = new WeakSet<WebviewConnection<AttentionViewChannel>>();
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
    private readonly ctx: PanelContext,
    private readonly models: ModelRegistry,
    private readonly host: ModelHostService,
  ) {
    super();
    this.register(vscode.window.onDidChangeActiveTextEditor((e) => (e && (this.lastEditor = e), this.schedule())));
    this.register(vscode.window.onDidChangeTextEditorSelection((e) => ((this.lastEditor = e.textEditor), this.schedule(), this.tellCursor())));
    this.register(vscode.workspace.onDidChangeTextDocument((e) => e.document === this.lastEditor?.document && this.schedule()));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(HEAD_VIEW_TOP_K)) this.notifyAll('view/didInit', { strings: attentionStrings(), headViewTopK: headViewTopK() });
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

  /** The page every surface loads. */
  static readonly page: Omit<PageSpec, 'title'> = { script: 'attention.main', styles: ['base.css', 'attention.css'] };

  /** Whether a webview is up (said `ready`) and one is visible. */
  get webviewState(): { ready: boolean; visible: boolean } {
    const all = [...this.surfaces];
    return { ready: all.some((s) => s.channel?.ready), visible: all.some((s) => s.visible) };
  }

  /** The text editor followed (the last active one). */
  get textEditor(): vscode.TextEditor | undefined {
    return this.lastEditor;
  }

  get shown(): ShownAttention | undefined {
    return this.shownValue;
  }

  /** The surface of `kind`, while its webview is open. */
  surface(kind: AttentionSurface['kind']): AttentionSurface | undefined {
    return [...this.surfaces].find((s) => s.kind === kind && s.channel);
  }

  /** The webview that answers for the viewer (image export): the visible panel, else the visible view, else any. */
  private get connection(): WebviewConnection<AttentionViewChannel> | undefined {
    const all = [...this.surfaces].filter((s) => s.channel);
    const best = all.find((s) => s.kind === 'panel' && s.visible) ?? all.find((s) => s.visible) ?? all[0];
    return best?.channel;
  }

  /** Sends a notification to every open webview. */
  private notifyAll<K extends keyof AttentionViewChannel['toWebview'] & string>(method: K, params: AttentionViewChannel['toWebview'][K]): void {
    for (const s of this.surfaces) s.channel?.notify(method, params);
  }

  /**
   * `surface` connected a new webview: say what it shows first (posted once it is ready) and fill
   * it. With another webview open, it starts at that one's layer/head and tab. Disposing the
   * result forgets the surface.
   */
  attach(surface: AttentionSurface, connection: WebviewConnection<AttentionViewChannel>): vscode.Disposable {
    const others = [...this.surfaces].some((s) => s !== surface && s.channel);
    this.surfaces.add(surface);
    if (others) this.following.add(connection);
    connection.notify('view/didInit', { strings: attentionStrings(), headViewTopK: headViewTopK() });
    if (others) connection.notify('tab/didRequest', { ...this.options });
    if (this.shownValue) connection.notify('attention/didChange', this.shownValue.payload);
    connection.notify('status/didChange', this.status);
    connection.notify('cursor/didMove', { token: this.cursorToken() });
    this.tellLayout(true);
    this.schedule(0);
    return {
      dispose: () => {
        this.surfaces.delete(surface);
        this.tellLayout();
      },
    };
  }

  /** A surface was shown or hidden. */
  surfaceDidChangeVisibility(): void {
    this.schedule();
    this.tellLayout();
  }

  /** The token under the last editor's cursor in the shown text (the editor highlight's), or `null`. */
  private cursorToken(): number | null {
    const shown = this.shownValue;
    const editor = this.lastEditor;
    if (!shown || !editor || editor.document !== shown.document || editor.document.version !== shown.version) return null;
    return tokenAt(shown, editor.document.offsetAt(editor.selection.active) - shown.offset) ?? null;
  }

  private toldCursor: number | null | undefined;

  /** Tells the webviews the token under the cursor when it changed (they focus its row and keep it in view). */
  private tellCursor(force = false): void {
    const token = this.cursorToken();
    if (!force && token === this.toldCursor) return;
    this.toldCursor = token;
    this.notifyAll('cursor/didMove', { token });
  }

  private toldCompact: boolean | undefined;

  /** The side view is a compact companion while the panel beside the text is in view. */
  private tellLayout(force = false): void {
    const compact = [...this.surfaces].some((s) => s.kind === 'panel' && s.channel && s.visible);
    if (!force && compact === this.toldCompact) return;
    this.toldCompact = compact;
    for (const s of this.surfaces) if (s.kind === 'view') s.channel?.notify('layout/didChange', { compact });
  }

  /** One webview changed the options: the others follow (a webview answers with the same options, which stops there). */
  private optionsDidChange(from: WebviewConnection<AttentionViewChannel> | undefined, o: AttentionOptions): void {
    const changed = JSON.stringify(o) !== JSON.stringify(this.options);
    if (from && this.following.has(from)) {
      // A webview that opened beside another follows it: its first word is its restored options, not the user's.
      if (changed) return void from.notify('tab/didRequest', { ...this.options });
      this.following.delete(from);
    }
    this.options = o;
    this.optionsEmitter.fire(o);
    if (!changed) return;
    for (const s of this.surfaces) if (s.channel && s.channel !== from && s.channel.ready) s.channel.notify('tab/didRequest', { ...o });
  }

  /** What a webview may ask and say; `from` is the connection it arrives on. */
  handlers(from: () => WebviewConnection<AttentionViewChannel> | undefined): ConnectionHandlers<AttentionViewChannel> {
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
        'attention/grid': async (p) => this.analysisFor(p.analysis).grid(p.max, p, p.layer),
        'positions/get': (p) => this.positions(p.count),
        'snapshot/save': async (p) => ({ path: (await this.saveSnapshot(p))?.fsPath ?? null }),
        'image/save': async (p) => ({ path: (await writeImage(p.format, p.data, p.name))?.fsPath ?? null }),
      },
      notifications: {
        'options/didChange': (o) => this.optionsDidChange(from(), o),
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

  /** Resolves with the next draw report that `accept` takes (or the last one after `timeoutMs`). */
  whenDrawn(accept: (r: DrawReport) => boolean, timeoutMs: number): Promise<DrawReport | undefined> {
    // Each webview's last draw, not only the last of all: the one asked for may have drawn before the other.
    const drawn = [this.lastDraw, ...[...this.surfaces].map((s) => s.lastDraw)].find((r) => r !== undefined && accept(r));
    if (drawn) return Promise.resolve(drawn);
    return nextEvent(this.drawEmitter.event, accept, timeoutMs, () => this.lastDraw);
  }

  /** Shows a tab (and, for tests and commands, a layer/head); the webview draws it and reports. */
  showTab(tab: AttentionTab, patch: Partial<AttentionOptions> = {}): void {
    this.options = { ...this.options, ...patch, tab };
    // The whole options, not the patch: the two webviews then show the same view (a patch would keep their differences).
    this.notifyAll('tab/didRequest', { ...this.options });
  }

  showSnapshot(snapshot: AttentionSnapshot): void {
    this.notifyAll('snapshot/didOpen', snapshot);
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
    if (this.webviewState.visible) {
      this.scheduled = true;
      this.debouncer.trigger(delayMs);
    }
  }

  /** Resolves once no update is waiting or running (or after `timeoutMs`). */
  async settled(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await new Promise((r) => setTimeout(r, 50));
    const busy = (): boolean => !this.surfaces.size || this.scheduled || this.running > 0 || this.status.kind === 'loading';
    while (busy() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }

  private setStatus(status: AttentionStatus): void {
    this.status = status;
    this.notifyAll('status/didChange', status);
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
    if (!this.webviewState.visible) return;
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
    if (key === this.shownKey && this.shownValue && keepsWindow(this.shownValue.window, source.cursor)) {
      if (this.shownValue.version !== source.document.version) {
        this.shownValue.version = source.document.version;
        this.tellCursor();
      }
      if (this.status.kind !== 'ready') this.setStatus({ kind: 'ready' });
      return;
    }
    const generation = ++this.generation;
    this.inFlight?.abort();
    const abort = new AbortController();
    this.inFlight = abort;
    this.setStatus({ kind: 'loading', message: vscode.l10n.t('Computing attention…') });
    try {
      // The host may lose the model under the analysis (evicted to make room for others, or the
      // host restarted): the analysis is made again on the active model, loaded again if need be.
      const reload = async (): Promise<ModelInfo> => {
        this.models.forget(model);
        const again = await this.models.ensureActive();
        if (!again) throw new Error(vscode.l10n.t('No model is chosen. Choose GPT-2, BERT or a model folder to see its attention.'));
        return again;
      };
      const computed = await computeAttention(this.host, this.ctx.tokenizers, model, source, abort.signal, reload);
      if (generation !== this.generation) return;
      const id = this.nextAnalysis++;
      const payload: AttentionPayload = {
        analysis: id,
        model: modelView(model),
        source: source.label,
        text: computed.text,
        tokens: computed.tokens.map(({ token, start, end, special }) => ({ token, start, end, special })),
        ...(computed.windowView ? { window: computed.windowView } : {}),
        modelMs: computed.modelMs,
      };
      this.shownValue = { ...computed, id, document: source.document, version: source.document.version, offset: source.offset + computed.window.start, model, payload };
      this.shownKey = key;
      this.notifyAll('attention/didChange', payload);
      this.setStatus({ kind: 'ready' });
      this.tellCursor(true);
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

/**
 * The "Attention" view of the side bar: the controller's page in a side view, a compact companion
 * of the panel beside the text (its layer/head, a small map, the controls) or the whole viewer
 * when the user gives it room (moved to the panel area or the secondary side bar).
 */
export class AttentionSideView extends ViewBase<AttentionViewChannel> implements AttentionSurface {
  readonly kind = 'view';
  lastDraw: DrawReport | undefined;

  constructor(
    ctx: PanelContext,
    private readonly controller: AttentionController,
  ) {
    super(ctx, { ...AttentionController.page, title: vscode.l10n.t('Attention') });
  }

  get visible(): boolean {
    return this.view?.visible ?? false;
  }

  get channel(): WebviewConnection<AttentionViewChannel> | undefined {
    return this.connection;
  }

  protected handlers(): ConnectionHandlers<AttentionViewChannel> {
    return surfaceHandlers(this, this.controller);
  }

  protected viewDidResolve(connection: WebviewConnection<AttentionViewChannel>): void {
    this.forWebview(this.controller.attach(this, connection));
  }

  protected viewDidChangeVisibility(): void {
    this.controller.surfaceDidChangeVisibility();
  }
}

/** The controller's handlers, with the surface's own draw report kept. */
export function surfaceHandlers(surface: { readonly channel: WebviewConnection<AttentionViewChannel> | undefined; lastDraw: DrawReport | undefined }, controller: AttentionController): ConnectionHandlers<AttentionViewChannel> {
  const handlers = controller.handlers(() => surface.channel);
  const didDraw = handlers.notifications['view/didDraw'];
  return {
    ...handlers,
    notifications: {
      ...handlers.notifications,
      'view/didDraw': (r) => {
        surface.lastDraw = r;
        didDraw(r);
      },
    },
  };
}
