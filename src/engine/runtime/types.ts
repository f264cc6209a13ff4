/**
 * What the engine needs of an inference runtime. Only `onnxRuntime.ts` implements it with
 * onnxruntime-node; tasks and tests talk to this interface (a fake backend works too).
 * Plain data: these values cross the model-host process boundary.
 */

/** Where a session actually runs. */
export type DeviceKind = 'cpu' | 'cuda';
/** What the user may ask for (`transformerExplorer.device`, trex `--device`), defined once: package.json's enum is checked against it. */
export const DEVICE_PREFERENCES = ['auto', 'cuda', 'cpu'] as const;
export type DevicePreference = (typeof DEVICE_PREFERENCES)[number];

export type TensorType = 'float32' | 'float16' | 'float64' | 'int64' | 'int32' | 'bool';

/** A dense tensor, row-major; `data` is a typed array, never nested JSON arrays. */
export interface TensorData {
  type: TensorType;
  dims: number[];
  data: Float32Array | Uint16Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;
}

export interface SessionOptions {
  device: DevicePreference;
  gpuId?: number;
  /**
   * false: onnxruntime's intra-op threads sleep instead of spin-waiting between runs. Decode
   * sessions ask for it: their runs are short and separated by JavaScript work that needs the core a
   * spinning thread holds (BENCHMARKS.md, "Precision"). Default: onnxruntime's (spinning).
   */
  spinning?: boolean;
}

export interface InferenceSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** The device the session really runs on (after any CUDA → CPU fallback). */
  readonly device: DeviceKind;
  /** Why CUDA was not used although asked for (`auto`/`cuda`), for a one-time notice. */
  readonly fallbackReason?: string;
  /** Runs the graph and returns only the outputs named in `fetch`. */
  run(feeds: Record<string, TensorData>, fetch: readonly string[]): Promise<Record<string, TensorData>>;
  release(): Promise<void>;
}

export interface InferenceBackend {
  /** `model`: an .onnx file path or its bytes. */
  createSession(model: string | Uint8Array, options: SessionOptions): Promise<InferenceSession>;
}

/** The weights' precision a user picks (the `transformerExplorer.precision` setting, `trex --precision`; graph/precision.ts). */
export type WeightPrecision = 'float32' | 'int8' | 'int4';
export const WEIGHT_PRECISIONS: readonly WeightPrecision[] = ['float32', 'int8', 'int4'];

export function isWeightPrecision(value: unknown): value is WeightPrecision {
  return typeof value === 'string' && (WEIGHT_PRECISIONS as readonly string[]).includes(value);
}
