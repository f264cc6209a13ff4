/**
 * A deterministic fake `InferenceBackend` for tests of everything above the runtime (model host,
 * tasks), with no native code. Its "model" is a small JSON document (bytes, or a file holding
 * them) that `encodeFakeModel` writes:
 *
 * - outputs: `y` = `x` · scale (float32, same dims), `sum` = Σx (float32 [1]),
 *   `nextIds` = `input_ids` + 1 (int64, same dims; needs an `input_ids` feed);
 * - control feeds (int32 scalars), so a test can steer one run:
 *   `delayMs` waits (asynchronously) before answering; `blockMs` busy-waits, blocking the thread
 *   the way a native run does; `crash` = 1 ends the process with exit code 70, 2 aborts it
 *   (SIGABRT) — what a CUDA fault does to the process that hosts a real session.
 */
import { readFile } from 'node:fs/promises';
import type { DeviceKind, InferenceBackend, InferenceSession, SessionOptions, TensorData } from '../../src/engine/runtime/types';

export interface FakeModelSpec {
  format: 'trex-fake-model';
  scale: number;
  /** Whether this fake "sees" a GPU: `cuda`/`auto` then run on cuda, else fall back to cpu. */
  cudaAvailable?: boolean;
  /** Milliseconds `createSession` takes. */
  createDelayMs?: number;
}

export const FAKE_INPUT_NAMES = ['x', 'input_ids', 'delayMs', 'blockMs', 'crash'] as const;
export const FAKE_OUTPUT_NAMES = ['y', 'sum', 'nextIds'] as const;

export function encodeFakeModel(spec: Omit<FakeModelSpec, 'format'>): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ format: 'trex-fake-model', ...spec }));
}

function decodeFakeModel(bytes: Uint8Array): FakeModelSpec {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Error('not a fake model: the bytes are not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || !('format' in parsed) || parsed.format !== 'trex-fake-model') {
    throw new Error('not a fake model: missing format "trex-fake-model"');
  }
  const spec = parsed as FakeModelSpec;
  if (typeof spec.scale !== 'number') throw new Error('fake model: scale must be a number');
  return spec;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function scalar(feeds: Record<string, TensorData>, name: string): number {
  const t = feeds[name];
  if (t === undefined) return 0;
  if (!(t.data instanceof Int32Array) || t.data.length !== 1) throw new Error(`fake model: ${name} must be an int32 scalar`);
  return t.data[0] ?? 0;
}

class FakeSession implements InferenceSession {
  readonly inputNames: readonly string[] = FAKE_INPUT_NAMES;
  readonly outputNames: readonly string[] = FAKE_OUTPUT_NAMES;
  private released = false;

  constructor(
    private readonly spec: FakeModelSpec,
    readonly device: DeviceKind,
    readonly fallbackReason: string | undefined,
  ) {}

  async run(feeds: Record<string, TensorData>, fetch: readonly string[]): Promise<Record<string, TensorData>> {
    if (this.released) throw new Error('fake model: session already released');
    for (const name of Object.keys(feeds)) {
      if (!this.inputNames.includes(name)) throw new Error(`fake model: unknown input "${name}"`);
    }
    const crash = scalar(feeds, 'crash');
    if (crash === 1) process.exit(70);
    if (crash === 2) process.abort();
    const blockUntil = Date.now() + scalar(feeds, 'blockMs');
    while (Date.now() < blockUntil) {
      // Busy-wait: the thread is as unavailable as during a native inference call.
    }
    const delay = scalar(feeds, 'delayMs');
    if (delay > 0) await sleep(delay);
    const out: Record<string, TensorData> = {};
    for (const name of fetch) out[name] = this.output(name, feeds);
    return out;
  }

  private output(name: string, feeds: Record<string, TensorData>): TensorData {
    const x = feeds['x'];
    const needX = (): Float32Array => {
      if (x === undefined || !(x.data instanceof Float32Array)) throw new Error(`fake model: output "${name}" needs a float32 input "x"`);
      return x.data;
    };
    switch (name) {
      case 'y':
        return { type: 'float32', dims: [...(x?.dims ?? [])], data: needX().map((v) => v * this.spec.scale) };
      case 'sum':
        return { type: 'float32', dims: [1], data: Float32Array.of(needX().reduce((s, v) => s + v, 0)) };
      case 'nextIds': {
        const ids = feeds['input_ids'];
        if (ids === undefined || !(ids.data instanceof BigInt64Array)) throw new Error('fake model: "nextIds" needs an int64 input "input_ids"');
        return { type: 'int64', dims: [...ids.dims], data: ids.data.map((v) => v + 1n) };
      }
      default:
        throw new Error(`fake model: unknown output "${name}"`);
    }
  }

  async release(): Promise<void> {
    this.released = true;
  }
}

export class FakeBackend implements InferenceBackend {
  async createSession(model: string | Uint8Array, options: SessionOptions): Promise<InferenceSession> {
    const spec = decodeFakeModel(typeof model === 'string' ? await readFile(model) : model);
    if (spec.createDelayMs) await sleep(spec.createDelayMs);
    if (options.device === 'cpu') return new FakeSession(spec, 'cpu', undefined);
    if (spec.cudaAvailable) return new FakeSession(spec, 'cuda', undefined);
    return new FakeSession(spec, 'cpu', 'CUDA is not available (fake backend without a GPU)');
  }
}

// ---------- the host's test hook (`--test-module=<this file, built>`): see src/host/backends.ts ----------

/** Said by the host in `host/configure`'s answer. */
export const backendName = 'fake';

export function createBackend(): InferenceBackend {
  return new FakeBackend();
}

export { createTestMethods } from './sessionMethods';
