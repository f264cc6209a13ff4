import * as vscode from 'vscode';
import type { HeadChoice } from '../engine/attention/analysis';
import { readConfig } from '../config';
import type { TokenizerService } from '../editor/tokenizerService';
import type { FeatureFactory } from '../feature';
import { HostRequestError } from '../host/protocol';
import type { ModelHostService } from '../models/modelHostService';
import { describeModelError } from '../models/modelErrors';
import { checkCompareDraw, checkCompareRequest } from './attentionMessageChecks';
import type { ConnectionHandlers } from './connection';
import { checkEmpty } from './messageChecks';
import type { ModelInfo } from '../models/modelTypes';
import { defaultModelSpec } from '../models/taskSettings';
import { attentionSource } from './attentionSource';
import { computeAttention, modelView, type HostAnalysis } from './attentionCompute';
import type { AttentionCompareChannel, CompareColumn, ComparePanelState, ComparePayload, CompareRequest, DrawReport } from '../protocol/attention';
import { attentionStrings } from './attentionStrings';
import { PanelBase, type PanelContext } from './panelBase';

export type CompareRole = 'causal' | 'masked';

export interface CompareShown {
  text: string;
  columns: Array<{ role: CompareRole; spec: string; error?: string }>;
  drawn: Array<DrawReport & { role: CompareRole }>;
}

/**
 * "Compare BERT and GPT Attention" and its panel, revived after a window reload. The columns'
 * models: `{ causal, masked }` specs when given, else the roles' models (the active model when it
 * fits, else `transformerExplorer.defaultModels`).
 */
export const attentionCompareFeature: FeatureFactory = ({ panels, host, models }) => {
  const compareModels = (given: Partial<Record<string, unknown>>): CompareModels => ({
    use: (role, work) => {
      const spec = given[role];
      const named = typeof spec === 'string' && spec.trim() !== '' ? spec.trim() : undefined;
      return models.withModel(() => (named ? models.forSpec(named) : models.forRole(role)), work);
    },
    choose: () => models.choose(),
  });
  // The saved state comes from the webview: a saved spec is used again only when the settings
  // name it (the `model` setting or the role's default, read as Restricted Mode allows), or it is a
  // built-in model — never a path the webview alone names. Others fall back on the role's model.
  const settingsName = (role: CompareRole, spec: string): boolean => spec.startsWith('builtin:') || spec === readConfig().model || spec === defaultModelSpec(role);
  const savedModels = (specs: ComparePanelState['specs']): CompareModels =>
    compareModels(Object.fromEntries(Object.entries(specs ?? {}).filter(([role, spec]) => typeof spec === 'string' && settingsName(role as CompareRole, spec))));
  return {
    commands: { 'transformerExplorer.compareAttention': (arg?: unknown) => compareAttention(panels, host, compareModels(objectArg(arg)), arg) },
    revive: { [AttentionComparePanel.viewType]: (panel, state) => AttentionComparePanel.revive(panels, panel, state, host, savedModels) },
  };
};

function objectArg(arg: unknown): Record<string, unknown> {
  return typeof arg === 'object' && arg !== null ? (arg as Record<string, unknown>) : {};
}

/**
 * "Compare BERT and GPT Attention": the selection (or the cursor's paragraph, or `{ text }`)
 * through the masked and the causal model side by side. Resolves once both are drawn.
 */
async function compareAttention(ctx: PanelContext, host: ModelHostService, models: CompareModels, arg: unknown): Promise<CompareShown | undefined> {
  const given = objectArg(arg).text;
  const editor = vscode.window.activeTextEditor;
  const text = typeof given === 'string' && given.trim() !== '' ? given : editor ? attentionSource(editor)?.text : undefined;
  if (!text) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Select some text (or put the cursor in a paragraph) to see its attention.'));
    return undefined;
  }
  const panel = await AttentionComparePanel.show(ctx, host, ctx.tokenizers, models, text);
  const drawn = await panel.whenDrawn(30_000);
  return { text, columns: panel.columns.map(({ role, spec, error }) => ({ role, spec, ...(error ? { error } : {}) })), drawn };
}

/**
 * Runs `work` with the model of a role (the defaults of `transformerExplorer.defaultModels`, or
 * the specs asked for), loading it again once if the model host lost it meanwhile.
 */
export interface CompareModels {
  use<T>(role: CompareRole, work: (model: ModelInfo) => Promise<T>): Promise<T>;
  /** Lets the user choose the active model (the panel's "choose a model" link). */
  choose(): unknown;
}

interface Side {
  role: CompareRole;
  spec: string;
  model?: ModelInfo;
  analysis?: HostAnalysis;
  error?: string;
}

/**
 * "Compare BERT and GPT Attention": one text, a causal and a masked model side by side with the
 * same layer/head pickers (clamped to each model's own counts) — BERT sees everything, GPT only
 * the past.
 */
export class AttentionComparePanel extends PanelBase<AttentionCompareChannel> {
  static readonly viewType = 'transformerExplorer.attentionCompare';
  private sides: Side[] = [];
  private text = '';
  private readonly drawn = new vscode.EventEmitter<DrawReport & { role: CompareRole }>();
  private readonly reports = new Map<CompareRole, DrawReport & { role: CompareRole }>();
  private generation = 0;
  private models: CompareModels | undefined;

