/**
 * Worker processes with a watchdog. Each worker runs one case at a time under a bounded heap;
 * a case that does not answer within its limit (scaled by the machine's load, see machineLoad.ts)
 * after the engine call began is a `hang` (the worker is killed), a worker that dies is a `crash`;
 * either way a new worker takes its place.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { CaseResult } from './outcome';
import { loadFactor } from './machineLoad';
import { WORKER_SCRIPT } from './paths';
import type { FromWorker, Job, ToWorker } from './protocol';
import type { CaseRecipe } from './recipe';

export interface JobResult {
  result: CaseResult;
  validInput: boolean;
  recipe?: CaseRecipe;
  /** Engine time in ms (the limit, for a hang). */
  ms: number;
  /** The case's whole time in its worker (generating, writing, running; for a hang or crash, since the engine call), ms. */
  wallMs: number;
}

export interface PoolOptions {
  workers: number;
  heapMb: number;
  /** Scratch folder the workers write under (FUZZ_TMP). */
  tmpDir: string;
  /** Time allowed before the engine call (generating and writing the case; default 30 s). */
  setupLimitMs?: number;
}

interface Pending {
  id: number;
  job: Job;
  /** When the worker said the engine call began. */
  beganAt?: number;
  resolve: (r: JobResult) => void;
  reject: (e: Error) => void;
}

/** What a dead worker left on stderr: the last lines say why (V8's heap-limit message, an abort). */
function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ').slice(0, 500);
}

class Worker {
  child: ChildProcess;
  ready = false;
  /** Jobs sent to this worker, oldest (the running one) first. */
  inflight: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stderr = '';
  private killedFor: { message: string; ms: number } | undefined;
  /** Settles when the process has exited. */
  readonly exited: Promise<void>;

  constructor(
    private readonly pool: WorkerPool,
    private readonly options: PoolOptions,
  ) {
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
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    this.child.on('exit', (code, signal) => this.onExit(code, signal));
  }

  private get setupLimitMs(): number {
    return this.options.setupLimitMs ?? 30_000;
  }

  private onMessage(m: FromWorker): void {
    if (m.type === 'ready') {
      this.ready = true;
      this.pool.dispatch();
      return;
    }
    const head = this.inflight[0];
    if (!head || m.id !== head.id) return;
    if (m.type === 'begin') {
      head.beganAt = performance.now();
      const limit = Math.round(m.limitMs * loadFactor());
      this.arm(limit, `no answer within ${limit} ms of the engine call${limit > m.limitMs ? ` (${m.limitMs} ms × the machine's load)` : ''}`);
      return;
    }
    this.disarm();
    this.inflight.shift();
    if (this.inflight.length > 0) this.arm(this.setupLimitMs, `no engine call within ${this.setupLimitMs} ms (the harness's own setup is stuck)`);
    if (m.type === 'harness-error') head.reject(new Error(m.message));
    else head.resolve({ result: m.result, validInput: m.validInput, ms: m.ms, wallMs: m.wallMs, ...(m.recipe ? { recipe: m.recipe } : {}) });
    this.pool.dispatch();
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.disarm();
    const [head, ...waiting] = this.inflight;
    this.inflight = [];
    this.pool.replace(this, waiting);
    if (!head) return;
    const ms = head.beganAt === undefined ? 0 : performance.now() - head.beganAt;
    if (this.killedFor) head.resolve({ result: { outcome: 'hang', message: this.killedFor.message }, validInput: false, ms: this.killedFor.ms, wallMs: ms });
    else head.resolve({ result: { outcome: 'crash', message: `the worker died (${signal ? `signal ${signal}` : `exit code ${code}`}): ${lastLines(this.stderr)}` }, validInput: false, ms, wallMs: ms });
  }

  send(pending: Pending): void {
    if (this.inflight.length === 0) this.arm(this.setupLimitMs, `no engine call within ${this.setupLimitMs} ms (the harness's own setup is stuck)`);
    this.inflight.push(pending);
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
  /** Jobs sent ahead to each worker, so that it never waits for this process between cases. */
  readonly depth = 4;
  private workers: Worker[] = [];
  private queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: PoolOptions) {
    for (let i = 0; i < options.workers; i++) this.workers.push(new Worker(this, options));
  }

  run(job: Job): Promise<JobResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, job, resolve, reject });
      this.dispatch();
    });
  }

  dispatch(): void {
    for (const w of this.workers) {
      while (this.queue.length > 0 && w.ready && w.inflight.length < this.depth) w.send(this.queue.shift() as Pending);
    }
  }

  /** A dead worker's successor; jobs it had not started go back to the front of the queue. */
  replace(dead: Worker, unstarted: Pending[]): void {
    this.workers = this.workers.filter((w) => w !== dead);
    this.queue.unshift(...unstarted);
    if (!this.closed) this.workers.push(new Worker(this, this.options));
  }

  /** Stops the workers; settles once they have exited (and cleaned their folders). */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.workers) w.stop();
    await Promise.all(this.workers.map((w) => w.exited));
  }
}
