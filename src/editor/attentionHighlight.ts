import * as vscode from 'vscode';
import { tokenAt } from '../engine/attention/tokenAtOffset';
import { Disposable } from '../util/disposable';
import type { AttentionController, ShownAttention } from '../webviews/attentionView';

/** Steps of opacity: one decoration type each (a decoration's colour cannot vary per range). */
const LEVELS = 10;
const STATE_KEY = 'transformerExplorer.attentionHighlight.enabled';

/** What the highlight shows now (returned by the toggle command, read by tests). */
export interface AttentionHighlightState {
  enabled: boolean;
  /** The token under the cursor, or none. */
  token?: { index: number; token: string };
  /** Highlighted key tokens: index, weight and opacity level (1…10). */
  targets: Array<{ index: number; weight: number; level: number }>;
}

/**
 * In the editor, when the cursor is on a token of the text the Attention view analysed, the
 * tokens it attends to get a background whose opacity is the attention weight (relative to the
 * row's largest, so the strongest is always visible; the exact weight is in the hover) for the
 * view's layer and head (or mean / rollout). Toggled by a command; on by default.
 */
export class AttentionHighlighter extends Disposable {
  private readonly levels: vscode.TextEditorDecorationType[];
  private readonly focused: vscode.TextEditorDecorationType;
  private enabledValue: boolean;
  private stateValue: AttentionHighlightState;

  constructor(
    private readonly view: AttentionController,
    private readonly memento: vscode.Memento,
  ) {
    super();
    this.enabledValue = memento.get<boolean>(STATE_KEY, true);
    this.stateValue = { enabled: this.enabledValue, targets: [] };
    this.levels = Array.from({ length: LEVELS }, (_, k) => {
      const alpha = ((k + 1) / LEVELS) * 0.55;
      return this.register(
        vscode.window.createTextEditorDecorationType({
          dark: { backgroundColor: `rgba(255, 166, 60, ${alpha.toFixed(3)})` },
          light: { backgroundColor: `rgba(214, 110, 0, ${alpha.toFixed(3)})` },
          borderRadius: '2px',
          outlineColor: new vscode.ThemeColor('contrastActiveBorder'),
          outlineStyle: k >= LEVELS / 2 ? 'dotted' : 'none',
          outlineWidth: '1px',
        }),
      );
    });
    this.focused = this.register(
      vscode.window.createTextEditorDecorationType({ border: '1px solid', borderColor: new vscode.ThemeColor('editorCursor.foreground'), borderRadius: '2px' }),
    );
    this.register(vscode.window.onDidChangeTextEditorSelection((e) => void this.update(e.textEditor)));
    this.register(view.onDidChangeAnalysis(() => void this.updateActive()));
    this.register(view.onDidChangeOptions(() => void this.updateActive()));
  }

  get enabled(): boolean {
    return this.enabledValue;
  }

  get state(): AttentionHighlightState {
    return this.stateValue;
  }

  async toggle(on = !this.enabledValue): Promise<AttentionHighlightState> {
    this.enabledValue = on;
    await this.memento.update(STATE_KEY, on);
    await this.updateActive();
    return this.stateValue;
  }

  private async updateActive(): Promise<void> {
    await Promise.all(vscode.window.visibleTextEditors.map((editor) => this.update(editor)));
  }

  private clear(editor: vscode.TextEditor): void {
    for (const d of this.levels) editor.setDecorations(d, []);
    editor.setDecorations(this.focused, []);
  }

  /** Bumped by every update of an editor: an update whose row arrives after a newer one started draws nothing. */
  private readonly updates = new WeakMap<vscode.TextEditor, number>();

  private async update(editor: vscode.TextEditor): Promise<void> {
    const update = (this.updates.get(editor) ?? 0) + 1;
    this.updates.set(editor, update);
    const shown = this.view.shown;
    const onText = shown && editor.document === shown.document && editor.document.version === shown.version;
    if (!this.enabledValue || !onText) {
      this.clear(editor);
      if (!onText || editor === vscode.window.activeTextEditor) this.stateValue = { enabled: this.enabledValue, targets: [] };
      return;
    }
    const index = tokenAt(shown, editor.document.offsetAt(editor.selection.active) - shown.offset);
    if (index === undefined) {
      this.clear(editor);
      this.stateValue = { enabled: true, targets: [] };
      return;
    }
    const { layer, head } = this.view.options;
    const a = shown.analysis;
    let weights: Float32Array;
    try {
      // The row of the token under the cursor, from the analysis the model host keeps.
      weights = await a.row(Math.min(layer, a.numLayers - 1), typeof head === 'number' && head >= a.numHeads ? 'mean' : head, index);
    } catch {
      return; // the model went away meanwhile: the view's next analysis brings a new highlight
    }
    if (update !== this.updates.get(editor) || this.view.shown !== shown || editor.document.version !== shown.version) return;
    let max = 0;
    for (const w of weights) max = Math.max(max, w);
    const byLevel: vscode.DecorationOptions[][] = this.levels.map(() => []);
    const targets: AttentionHighlightState['targets'] = [];
    const from = shown.tokens[index];
    const headText = head === 'mean' ? vscode.l10n.t('mean over heads') : head === 'rollout' ? vscode.l10n.t('rollout') : vscode.l10n.t('head {0}', head);
    shown.tokens.forEach((t, j) => {
      const w = weights[j];
      if (t.special || t.start === t.end || !(w > 0) || !(max > 0)) return;
      const level = Math.max(1, Math.round((w / max) * LEVELS));
      if (w / max < 0.02) return;
      const range = new vscode.Range(editor.document.positionAt(shown.offset + t.start), editor.document.positionAt(shown.offset + t.end));
      const hoverMessage = new vscode.MarkdownString(vscode.l10n.t('Attention from “{0}”: {1} (layer {2}, {3})', shown.text.slice(from.start, from.end), w.toFixed(3), layer, headText));
      byLevel[level - 1].push({ range, hoverMessage });
      targets.push({ index: j, weight: w, level });
    });
    this.levels.forEach((d, k) => editor.setDecorations(d, byLevel[k]));
    editor.setDecorations(this.focused, [new vscode.Range(editor.document.positionAt(shown.offset + from.start), editor.document.positionAt(shown.offset + from.end))]);
    this.stateValue = { enabled: true, token: { index, token: from.token }, targets };
  }
}

