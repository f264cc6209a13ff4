import * as path from 'node:path';
import * as vscode from 'vscode';
import { affects, readConfig, SettingKey } from '../config';
import { CommandId } from '../commands/commandIds';
import { Disposable } from '../util/disposable';
import { withoutPrefix } from './fallbackReason';
import type { ModelRegistry } from './modelRegistry';
import type { ModelInfo, ModelState } from './modelTypes';

/** What the item reads from the model service. */
type ModelStatusSource = Pick<ModelRegistry, 'active' | 'loading' | 'hostPid' | 'onDidChange'>;

/**
 * Status bar item: the active model and the device it actually runs on, a spinner while loading.
 * It is created at activation and shows the configured model; the model service, which lives in
 * the features bundle, is {@link attach}ed when that bundle loads.
 */
export class ModelStatusBar extends Disposable {
  private readonly item = this.register(
    vscode.window.createStatusBarItem('transformerExplorer.model', vscode.StatusBarAlignment.Right, 99),
  );
  private visible = false;
  private models: ModelStatusSource | undefined;

  constructor() {
    super();
    this.item.name = vscode.l10n.t('Transformer Explorer: model');
    this.item.command = CommandId.SelectModel;
    this.register(vscode.workspace.onDidChangeConfiguration((e) => affects(e, SettingKey.model) && this.update()));
    this.update();
  }

  /** Follows `models` from now on. */
  attach(models: ModelStatusSource): void {
    this.models = models;
    this.register(models.onDidChange(() => this.update()));
    this.update();
  }

  /** What the item shows now (returned by the model commands, read by tests). */
  state(): ModelState {
    return {
      active: this.models?.active,
      loading: this.models?.loading,
      hostPid: this.models?.hostPid,
      statusBar: { text: this.item.text, tooltip: typeof this.item.tooltip === 'string' ? this.item.tooltip : '', visible: this.visible },
    };
  }

  private update(): void {
    const loading = this.models?.loading;
    const active = this.models?.active;
    const configured = readConfig().model;
    if (loading) {
      this.show(`$(loading~spin) ${shortName(loading)}`, vscode.l10n.t('Loading model {0}…', loading));
    } else if (active) {
      this.show(`$(circuit-board) ${active.label} · ${deviceName(active.device)}`, tooltipFor(active));
    } else if (configured) {
      this.show(`$(circuit-board) ${shortName(configured)}`, vscode.l10n.t('Model {0}: not loaded yet (loads when a feature needs it). Click to choose another model.', configured));
    } else {
      this.item.hide();
      this.visible = false;
    }
  }

  private show(text: string, tooltip: string): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.show();
    this.visible = true;
  }
}

export function deviceName(device: 'cpu' | 'cuda'): string {
  return device === 'cuda' ? 'CUDA' : 'CPU';
}

/** `gpt2`, `org/name`, or the last folder name of a path. */
function shortName(spec: string): string {
  return path.isAbsolute(spec) || spec.startsWith('.') ? path.basename(spec) : spec;
}

function tooltipFor(model: ModelInfo): string {
  const lines = [
    vscode.l10n.t('Model {0} ({1}) runs on {2}.', model.label, model.family, deviceName(model.device)),
    vscode.l10n.t('{0} layers, {1} heads, context of {2} tokens, vocabulary of {3}.', String(model.numLayers), String(model.numHeads), String(model.contextLength), String(model.vocabSize)),
  ];
  if (model.fallbackReason) lines.push(vscode.l10n.t('CUDA unavailable, running on CPU: {0}', withoutPrefix(model.fallbackReason)));
  lines.push(vscode.l10n.t('Click to choose another model.'));
  return lines.join('\n');
}
