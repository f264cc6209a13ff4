import * as vscode from 'vscode';
import { affects, readConfig, SettingKey } from '../config';
import type { TextTokenizer } from '../engine/tokenizers/textTokenizer';
import { Debouncer } from '../util/debounce';
import { Disposable } from '../util/disposable';
import type { TokenizerService } from './tokenizerService';

/** Lines of context tokenized above and below what is visible, so boundaries at the edges are right. */
const MARGIN_LINES = 2;
/** At most this many characters are decorated per visible range (very long lines are cut). */
const MAX_DECORATED_CHARS = 200_000;

/**
 * "Token boundaries": alternating subtle backgrounds on the tokens of the visible text of every
 * visible editor, for the active tokenizer. Colours are theme colours contributed in package.json
 * (`transformerExplorer.tokenBackground.*`, `tokenBorder.*` for high contrast). Updates on scroll, edit and tokenizer change.
 */
export class TokenBoundaryDecorator extends Disposable {
  private readonly even = this.register(
    vscode.window.createTextEditorDecorationType({
      backgroundColor: new vscode.ThemeColor('transformerExplorer.tokenBackground.even'),
      border: '1px solid',
      borderColor: new vscode.ThemeColor('transformerExplorer.tokenBorder.even'),
      borderRadius: '2px',
    }),
  );
  private readonly odd = this.register(
    vscode.window.createTextEditorDecorationType({
      backgroundColor: new vscode.ThemeColor('transformerExplorer.tokenBackground.odd'),
      border: '1px solid',
      borderColor: new vscode.ThemeColor('transformerExplorer.tokenBorder.odd'),
      borderRadius: '2px',
    }),
  );
  private readonly scrolled = this.register(new Debouncer(100, () => this.refresh()));
  private readonly edited = this.register(new Debouncer(250, () => this.refresh()));
  private enabled = readConfig().tokenBoundaries.enabled;
  private generation = 0;

  constructor(private readonly tokenizers: TokenizerService) {
    super();
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affects(e, SettingKey.tokenBoundariesEnabled)) {
          this.enabled = readConfig().tokenBoundaries.enabled;
          void this.refresh();
        }
      }),
    );
    this.register(vscode.window.onDidChangeVisibleTextEditors(() => this.enabled && this.scrolled.trigger()));
    this.register(vscode.window.onDidChangeTextEditorVisibleRanges(() => this.enabled && this.scrolled.trigger()));
    this.register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.enabled && vscode.window.visibleTextEditors.some((ed) => ed.document === e.document)) {
          this.edited.trigger();
        }
      }),
    );
    this.register(tokenizers.onDidChangeActive(() => this.enabled && void this.refresh()));
    if (this.enabled) {
      void this.refresh();
    }
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  /** Redraws every visible editor (or clears them when turned off). */
  async refresh(): Promise<void> {
    const generation = ++this.generation;
    const editors = vscode.window.visibleTextEditors;
    if (!this.enabled) {
      for (const editor of editors) {
        editor.setDecorations(this.even, []);
        editor.setDecorations(this.odd, []);
      }
      return;
    }
    let tok: TextTokenizer;
    try {
      tok = await this.tokenizers.loadActive('background');
    } catch {
      return; // the status bar shows the tokenizer's error
    }
    if (generation !== this.generation || !this.enabled) {
      return;
    }
    for (const editor of editors) {
      this.decorate(editor, tok);
    }
  }

  private decorate(editor: vscode.TextEditor, tok: TextTokenizer): void {
    const { document } = editor;
    const even: vscode.Range[] = [];
    const odd: vscode.Range[] = [];
    for (const visible of mergedLineSpans(editor.visibleRanges, document.lineCount)) {
      const start = new vscode.Position(visible.first, 0);
      const end = document.lineAt(visible.last).range.end;
      const base = document.offsetAt(start);
      const text = document.getText(new vscode.Range(start, end)).slice(0, MAX_DECORATED_CHARS);
      let parity = 0;
      for (const t of tok.encode(text).tokens) {
        if (t.special || t.end <= t.start || /^[\r\n]+$/.test(text.slice(t.start, t.end))) {
          continue; // nothing visible to paint
        }
        const range = new vscode.Range(document.positionAt(base + t.start), document.positionAt(base + t.end));
        (parity++ % 2 === 0 ? even : odd).push(range);
      }
    }
    editor.setDecorations(this.even, even);
    editor.setDecorations(this.odd, odd);
  }
}

/** Visible ranges widened by a margin, as inclusive line spans, overlapping ones merged. */
function mergedLineSpans(ranges: readonly vscode.Range[], lineCount: number): Array<{ first: number; last: number }> {
  const spans = ranges
    .map((r) => ({
      first: Math.max(0, r.start.line - MARGIN_LINES),
      last: Math.min(lineCount - 1, r.end.line + MARGIN_LINES),
    }))
    .sort((a, b) => a.first - b.first);
  const merged: Array<{ first: number; last: number }> = [];
  for (const span of spans) {
    const previous = merged.at(-1);
    if (previous && span.first <= previous.last + 1) {
      previous.last = Math.max(previous.last, span.last);
    } else {
      merged.push({ ...span });
    }
  }
  return merged;
}
