/**
 * Worker processes with a watchdog. Each worker runs one case at a time under a bounded heap;
 * a case that does not answer within its limit after the engine call began is a `hang` (the
 * worker is killed), a worker that dies is a `crash`; either way a new worker takes its place.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { CaseResult } from './outcome';
import { WORKER_SCRIPT } from './paths';
import type { FromWorker, Job, ToWorker } from './protocol';
import type { CaseRecipe } from './recipe';

export interface JobResult {
  result: CaseResult;
  validInput: boolean;
  recipe?: CaseRecipe;
  /** Engine time in ms (the limit, for a hang). */
  ms: number;
  /** The case's whole time in its worker (generating, writing, running), ms. */
  wallMs: number;
}

export interface PoolOptions {
  workers: number;
  heapMb: number;
  /** Scratch folder the workers write under (FUZZ_TMP). */
  tmpDir: string;
  /** Time allowed before the engine call (generating and writing the case). */
  setupLimitMs?: number;
}

interface Pending {
  id: number;
  job: Job;
  sentAt?: number;
  resolve: (r: Omit<JobResult, 'wallMs'>) => void;
  reject: (e: Error) => void;
}

/** What a dead worker left on stderr: the last lines say why (V8's heap-limit message, an abort). */
function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ').slice(0, 500);
}

class Worker {
  child: ChildProcess;
  ready = false;
  busy: Pending | undefined;
  timer: NodeJS.Timeout | undefined;
  stderr = '';

  constructor(private readonly pool: WorkerPool, options: PoolOptions) {
    this.child = fork(WORKER_SCRIPT, [], {
      execArgv: [`--max-old-space-size=${options.heapMb}`],
      serialization: 'advanced',
      env: { ...process.env, FUZZ_TMP: options.tmpDir },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4000);
    });
    this.child.on('message', (m: FromWorker) => this.onMessage(m));
    this.child.on('exit', (code, signal) => this.onExit(code, signal));
  }

  private onMessage(m: FromWorker): void {
    if (m.type === 'ready') {
      this.ready = true;
      this.pool.dispatch();
      return;
    }
    const pending = this.busy;
    if (!pending || m.id !== pending.id) return;
    if (m.type === 'begin') {
      this.arm(m.limitMs, `no answer within ${m.limitMs} ms of the engine call`);
      return;
    }
    this.disarm();
    this.busy = undefined;
    if (m.type === 'harness-error') pending.reject(new Error(m.message));
    else pending.resolve({ result: m.result, validInput: m.validInput, ms: m.ms, ...(m.recipe ? { recipe: m.recipe } : {}) });
    this.pool.dispatch();
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.disarm();
    const pending = this.busy;
    this.busy = undefined;
    this.pool.replace(this);
    if (pending && !this.killedFor) {
      const why = signal ? `signal ${signal}` : `exit code ${code}`;
      pending.resolve({ result: { outcome: 'crash', message: `the worker died (${why}): ${lastLines(this.stderr)}` }, validInput: false, ms: 0 });
    } else if (pending && this.killedFor) {
      pending.resolve({ result: { outcome: 'hang', message: this.killedFor.message }, validInput: false, ms: this.killedFor.ms });
    }
  }

  private killedFor: { message: string; ms: number } | undefined;

  run(pending: Pending, setupLimitMs: number): void {
    this.busy = pending;
    pending.sentAt = performance.now();
    this.arm(setupLimitMs, `no engine call within ${setupLimitMs} ms (the harness's own setup is stuck)`);
    this.child.send({ type: 'job', id: pending.id, job: pending.job } satisfies ToWorker);
  }

  private arm(ms: number, message: string): void {
    this.disarm();
    this.timer = setTimeout(() => {
      this.killedFor = { message, ms };
      this.child.kill('SIGKILL');
    }, ms);
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  stop(): void {
    this.disarm();
    if (this.child.connected) this.child.disconnect();
  }
}

export class WorkerPool {
  private workers: Worker[] = [];
  private queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: PoolOptions) {
    for (let i = 0; i < options.workers; i++) this.workers.push(new Worker(this, options));
  }

  run(job: Job): Promise<JobResult> {
    return new Promise((resolve, reject) => {
      const pending: Pending = { id: this.nextId++, job, resolve: (r) => resolve({ ...r, wallMs: performance.now() - (pending.sentAt ?? performance.now()) }), reject };
      this.queue.push(pending);
      this.dispatch();
    });
  }

  dispatch(): void {
    for (const w of this.workers) {
      if (this.queue.length === 0) return;
      if (w.ready && !w.busy) w.run(this.queue.shift() as Pending, this.options.setupLimitMs ?? 30_000);
    }
  }

  replace(dead: Worker): void {
    this.workers = this.workers.filter((w) => w !== dead);
    if (!this.closed) this.workers.push(new Worker(this, this.options));
  }

  close(): void {
    this.closed = true;
    for (const w of this.workers) w.stop();
  }
}
