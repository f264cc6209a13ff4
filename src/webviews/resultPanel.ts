import type * as vscode from 'vscode';
import type { ResultChannel, ResultPanelState } from '../protocol/resultPanel';
import type { Check, LocalizedStrings } from '../protocol/wire';
import type { ConnectionHandlers } from './connection';
import { DrawReports } from './drawReports';
import type { PageSpec } from './html';
import { PanelBase, type PanelContext } from './panelBase';

/** What a result panel is made of: its page, its strings and the check of its draw reports. */
export interface ResultPanelSpec<K extends string, R> {
  page: PageSpec;
  strings: () => LocalizedStrings<K>;
  checkReport: Check<R>;
}

/**
 * A panel that shows one result at a time (`update`) and learns what its page drew
 * (`whenDrawn`): the Logit Lens and Contextual Embeddings panels. A subclass names its
 * `static readonly viewType` and gives its spec; the payload it is given lacks only the `drawId`.
 */
export abstract class ResultPanel<K extends string, P extends { drawId: number }, R extends { drawId: number }> extends PanelBase<ResultChannel<K, P, R>> {
  private readonly reports = this.register(new DrawReports<R>());
  private payload: P | undefined;

  protected constructor(
    ctx: PanelContext,
    panel: vscode.WebviewPanel,
    private readonly spec: ResultPanelSpec<K, R>,
  ) {
    super(ctx, panel, spec.page);
    this.connection.notify('panel/didInit', { strings: spec.strings() });
  }

  /** What the panel shows now. */
  get shown(): P | undefined {
    return this.payload;
  }

  /** Shows `content` (a new draw id is given to it). */
  update(content: Omit<P, 'drawId'>): void {
    const payload = { ...content, drawId: this.reports.next() } as P;
    this.payload = payload;
    this.connection.notify('result/didChange', payload);
  }

  /** The page's report of the payload shown, once drawn; `undefined` after `timeoutMs`. */
  whenDrawn(timeoutMs: number): Promise<R | undefined> {
    return this.reports.whenDrawn(timeoutMs);
  }

  protected handlers(): ConnectionHandlers<ResultChannel<K, P, R>> {
    // Called while PanelBase connects, before this class's fields exist: read them when a message comes.
    return {
      requests: {},
      notifications: { 'view/didDraw': (report) => this.reports.add(report) },
      checks: { requests: {}, notifications: { 'view/didDraw': (p) => this.spec.checkReport(p) } },
    };
  }
}

/**
 * The payload a result panel saved before a window reload (its page's state), when it holds a
 * result that `looksComplete` accepts; otherwise the panel is disposed (no empty panel) and
 * `undefined` comes back.
 */
export function savedPayload<P extends { result?: unknown }>(panel: vscode.WebviewPanel, state: unknown, looksComplete: (result: NonNullable<P['result']>) => boolean): P | undefined {
  const saved = (state as Partial<ResultPanelState<P>> | undefined)?.payload;
  if (saved && typeof saved === 'object' && typeof saved.result === 'object' && saved.result !== null && looksComplete(saved.result as NonNullable<P['result']>)) return saved;
  panel.dispose();
  return undefined;
}
