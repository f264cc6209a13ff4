import * as vscode from 'vscode';
import { affects, readConfig, SettingKey } from '../config';
import { CommandId } from '../commands/commandIds';
import { Debouncer } from '../util/debounce';
import { describeError } from '../util/errors';
import { Disposable } from '../util/disposable';
import { countInSlices } from './countInSlices';
import { displayName, tokenizerLabel, type TokenizerService } from './tokenizerService';

/**
 * Above this many characters a document is not counted: encoding runs on the extension host's
 * thread (about 0.3 µs per character of prose for GPT-2, up to 5 µs in one long word), in slices
 * of a few milliseconds (countInSlices.ts) so the editor and other extensions keep running, but a
 * multi-megabyte file would keep it busy for seconds after every pause in typing. The status bar
 * says so instead.
 */
export const MAX_COUNTED_CHARS = 1_000_000;
/** Documents above this size are recounted only after a longer pause in typing. */
const LARGE_DOCUMENT_CHARS = 100_000;

/** What the item shows (for tests: the `tokenCountState` command). */
export interface TokenCountState {
  visible: boolean;
  text: string;
  tooltip: string;
}

interface DocumentCount {
  version: number;
  spec: string;
  count: number;
}

/** Status bar item: token count of the selection, or of the document when nothing is selected. */
export class TokenCountStatusBar extends Disposable {
  private readonly item = this.register(
    vscode.window.createStatusBarItem('transformerExplorer.tokenCount', vscode.StatusBarAlignment.Right, 100),
  );
  private readonly debouncer = this.register(new Debouncer(300, () => this.update()));
  private readonly documentCounts = new Map<string, DocumentCount>();
  private lastSelection: { spec: string; texts: string[]; count: number } | undefined;
  private generation = 0;
  private visible = false;

  constructor(private readonly tokenizers: TokenizerService) {
    super();
    this.item.name = vscode.l10n.t('Transformer Explorer: token count');
    this.item.command = CommandId.SelectTokenizer;
    const schedule = (): void => this.debouncer.trigger();
    this.register(vscode.window.onDidChangeActiveTextEditor(schedule));
    this.register(vscode.window.onDidChangeTextEditorSelection(schedule));
    this.register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document) {
          this.debouncer.trigger(documentLength(e.document) > LARGE_DOCUMENT_CHARS ? 1500 : 300);
        }
      }),
    );
    this.register(vscode.workspace.onDidCloseTextDocument((d) => this.documentCounts.delete(d.uri.toString())));
    this.register(tokenizers.onDidChangeActive(schedule));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => affects(e, SettingKey.statusBarEnabled) && void this.update()),
    );
    void this.update();
  }

  private async update(): Promise<void> {
    const generation = ++this.generation;
    const editor = vscode.window.activeTextEditor;
    if (!readConfig().statusBar.enabled || !editor) {
      this.item.hide();
      this.visible = false;
      return;
    }
    const spec = this.tokenizers.activeSpec;
    const name = displayName(spec);
    const { document, selections } = editor;
    const selected = selections.filter((s) => !s.isEmpty);
    // The length first, without copying the text: a 20 MB document is not read at all.
    const length = selected.length > 0 ? selected.reduce((n, s) => n + document.offsetAt(s.end) - document.offsetAt(s.start), 0) : documentLength(document);
    const what = selected.length > 0 ? vscode.l10n.t('the selection') : vscode.l10n.t('the document');
    if (length > MAX_COUNTED_CHARS) {
      this.show(`$(whole-word) ${vscode.l10n.t('Too large to count')} · ${name}`, [
        vscode.l10n.t('{0} has {1} characters: too large to count without slowing down the editor.', what, format(length)),
        vscode.l10n.t('Select a part of it to count its tokens.'),
      ]);
      return;
    }
    try {
      const tok = await this.tokenizers.load(spec, 'background');
      if (generation !== this.generation) {
        return;
      }
      const stale = (): boolean => generation !== this.generation;
      const countText = (text: string): Promise<number | undefined> => countInSlices(text, (t) => tok.encode(t).tokens.length, stale);
      const count =
        selected.length > 0
          ? await this.countSelection(spec, selected.map((s) => document.getText(s)), countText)
          : await this.countDocument(document, spec, () => countText(document.getText()));
      if (count === undefined || stale()) {
        return; // a newer update took over
      }
      const label = count === 1 ? vscode.l10n.t('1 token') : vscode.l10n.t('{0} tokens', format(count));
      const perToken = count > 0 ? (length / count).toFixed(2) : '—';
      this.show(`$(whole-word) ${label} · ${name}`, [
        vscode.l10n.t('{0} in {1} ({2} characters, {3} characters per token), for {4}.', label, what, format(length), perToken, tokenizerLabel(tok.info)),
        vscode.l10n.t('Click to choose another tokenizer.'),
      ]);
    } catch (error) {
      if (generation === this.generation) {
        this.show(`$(warning) ${name}`, [describeError(error), vscode.l10n.t('Click to choose another tokenizer.')]);
      }
    }
  }

  /** The count of the whole document, kept per version; undefined when a newer update took over. */
  private async countDocument(document: vscode.TextDocument, spec: string, count: () => Promise<number | undefined>): Promise<number | undefined> {
    const key = document.uri.toString();
    const cached = this.documentCounts.get(key);
    if (cached && cached.version === document.version && cached.spec === spec) {
      return cached.count;
    }
    const version = document.version;
    const counted = await count();
    if (counted !== undefined) {
      this.documentCounts.set(key, { version, spec, count: counted });
    }
    return counted;
  }

  /** Moving the cursor inside a selection does not change it: keep the last count. */
  private async countSelection(spec: string, texts: string[], count: (text: string) => Promise<number | undefined>): Promise<number | undefined> {
    const last = this.lastSelection;
    if (last && last.spec === spec && last.texts.length === texts.length && last.texts.every((t, i) => t === texts[i])) {
      return last.count;
    }
    let total = 0;
    for (const text of texts) {
      const n = await count(text);
      if (n === undefined) {
        return undefined;
      }
      total += n;
    }
    this.lastSelection = { spec, texts, count: total };
    return total;
  }

  get state(): TokenCountState {
    const tooltip = this.item.tooltip;
    return { visible: this.visible, text: this.item.text, tooltip: typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? '') };
  }

  private show(text: string, tooltipLines: string[]): void {
    this.item.text = text;
    this.item.tooltip = tooltipLines.join('\n\n');
    this.item.accessibilityInformation = { label: tooltipLines[0] ?? text, role: 'button' };
    this.item.show();
    this.visible = true;
  }
}

/** Characters of a document, without copying its text. */
function documentLength(document: vscode.TextDocument): number {
  return document.offsetAt(document.lineAt(document.lineCount - 1).range.end);
}

function format(n: number): string {
  return n.toLocaleString(vscode.env.language);
}
