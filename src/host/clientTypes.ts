/** The public types of `ModelHostClient` (options, errors, the death event), re-exported by client.ts. */
import type { HostOptions } from './hostOptions';
import { HostRequestError } from './hostErrors';
import type { HostMethod, HostProgress } from './protocol';

/** Every pending request rejects with this when the model-host process stops. */
export class HostDiedError extends HostRequestError {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
  ) {
    super('hostDied', message);
    this.name = 'HostDiedError';
  }
}

export interface HostDeath {
  error: HostDiedError;
  /** How many requests were pending (and rejected) when it died. */
  pendingRequests: number;
  /** The end of what the process wrote to stdout/stderr: often says why it died. */
  outputTail: string;
}

/** The host's options (backend, cache folder, model-cache limits; see hostOptions.ts) and the client's own. */
export interface ModelHostClientOptions extends HostOptions {
  /** The host script: dist/modelHost.js next to the extension bundle. */
  hostScript: string;
  env?: NodeJS.ProcessEnv;
  execArgv?: string[];
  /** Per-method default timeouts (ms), merged over DEFAULT_TIMEOUTS_MS. */
  timeoutsMs?: Partial<Record<HostMethod, number>>;
  /** How long the process may take to say it is ready (ms). */
  startTimeoutMs?: number;
  /** Receives what the host prints (for an output channel). */
  onOutput?: (text: string) => void;
}

export interface RequestOptions {
  signal?: AbortSignal;
  onProgress?: (progress: HostProgress) => void;
  /** Overrides the method's default timeout (ms). */
  timeoutMs?: number;
}

/** How long a request may take by default: a model task (a forward pass, a prediction). */
export const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** The methods whose default timeout differs from DEFAULT_TIMEOUT_MS (a new task needs no entry). */
export const DEFAULT_TIMEOUTS_MS: Readonly<Partial<Record<HostMethod, number>>> = {
  // Waits for the models released by new limits to finish their requests.
  'host/configure': 60_000,
  'model/load': 10 * 60_000,
  'model/release': 30_000,
  'model/card': 60_000,
  'model/generate': 10 * 60_000,
  // Pseudo-perplexity costs one pass per token; long documents take many windows.
  'model/surprisal': 10 * 60_000,
  'model/positions': 60_000,
};

export interface Disposable {
  dispose(): void;
}

/** The line of a dying process's output that most likely says why (e.g. `Error: Cannot find module …`). */
export function lastErrorLine(output: string): string | undefined {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at ') && !/^Node\.js v\d/.test(l));
  return [...lines].reverse().find((l) => /error|fault|abort|out of memory/i.test(l)) ?? lines.at(-1);
}
