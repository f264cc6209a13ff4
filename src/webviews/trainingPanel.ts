import * as vscode from 'vscode';
import type { TrainingChannel, TrainingDrawReport, TrainingSnapshot } from '../protocol/training';
import type { TrainingService } from '../training/trainingService';
import { nextEvent } from '../util/nextEvent';
import type { ConnectionHandlers } from './connection';
import { boundedString, intIn, isRecord, oneOf } from './messageChecks';
import { PanelBase, type PanelContext } from './panelBase';
import { trainingStrings } from './trainingStrings';

/** What the panel's buttons do, given by the feature (they need the model registry and the commands). */
export interface TrainingActions {
  useModel(folder: string): Promise<void>;
  openReport(path: string): Promise<void>;
  compare(causal: string, masked: string): Promise<void>;
}

const MAX_PATH = 4096;

/** The folders and the report of the run shown: the only paths the panel's buttons may name. */
function offeredPaths(s: TrainingSnapshot | undefined): Set<string> {
  return new Set([...(s?.result?.models.map((m) => m.folder) ?? []), ...(s?.result ? [s.result.report] : [])]);
}

/**
 * The Training panel: the run of the TrainingService drawn live (loss curves, perplexity, speed,
 * time, samples), Stop, and when done the buttons to use each model, open the report and compare
 * the two. Closing it leaves the run going; reopening shows the run whole. After a window reload
 * it shows the run as it was saved in its state (the run itself ended with the old window).
 */
export class TrainingPanel extends PanelBase<TrainingChannel> {
  static readonly viewType = 'transformerExplorer.training';
  private lastDraw: TrainingDrawReport | undefined;
  private readonly drawEmitter = this.register(new vscode.EventEmitter<TrainingDrawReport>());
  /** The run shown when it is not the service's (a panel revived after a reload). */
  private saved: TrainingSnapshot | undefined;

  private constructor(ctx: PanelContext, panel: vscode.WebviewPanel, private readonly service: TrainingService, private readonly actions: TrainingActions) {
    super(ctx, panel, { script: 'training.main', styles: ['base.css', 'training.css'], title: vscode.l10n.t('Training') });
    this.connection.notify('panel/didInit', { strings: trainingStrings() });
    this.register(service.onDidReset((s) => ((this.saved = undefined), this.connection.notify('training/didReset', s))));
    this.register(service.onDidEvent((e) => this.saved === undefined && this.connection.notify('training/didEvent', e)));
    const current = service.current;
    if (current) this.connection.notify('training/didReset', current);
    // Before `ready` (and across a webview reload) the connection keeps only the latest event:
    // each `ready` gets the whole run again, after the replayed notifications.
    this.register(this.connection.onDidBecomeReady(() => {
      const shown = this.saved ?? this.service.current;
      if (shown) this.connection.notify('training/didReset', shown);
    }));
  }

  /** The panel, brought to the front or opened beside the editor. */
  static show(ctx: PanelContext, service: TrainingService, actions: TrainingActions, preserveFocus = true): TrainingPanel {
    return TrainingPanel.revealOrCreate(ctx, vscode.l10n.t('Training'), preserveFocus, (panel) => new TrainingPanel(ctx, panel, service, actions));
  }

  static revive(ctx: PanelContext, panel: vscode.WebviewPanel, state: unknown, service: TrainingService, actions: TrainingActions): void {
    const revived = new TrainingPanel(ctx, panel, service, actions);
    if (service.current) return;
    const saved = isRecord(state) && isRecord(state.snapshot) ? (state.snapshot as unknown as TrainingSnapshot) : undefined;
    if (!saved || !Array.isArray(saved.events) || typeof saved.id !== 'number') {
      revived.dispose(); // nothing was saved: no empty panel
      return;
    }
    // The run ended with the window it ran in: its last checkpoint is on disk, the curves here.
    revived.saved = { ...saved, status: saved.status === 'running' || saved.status === 'stopping' ? 'interrupted' : saved.status };
    revived.connection.notify('training/didReset', revived.saved);
  }

  /** The last draw report, or the next one `accept` takes (tests). */
  whenDrawn(accept: (r: TrainingDrawReport) => boolean, timeoutMs: number): Promise<TrainingDrawReport | undefined> {
    if (this.lastDraw && accept(this.lastDraw)) return Promise.resolve(this.lastDraw);
    return nextEvent(this.drawEmitter.event, accept, timeoutMs, () => this.lastDraw);
  }

  static get open(): TrainingPanel | undefined {
    return TrainingPanel.current();
  }

  protected handlers(): ConnectionHandlers<TrainingChannel> {
    const shown = () => this.saved ?? this.service.current;
    const offered = (p: unknown, key: string): string | undefined => {
      const path = isRecord(p) ? boundedString(p[key], MAX_PATH) : undefined;
      return path !== undefined && offeredPaths(shown()).has(path) ? path : undefined;
    };
    return {
      requests: {},
      notifications: {
        'training/stop': ({ id }) => void this.service.stop(id),
        'model/use': ({ folder }) => void this.actions.useModel(folder),
        'report/open': ({ path }) => void this.actions.openReport(path),
        'models/compare': ({ causal, masked }) => void this.actions.compare(causal, masked),
        'view/didDraw': (report) => {
          this.lastDraw = report;
          this.drawEmitter.fire(report);
        },
      },
      checks: {
        requests: {},
        notifications: {
          'training/stop': (p) => {
            const id = isRecord(p) ? intIn(p.id, 1, Number.MAX_SAFE_INTEGER) : undefined;
            return id === undefined ? undefined : { id };
          },
          'model/use': (p) => {
            const folder = offered(p, 'folder');
            return folder === undefined ? undefined : { folder };
          },
          'report/open': (p) => {
            const path = offered(p, 'path');
            return path === undefined ? undefined : { path };
          },
          'models/compare': (p) => {
            const causal = offered(p, 'causal');
            const masked = offered(p, 'masked');
            return causal === undefined || masked === undefined ? undefined : { causal, masked };
          },
          'view/didDraw': checkDrawReport,
        },
      },
    };
  }
}

function checkDrawReport(p: unknown): TrainingDrawReport | undefined {
  if (!isRecord(p) || !Array.isArray(p.models) || p.models.length > 2) return undefined;
  const id = intIn(p.id, 0, Number.MAX_SAFE_INTEGER);
  const status = oneOf(p.status, ['running', 'stopping', 'done', 'failed', 'interrupted'] as const);
  if (id === undefined || status === undefined || typeof p.stopEnabled !== 'boolean') return undefined;
  const models: Array<TrainingDrawReport['models'][number]> = [];
  for (const m of p.models as unknown[]) {
    if (!isRecord(m)) return undefined;
    const objective = oneOf(m.objective, ['clm', 'mlm'] as const);
    const trainPoints = intIn(m.trainPoints, 0, 1e6);
    const evalPoints = intIn(m.evalPoints, 0, 1e6);
    const samples = intIn(m.samples, 0, 1e6);
    if (objective === undefined || trainPoints === undefined || evalPoints === undefined || samples === undefined) return undefined;
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    models.push({ objective, trainPoints, evalPoints, samples, lastLoss: num(m.lastLoss), perplexity: num(m.perplexity) });
  }
  return { id, status, models, stopEnabled: p.stopEnabled };
}