  private constructor(ctx: PanelContext, panel: vscode.WebviewPanel) {
    super(ctx, panel, {
      script: 'attentionCompare.main',
      styles: ['base.css', 'attention.css'],
      title: vscode.l10n.t('Attention: BERT vs GPT'),
    });
    this.register(this.drawn);
  }

  /** Opens (or reuses) the panel on `text` and computes both models' attention. */
  static async show(ctx: PanelContext, host: ModelHostService, tokenizers: TokenizerService, models: CompareModels, text: string): Promise<AttentionComparePanel> {
    const panel = AttentionComparePanel.revealOrCreate(ctx, vscode.l10n.t('Attention: BERT vs GPT'), false, (created) => new AttentionComparePanel(ctx, created));
    await panel.load(host, tokenizers, models, text);
    return panel;
  }

  /**
   * Brings back a panel VS Code restored after a window reload: the saved text through the saved
   * models again (`modelsFor` turns the saved specs into the columns' models).
   */
  static revive(ctx: PanelContext, panel: vscode.WebviewPanel, state: unknown, host: ModelHostService, modelsFor: (specs: ComparePanelState['specs']) => CompareModels): void {
    const saved = parseState(state);
    if (!saved) {
      panel.dispose(); // nothing was saved: no empty panel
      return;
    }
    const revived = new AttentionComparePanel(ctx, panel); // replaces the open one
    void revived.load(host, ctx.tokenizers, modelsFor(saved.specs), saved.text);
  }

  /** The draw reports of both columns once drawn (or what there is after `timeoutMs`). */
  whenDrawn(timeoutMs: number): Promise<Array<DrawReport & { role: CompareRole }>> {
    const done = (): boolean => this.sides.every((s) => s.error !== undefined || this.reports.has(s.role));
    if (done()) return Promise.resolve([...this.reports.values()]);
    return new Promise((resolve) => {
      const timer = setTimeout(() => (sub.dispose(), resolve([...this.reports.values()])), timeoutMs);
      const sub = this.drawn.event(() => {
        if (done()) {
          clearTimeout(timer);
          sub.dispose();
          resolve([...this.reports.values()]);
        }
      });
    });
  }

  get columns(): ReadonlyArray<{ role: CompareRole; spec: string; error?: string }> {
    return this.sides;
  }

  protected handlers(): ConnectionHandlers<AttentionCompareChannel> {
    return {
      requests: { 'compare/matrices': (p) => this.matrices(p) },
      notifications: {
        'model/choose': () => void this.models?.choose(),
        'view/didDraw': (r) => {
          this.reports.set(r.role, r);
          this.drawn.fire(r);
        },
      },
      checks: {
        requests: { 'compare/matrices': checkCompareRequest },
        notifications: { 'model/choose': checkEmpty, 'view/didDraw': checkCompareDraw },
      },
    };
  }

  private async load(host: ModelHostService, tokenizers: TokenizerService, models: CompareModels, text: string): Promise<void> {
    const generation = ++this.generation;
    this.models = models;
    this.text = text;
    this.reports.clear();
    this.sides = [];
    this.connection.notify('panel/didInit', { strings: attentionStrings(), text });
    this.connection.notify('status/didChange', { kind: 'loading', message: vscode.l10n.t('Computing attention…') });
    const sides: Side[] = [];
    for (const role of ['masked', 'causal'] as const) {
      const side: Side = { role, spec: role };
      try {
        const computed = await models.use(role, (model) => {
          side.model = model;
          side.spec = model.spec;
          return computeAttention(host, tokenizers, model, text, new AbortController().signal, () => models.use(role, async (m) => m));
        });
        side.analysis = computed.analysis;
      } catch (e) {
        if (e instanceof HostRequestError && e.code === 'cancelled') return;
        side.error = e instanceof Error && e.name === 'NoModelError' ? vscode.l10n.t('No model was chosen.') : describeModelError(e, side.spec);
      }
      sides.push(side);
    }
    if (generation !== this.generation) return;
    this.sides = sides;
    this.connection.notify('status/didChange', { kind: 'ready' });
    const first = await this.matrices({ layer: 0, head: 'mean', hideSpecial: false, mergeSubwords: false });
    if (generation === this.generation) this.connection.notify('compare/didChange', first);
  }

  /** Both columns' matrices for the request's layer and head (clamped to each model), from the model host. */
  private async matrices(p: CompareRequest): Promise<ComparePayload> {
    const columns = await Promise.all(
      this.sides.map(async (side): Promise<CompareColumn> => {
        if (!side.model || !side.analysis) return { role: side.role, spec: side.spec, error: side.error ?? '' };
        const a = side.analysis;
        const layer = Math.max(0, Math.min(a.numLayers - 1, Math.round(p.layer)));
        const head: HeadChoice = typeof p.head === 'number' ? (p.head < a.numHeads ? p.head : 'mean') : p.head;
        const view = await a.view(layer, [head], p);
        return { role: side.role, spec: side.spec, model: modelView(a.model), labels: view.labels, special: view.special, matrix: view.matrices[0], n: view.n, layer, head };
      }),
    );
    return { text: this.text, columns };
  }
}

function parseState(state: unknown): { text: string; specs: ComparePanelState['specs'] } | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const { text, specs } = state as Partial<ComparePanelState>;
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  const saved: NonNullable<ComparePanelState['specs']> = {};
  if (typeof specs === 'object' && specs !== null) {
    for (const role of ['causal', 'masked'] as const) if (typeof specs[role] === 'string' && specs[role] !== '') saved[role] = specs[role];
  }
  return { text, specs: saved };
}
