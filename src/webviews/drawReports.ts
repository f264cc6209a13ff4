import * as vscode from 'vscode';
import { Disposable } from '../util/disposable';
import { nextEvent } from '../util/nextEvent';

/**
 * The draw reports a panel's page sends back, matched to the payload they drew by its `drawId`:
 * `next()` numbers a new payload, `whenDrawn()` waits for its report (commands return it, so the
 * integration tests read what the page really drew).
 */
export class DrawReports<R extends { drawId: number }> extends Disposable {
  private lastId = 0;
  private latest: R | undefined;
  private readonly emitter = this.register(new vscode.EventEmitter<R>());

  /** The id of the next payload; reports of earlier ones no longer count. */
  next(): number {
    this.latest = undefined;
    return ++this.lastId;
  }

  /** Keeps a report of the current payload. */
  add(report: R): void {
    if (report.drawId !== this.lastId) return;
    this.latest = report;
    this.emitter.fire(report);
  }

  /** The current payload's report once drawn, or `undefined` after `timeoutMs`. */
  whenDrawn(timeoutMs: number): Promise<R | undefined> {
    if (this.latest) return Promise.resolve(this.latest);
    return nextEvent(this.emitter.event, () => true, timeoutMs, () => this.latest);
  }
}
