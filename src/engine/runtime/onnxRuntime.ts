/**
 * The only file that imports onnxruntime-node: it implements `InferenceBackend` so the rest of
 * the engine never sees ort's Tensor/Session classes, its execution-provider names, or the way it
 * fails when the CUDA provider is missing (it throws "Failed to load shared library" instead of
 * falling back — we catch that and run on CPU, recording why in `fallbackReason`). When the provider
 * library is not even installed next to ort's binding we skip the attempt, which would only print
 * a red native error log, and say so.
 */
import type * as Ort from 'onnxruntime-node';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ONNXRUNTIME_PATH_ENV } from './runtimePath';
import type { DeviceKind, InferenceBackend, InferenceSession, SessionOptions, TensorData } from './types';

/** The onnxruntime-node to load: a GPU-enabled copy when the model host was started with one (runtimePath.ts). */
const runtimePath = process.env[ONNXRUNTIME_PATH_ENV] || 'onnxruntime-node';
const ort: typeof Ort = require(runtimePath);

function toOrtTensor(name: string, t: TensorData): Ort.Tensor {
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (count !== t.data.length) throw new Error(`input ${name}: ${t.data.length} values for shape [${t.dims.join(', ')}]`);
  return new ort.Tensor(t.type, t.data, t.dims);
}

function fromOrtTensor(name: string, t: Ort.Tensor): TensorData {
  const dims = [...t.dims];
  switch (t.type) {
    case 'float32': return { type: 'float32', dims, data: t.data as Float32Array };
    case 'float16': return { type: 'float16', dims, data: t.data as Uint16Array };
    case 'float64': return { type: 'float64', dims, data: t.data as Float64Array };
    case 'int64': return { type: 'int64', dims, data: t.data as BigInt64Array };
    case 'int32': return { type: 'int32', dims, data: t.data as Int32Array };
    case 'bool': return { type: 'bool', dims, data: t.data as Uint8Array };
    default: throw new Error(`output ${name} has unsupported type ${t.type}`);
  }
}

/** A run error that moving to the CPU can cure (CUDA faults, GPU memory exhausted), not a bad input. */
export function isCudaRunFailure(e: unknown): boolean {
  return /\bCUDA\b|cuda|CUBLAS|cuDNN|CUDNN|out of memory/i.test(firstLine(e));
}

/** A session; one on CUDA reopens itself on the CPU and retries once when a run fails on the GPU. */
export class OrtSession implements InferenceSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];

  constructor(
    private session: Ort.InferenceSession,
    private currentDevice: DeviceKind,
    private reason?: string,
    private readonly reopenOnCpu?: () => Promise<Ort.InferenceSession>,
  ) {
    this.inputNames = [...session.inputNames];
    this.outputNames = [...session.outputNames];
  }

  get device(): DeviceKind {
    return this.currentDevice;
  }

  get fallbackReason(): string | undefined {
    return this.reason;
  }

  async run(feeds: Record<string, TensorData>, fetch: readonly string[]): Promise<Record<string, TensorData>> {
    const unknown = fetch.filter((name) => !this.outputNames.includes(name));
    if (unknown.length > 0) throw new Error(`the graph has no output ${unknown.join(', ')}`);
    const ortFeeds: Record<string, Ort.Tensor> = {};
    for (const [name, tensor] of Object.entries(feeds)) ortFeeds[name] = toOrtTensor(name, tensor);
    let results: Ort.InferenceSession.OnnxValueMapType;
    try {
      results = await this.session.run(ortFeeds, [...fetch]);
    } catch (e) {
      if (this.currentDevice !== 'cuda' || !this.reopenOnCpu || !isCudaRunFailure(e)) throw e;
      const cpu = await this.reopenOnCpu();
      await this.session.release().catch(() => undefined);
      this.session = cpu;
      this.currentDevice = 'cpu';
      this.reason = `CUDA failed during a run, now running on CPU: ${firstLine(e)}`;
      results = await cpu.run(ortFeeds, [...fetch]);
    }
    const out: Record<string, TensorData> = {};
    for (const name of fetch) out[name] = fromOrtTensor(name, results[name]);
    return out;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

function create(model: string | Uint8Array, options: Ort.InferenceSession.SessionOptions): Promise<Ort.InferenceSession> {
  return typeof model === 'string' ? ort.InferenceSession.create(model, options) : ort.InferenceSession.create(model, options);
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** Where the loaded onnxruntime-node looks for the CUDA provider (`bin/napi-v6/linux/x64/`, next to its binding). */
export function cudaProviderPath(): string {
  const packageDir = dirname(require.resolve(`${runtimePath}/package.json`));
  return join(packageDir, 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so');
}

export class OnnxRuntimeBackend implements InferenceBackend {
  /** `skipProviderCheck`: always ask ort for CUDA, even without the provider file (to test ort's own failure). */
  constructor(private readonly options: { skipProviderCheck?: boolean } = {}) {}

  async createSession(model: string | Uint8Array, options: SessionOptions): Promise<InferenceSession> {
    const base: Ort.InferenceSession.SessionOptions = {
      graphOptimizationLevel: 'all',
      ...(options.spinning === false ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
    };
    let fallbackReason: string | undefined;
    if (options.device !== 'cpu' && !this.options.skipProviderCheck && !existsSync(cudaProviderPath())) {
      fallbackReason = `CUDA unavailable, running on CPU: the CUDA provider of onnxruntime-node is not installed (${cudaProviderPath()})`;
    } else if (options.device !== 'cpu') {
      try {
        const cuda = await create(model, {
          ...base,
          // Fatal only: a missing CUDA provider is expected on most machines and handled below.
          logSeverityLevel: 4,
          executionProviders: [{ name: 'cuda', deviceId: options.gpuId ?? 0 }],
        });
        // Keeps the model (path or bytes) to reopen it on the CPU if the GPU fails later.
        return new OrtSession(cuda, 'cuda', undefined, () => create(model, { ...base, executionProviders: ['cpu'] }));
      } catch (e) {
        fallbackReason = `CUDA unavailable, running on CPU: ${firstLine(e)}`;
      }
    }
    const cpu = await create(model, { ...base, executionProviders: ['cpu'] });
    return new OrtSession(cpu, 'cpu', fallbackReason);
  }
}
