import * as vscode from 'vscode';
import type { SurprisalResult, SurprisalToken } from '../engine/tasks/taskTypes';
import { Disposable } from '../util/disposable';
import { codeSpan, escapeMarkdown } from './markdown';
import { keepValid, levelColorId, levelRange, summarize, surprisalLevel, SURPRISAL_LEVELS, type SurprisalSummary } from './surprisalScale';

/** The lens of one document: tokens with document offsets. */
export interface LensState {
  uri: string;
  kind: SurprisalResult['kind'];
  model: string;
  passes: number;
  /** Document range that was scored: [start, end). */
  start: number;
  end: number;
  tokens: SurprisalToken[];
}

/** Re-scores the rest of a range after an edit (set by the command; undefined = no live update). */
export type Rescore = (doc: vscode.TextDocument, start: number, end: number) => Promise<void>;

const RESCORE_DELAY_MS = 800;

/**
 * The surprisal lens: colours each scored token by its surprisal (theme colours, one per level),
 * a hover with probability, rank and the top alternatives, and a status bar item with the
 * perplexity and bits per character of the selection (or of everything scored). An edit keeps the
 * tokens before it (a causal score depends only on the left) and re-scores the rest after a pause.
 */
export class SurprisalLens extends Disposable implements vscode.HoverProvider {
  private readonly states = new Map<string, LensState>();
  private readonly types: vscode.TextEditorDecorationType[];
  private readonly status = this.register(vscode.window.createStatusBarItem('transformerExplorer.surprisal', vscode.StatusBarAlignment.Right, 98));
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private rescore: Rescore | undefined;

  constructor() {
    super();
    this.status.name = vscode.l10n.t('Transformer Explorer: surprisal');
    this.status.command = 'transformerExplorer.clearSurprisal';
    this.types = Array.from({ length: SURPRISAL_LEVELS }, (_, level) =>
      this.register(
        vscode.window.createTextEditorDecorationType({
          backgroundColor: new vscode.ThemeColor(levelColorId(level)),
          borderRadius: '2px',
        }),
      ),
    );
    this.register(vscode.window.onDidChangeVisibleTextEditors(() => this.paintAll()));
    this.register(vscode.window.onDidChangeActiveTextEditor(() => this.updateStatus()));
    this.register(vscode.window.onDidChangeTextEditorSelection(() => this.updateStatus()));
    this.register(vscode.workspace.onDidChangeTextDocument((e) => this.onEdit(e)));
    this.register(vscode.workspace.onDidCloseTextDocument((doc) => this.clear(doc.uri)));
    this.register({ dispose: () => this.timers.forEach((t) => clearTimeout(t)) });
  }

  setRescore(rescore: Rescore): void {
    this.rescore = rescore;
  }

  /** Shows a result for `doc`, its text starting at document offset `base`; replaces tokens from `base` on. */
  show(doc: vscode.TextDocument, base: number, end: number, result: SurprisalResult, model: string): LensState {
    const key = doc.uri.toString();
    const previous = this.states.get(key);
    const kept = previous && previous.kind === result.kind && previous.model === model ? previous.tokens.filter((t) => t.end <= base) : [];
    const shifted = result.tokens.filter((t) => t.end > t.start).map((t) => ({ ...t, start: t.start + base, end: t.end + base }));
    const state: LensState = {
      uri: key,
      kind: result.kind,
      model,
      passes: result.passes,
      start: kept.length && previous ? Math.min(previous.start, base) : base,
      end,
      tokens: [...kept, ...shifted],
    };
    this.states.set(key, state);
    this.paintAll();
    this.updateStatus();
    return state;
  }

  stateOf(uri: vscode.Uri): LensState | undefined {
    return this.states.get(uri.toString());
  }

  clear(uri?: vscode.Uri): void {
    if (uri) this.states.delete(uri.toString());
    else this.states.clear();
    this.paintAll();
    this.updateStatus();
  }

