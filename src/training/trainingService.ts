/**
 * The one training run of this window (so of its workspace): started by "Train a Model from
 * Scratch…", it lives here, not in the panel — closing the panel leaves it running, reopening the
 * panel shows it whole. A status bar item says where it is and opens the panel; a second start
 * while one runs is refused with a way to the running one.
 */
import * as vscode from 'vscode';
import { startTraining, TrainingError } from '../engine/training/run';
import type { TrainingEvent, TrainingOptions, TrainingProblem, TrainingResult, TrainingRun } from '../engine/training/types';
import type { TrainingSettingsShown, TrainingSnapshot, TrainingStatus } from '../protocol/training';
import { CommandId } from '../commands/commandIds';
import { problemText } from './problemText';
import { Disposable } from '../util/disposable';

export class TrainingService extends Disposable {
  private run: TrainingRun | undefined;
  private snapshot: TrainingSnapshot | undefined;
  private nextId = 1;
  private readonly statusItem = this.register(vscode.window.createStatusBarItem('transformerExplorer.training', vscode.StatusBarAlignment.Left, 90));
  private readonly resetEmitter = this.register(new vscode.EventEmitter<TrainingSnapshot>());
  private readonly eventEmitter = this.register(new vscode.EventEmitter<{ id: number; event: TrainingEvent; status: TrainingStatus }>());
  /** A new run, or a new status of the run (its whole snapshot). */
  readonly onDidReset = this.resetEmitter.event;
  /** One more event of the current run. */
  readonly onDidEvent = this.eventEmitter.event;

  constructor() {
    super();
    this.statusItem.name = vscode.l10n.t('Transformer Explorer: Training');
    this.statusItem.command = CommandId.ShowTraining;
    this.register({ dispose: () => this.run?.stop() });
  }

  /** The current (or last) run, whole. */
  get current(): TrainingSnapshot | undefined {
    return this.snapshot;
  }

  /** The status bar item's text, empty when hidden (tests). */
  get statusText(): string {
    return this.running ? this.statusItem.text : '';
  }

  get running(): boolean {
    return this.snapshot?.status === 'running' || this.snapshot?.status === 'stopping';
  }

  /**
   * Starts a run; resolves when it ends with its result, or undefined when it failed (the problem
   * is in the snapshot, and told to the user by `onProblem`). Throws while another run goes (the
   * command says so first).
   */
  async start(options: TrainingOptions, settings: TrainingSettingsShown, onProblem: (p: TrainingProblem) => void): Promise<TrainingResult | undefined> {
    if (this.running) throw new Error('a training run is already going'); // the command checks first
    const id = this.nextId++;
    this.snapshot = { id, status: 'running', settings, events: [] };
    this.resetEmitter.fire(this.snapshot);
    this.showStatus();
    const run = startTraining(options, (event) => this.onEvent(id, event));
    this.run = run;
    try {
      const result = await run.done;
      this.update(id, { status: 'done', result });
      return result;
    } catch (e) {
      const problem: TrainingProblem = e instanceof TrainingError ? e.problem : { kind: 'crashed', message: String(e) };
      // The panel says it in the UI's language.
      this.update(id, { status: 'failed', problem: { ...problem, message: problemText(problem, settings.python) } });
      onProblem(problem);
      return undefined;
    } finally {
      if (this.run === run) this.run = undefined;
      this.showStatus();
    }
  }

  /** Asks the run to save its last complete step and end. */
  stop(id?: number): boolean {
    const s = this.snapshot;
    if (!this.run || !s || s.status !== 'running' || (id !== undefined && id !== s.id)) return false;
    this.run.stop();
    this.update(s.id, { status: 'stopping' });
    this.showStatus();
    return true;
  }

  private onEvent(id: number, event: TrainingEvent): void {
    const s = this.snapshot;
    if (!s || s.id !== id) return;
    this.snapshot = { ...s, events: [...s.events, event] };
    this.eventEmitter.fire({ id, event, status: this.snapshot.status });
    if (event.type === 'step' || event.type === 'start' || event.type === 'tokenizer') this.showStatus();
  }

  /** A new status (and the result or problem): the panel gets the whole run again. */
  private update(id: number, change: Partial<Pick<TrainingSnapshot, 'status' | 'result' | 'problem'>>): void {
    if (this.snapshot?.id !== id) return;
    this.snapshot = { ...this.snapshot, ...change };
    this.resetEmitter.fire(this.snapshot);
  }

  private showStatus(): void {
    const s = this.snapshot;
    if (!s || !this.running) {
      this.statusItem.hide();
      return;
    }
    const step = [...s.events].reverse().find((e) => e.type === 'step');
    const model = (o: 'clm' | 'mlm') => (o === 'clm' ? 'GPT-2' : 'BERT');
    if (s.status === 'stopping') this.statusItem.text = `$(loading~spin) ${vscode.l10n.t('Saving the last step…')}`;
    else if (step?.type === 'step') this.statusItem.text = `$(loading~spin) ${model(step.objective)} ${step.step}/${step.steps} · ${vscode.l10n.t('loss')} ${step.loss.toFixed(2)}`;
    else this.statusItem.text = `$(loading~spin) ${vscode.l10n.t('Preparing the training…')}`;
    this.statusItem.tooltip = vscode.l10n.t('Training from scratch on {0}: click to show the curves', s.settings.source);
    this.statusItem.show();
  }
}
