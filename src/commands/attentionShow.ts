import * as vscode from 'vscode';
import type { AttentionOptions, AttentionPayload, AttentionStatus, AttentionTab, DrawReport } from '../protocol/attention';
import { AttentionBesidePanel } from '../webviews/attentionBeside';
import type { AttentionController } from '../webviews/attentionView';
import type { PanelContext } from '../webviews/panelBase';
import { ATTENTION_VIEW_ID } from '../webviews/viewTypes';

/** What "Show Attention" resolves to (tests read it): the view's status, its text and model, and what it drew. */
export interface AttentionShown {
  status: AttentionStatus;
  payload: AttentionPayload | undefined;
  drawn: DrawReport | undefined;
  /** The webview's state, said when nothing was drawn. */
  webview: { ready: boolean; visible: boolean };
  /** What the panel beside the text drew last, when it is open. */
  beside?: DrawReport;
}

const TABS: readonly AttentionTab[] = ['heads', 'heatmap', 'model', 'summary', 'positions'];

function patchOf(arg: unknown): Partial<AttentionOptions> {
  if (typeof arg !== 'object' || arg === null) return {};
  const a = arg as Record<string, unknown>;
  const patch: Partial<AttentionOptions> = {};
  if (typeof a.tab === 'string' && (TABS as readonly string[]).includes(a.tab)) patch.tab = a.tab as AttentionTab;
  if (Number.isInteger(a.layer) && (a.layer as number) >= 0) patch.layer = a.layer as number;
  if (a.head === 'mean' || a.head === 'rollout' || (Number.isInteger(a.head) && (a.head as number) >= 0)) patch.head = a.head as AttentionOptions['head'];
  if (Array.isArray(a.heads) && a.heads.every((x) => Number.isInteger(x) && x >= 0)) patch.heads = a.heads as number[];
  if (typeof a.hideSpecial === 'boolean') patch.hideSpecial = a.hideSpecial;
  if (typeof a.mergeSubwords === 'boolean') patch.mergeSubwords = a.mergeSubwords;
  return patch;
}

/**
 * "Show Attention": the attention viewer where it has room, in the editor panel beside the text
 * (a 30-token heatmap with cells of 14 px or more at 1400 × 900), and the side view as its compact
 * companion (the controls and a small map), which takes the focus as before. With an argument
 * `{ tab, layer, head, heads, hideSpecial, mergeSubwords }`, both show that view. Resolves to what
 * the panel beside shows once drawn.
 */
export function showAttentionCommand(view: AttentionController, ctx: PanelContext, defaultTab?: AttentionTab) {
  return async (arg?: unknown): Promise<AttentionShown> => {
    await vscode.commands.executeCommand(`${ATTENTION_VIEW_ID}.focus`);
    AttentionBesidePanel.open(ctx, view, true);
    return shownWhenDrawn(view, patchOf(arg), defaultTab, true);
  };
}

/**
 * "Open Attention Beside": the panel beside the text alone (the focus stays in the editor, which
 * it follows), with the same argument and answer as "Show Attention".
 */
export function openAttentionBesideCommand(view: AttentionController, ctx: PanelContext) {
  return async (arg?: unknown): Promise<AttentionShown> => {
    AttentionBesidePanel.open(ctx, view, true);
    return shownWhenDrawn(view, patchOf(arg), undefined, true);
  };
}

/** Waits for the analysis of the selection, shows the tab asked for, and what was drawn (in the panel beside, when `inPanel`). */
async function shownWhenDrawn(view: AttentionController, patch: Partial<AttentionOptions>, defaultTab: AttentionTab | undefined, inPanel: boolean): Promise<AttentionShown> {
  await view.settled(120_000);
  const tab = patch.tab ?? defaultTab;
  const shown = view.shown;
  // The panel's draw when it is in view (a panel behind another tab does not draw).
  const panel = inPanel ? view.surface('panel') : undefined;
  const fromPanel = (r: DrawReport): boolean => !panel?.visible || panel.lastDraw === r;
  const besideDraw = (): Partial<AttentionShown> => {
    const d = view.surface('panel')?.lastDraw;
    return d ? { beside: d } : {};
  };
  if (shown && view.status.kind === 'ready') {
    if (tab) view.showTab(tab, patch);
    const want = view.options;
    const drawn = await view.whenDrawn(
      (r) =>
        fromPanel(r) &&
        r.analysis === shown.id &&
        r.tab === want.tab &&
        r.hideSpecial === want.hideSpecial &&
        r.mergeSubwords === want.mergeSubwords &&
        (want.tab !== 'heatmap' || (r.layer === want.layer && r.head === want.head)),
      60_000,
    );
    return { status: view.status, payload: shown.payload, drawn, webview: view.webviewState, ...besideDraw() };
  }
  if (tab === 'positions') {
    // The position encodings need no analysed text.
    view.showTab(tab, patch);
    const drawn = await view.whenDrawn((r) => r.tab === 'positions', 30_000);
    return { status: view.status, payload: shown?.payload, drawn, webview: view.webviewState };
  }
  return { status: view.status, payload: shown?.payload, drawn: undefined, webview: view.webviewState };
}