  /** The summary shown in the status bar for `editor` (its selection, or everything scored). */
  summaryFor(editor: vscode.TextEditor): SurprisalSummary | undefined {
    const state = this.states.get(editor.document.uri.toString());
    if (!state) return undefined;
    const sel = editor.selection;
    const range = sel.isEmpty ? undefined : { start: editor.document.offsetAt(sel.start), end: editor.document.offsetAt(sel.end) };
    return summarize(state.tokens, range);
  }

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const state = this.states.get(doc.uri.toString());
    if (!state) return undefined;
    const offset = doc.offsetAt(position);
    const token = state.tokens.find((t) => t.start <= offset && offset < t.end);
    if (!token) return undefined;
    const range = new vscode.Range(doc.positionAt(token.start), doc.positionAt(token.end));
    return new vscode.Hover(hoverMarkdown(token, doc.getText(range), state), range);
  }

  private onEdit(e: vscode.TextDocumentChangeEvent): void {
    const key = e.document.uri.toString();
    const state = this.states.get(key);
    if (!state || e.contentChanges.length === 0) return;
    const first = Math.min(...e.contentChanges.map((c) => c.rangeOffset));
    if (first > state.end) return; // after the scored text: nothing it scored changes
    const delta = e.contentChanges.reduce((sum, c) => sum + c.text.length - c.rangeLength, 0);
    state.tokens = keepValid(state.tokens, first, state.kind);
    state.end = Math.max(first, state.end + delta);
    this.paintAll();
    this.updateStatus();
    if (!this.rescore || first >= state.end) return;
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        const now = this.states.get(key);
        if (!now || e.document.isClosed) return;
        // The engine needs the left context anyway: the scored range is read again as a whole.
        void this.rescore?.(e.document, now.start, now.end).catch(() => undefined);
      }, RESCORE_DELAY_MS),
    );
  }

  private paintAll(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const state = this.states.get(editor.document.uri.toString());
      const byLevel: vscode.DecorationOptions[][] = this.types.map(() => []);
      for (const t of state?.tokens ?? []) {
        byLevel[surprisalLevel(t.surprisal)].push({ range: new vscode.Range(editor.document.positionAt(t.start), editor.document.positionAt(t.end)) });
      }
      this.types.forEach((type, level) => editor.setDecorations(type, byLevel[level]));
    }
  }

  private updateStatus(): void {
    const editor = vscode.window.activeTextEditor;
    const state = editor && this.states.get(editor.document.uri.toString());
    const summary = editor && this.summaryFor(editor);
    if (!editor || !state || !summary) {
      this.status.hide();
      return;
    }
    const label = state.kind === 'pseudo' ? vscode.l10n.t('pseudo-PPL') : 'PPL';
    this.status.text = `$(pulse) ${label} ${summary.perplexity.toFixed(1)} · ${vscode.l10n.t('{0} bits/char', summary.bitsPerChar.toFixed(2))}`;
    const md = new vscode.MarkdownString();
    md.appendMarkdown(
      `${escapeMarkdown(
        vscode.l10n.t('{0} tokens scored by {1}; {2}.', String(summary.tokens), state.model, editor.selection.isEmpty ? vscode.l10n.t('whole scored text') : vscode.l10n.t('selection')),
      )}\n\n`,
    );
    if (state.kind === 'pseudo') md.appendMarkdown(`${escapeMarkdown(vscode.l10n.t('Pseudo-perplexity: each token masked in turn, {0} forward passes.', String(state.passes)))}\n\n`);
    md.appendMarkdown(legendMarkdown());
    md.appendMarkdown(`\n\n${escapeMarkdown(vscode.l10n.t('Click to clear the colours.'))}`);
    this.status.tooltip = md;
    this.status.show();
  }
}

/** The legend: each level's bits and probabilities. */
export function legendMarkdown(): string {
  const rows = Array.from({ length: SURPRISAL_LEVELS }, (_, level) => {
    const [low, high] = levelRange(level);
    const bits = Number.isFinite(high) ? `${low}–${high}` : `≥ ${low}`;
    const probs = Number.isFinite(high) ? `${formatProb(2 ** -high)} – ${formatProb(2 ** -low)}` : `< ${formatProb(2 ** -low)}`;
    return `| ${level} | ${bits} | ${probs} |`;
  });
  return [`| ${vscode.l10n.t('Level')} | ${vscode.l10n.t('Surprisal (bits)')} | ${vscode.l10n.t('Probability')} |`, '|--:|--:|--:|', ...rows].join('\n');
}

function formatProb(p: number): string {
  return p >= 0.01 ? `${(100 * p).toFixed(p >= 0.1 ? 0 : 1)} %` : p.toExponential(1);
}

/** A token's text with its edge spaces and line breaks made visible (`·chat`, `↵`). */
function visible(text: string): string {
  return text === '' ? '∅' : text.replace(/\n/g, '↵').replace(/^ /, '·').replace(/ $/, '·');
}

function hoverMarkdown(token: SurprisalToken, text: string, state: LensState): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(
    // Numbers only besides the words: written as is (escaping would show backslashes before the dots).
    `${codeSpan(visible(text))} — ${vscode.l10n.t('surprisal {0} bits, probability {1}, rank {2}', token.surprisal.toFixed(2), formatProb(token.prob), String(token.rank))}\n\n`,
  );
  if (token.top.length) {
    md.appendMarkdown(`| ${vscode.l10n.t('Alternative')} | ${vscode.l10n.t('Probability')} |\n|:--|--:|\n`);
    for (const alt of token.top.slice(0, 5)) md.appendMarkdown(`| ${codeSpan(visible(alt.text))}${alt.id === token.id ? ' ✓' : ''} | ${formatProb(alt.prob)} |\n`);
  }
  const level = surprisalLevel(token.surprisal);
  const [low, high] = levelRange(level);
  md.appendMarkdown(`\n${vscode.l10n.t('Colour level {0} of {1}: {2} bits', String(level + 1), String(SURPRISAL_LEVELS), Number.isFinite(high) ? `${low}–${high}` : `≥ ${low}`)}\n\n`);
  const what = state.kind === 'pseudo' ? vscode.l10n.t('{0}, pseudo-perplexity (the token masked, both sides seen)', state.model) : vscode.l10n.t('{0}, −log2 P(token | text before it)', state.model);
  md.appendMarkdown(`\n${escapeMarkdown(what)}`);
  return md;
}
