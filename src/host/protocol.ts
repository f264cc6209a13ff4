/**
 * Messages between the extension host (client) and the model-host process.
 *
 * The channel is Node's IPC from `child_process.fork(..., { serialization: 'advanced' })`, which
 * structured-clones messages: typed arrays (tensors, model bytes) cross as typed arrays, copied
 * as binary, never as nested JSON arrays. Plain Node: nothing here imports `vscode`.
 */
import type { DeviceKind, DevicePreference, TensorData } from '../engine/runtime/types';
import type { ModelCardFacts } from '../engine/models/modelDir';
import type { TokenSpan } from '../engine/tokenizers/types';
import type {
  CompareAtCursorResult,
  FillMaskResult,
  GenerateOptions,
  GenerateResult,
  GenerationStep,
  MlmDemoResult,
  SurprisalResult,
} from '../engine/tasks/taskTypes';

/** The bounds of the host's loaded-model cache (host options; see `host/configure`). */
export interface ModelLimits {
  /** Models open at once. */
  maxModels: number;
  /** Bytes of their graphs (`Infinity`: no bound). */
  maxBytes: number;
}

/** Every request method with its params and result. */
export interface HostRequests {
  /**
   * The host's state: process, backend, models open and the limits of the loaded-model cache.
   * `limits` given: changes them first (models beyond the new bounds are released, least recently
   * used first); the host was started with the settings' limits, this applies a change of them.
   */
  'host/configure': {
    params: { limits?: Partial<ModelLimits> };
    result: { pid: number; backend: string; models: number; limits: ModelLimits };
  };
  /**
   * Opens a model for the tasks below: `spec` is a model folder, or a Hub id already complete in
   * the HF cache (resolved offline; the extension downloads beforehand). Loading the same folder
   * on the same device again returns the same modelId. Loaded models are kept in an LRU bounded
   * by the host's limits (its options, see `host/configure`).
   */
  'model/load': {
    params: { spec: string; device: DevicePreference; gpuId?: number };
    result: {
      modelId: string;
      family: 'gpt2' | 'bert' | 'distilbert' | 'roberta';
      label: string;
      device: DeviceKind;
      fallbackReason?: string;
      tokenizerSpec: string;
      maskToken?: string;
      numLayers: number;
      numHeads: number;
      contextLength: number;
      vocabSize: number;
    };
  };
  /** Attention probabilities of `text`: one float32 [H, T, T] tensor per requested layer (all when absent). */
  'model/attention': {
    params: { modelId: string; text: string; layers?: number[] };
    result: { tokens: TokenSpan[]; attentions: TensorData[] };
  };
  /** Frees a loaded model; its id is invalid afterwards. */
  'model/release': {
    params: { modelId: string };
    result: { released: true };
  };
  /** The model card of a folder or cached Hub id (config figures, parameters, files), from headers only. */
  'model/card': {
    params: { spec: string };
    result: ModelCardFacts;
  };
  /**
   * Fill-mask on an encoder (masked-LM) model: `[MASK]`/`<mask>` in any spelling is mapped to the
   * model's mask token; `targets` are the user's own candidates (probability and rank each).
   * `word` given: the characters [start, end) of `text` are masked first, one mask per token of the
   * model's tokenizer (engine `maskWord`), and `masked` says what the model read.
   */
  'model/fillMask': {
    params: { modelId: string; text: string; topK?: number; targets?: string[]; word?: { start: number; end: number } };
    result: FillMaskResult & { masked?: { text: string; maskCount: number } };
  };
  /** BERT's training-time corruption (15 %: 80/10/10, seeded) and what the model recovers. */
  'model/mlmDemo': {
    params: { modelId: string; text: string; seed: number; rate?: number; topK?: number };
    result: MlmDemoResult;
  };
  /**
   * Generation on a causal model with the KV cache. Every step is also sent as progress
   * (`stage: 'generating'` with `step`), so a client can stream. Cancelling the request rejects
   * it with `cancelled` on the client; the host stops generating at the next step.
   */
  'model/generate': {
    params: { modelId: string; prompt: string; options: GenerateOptions };
    result: GenerateResult;
  };
  /** Surprisal of every token (causal models) or pseudo-perplexity (encoders); progress `running` done/total. */
  'model/surprisal': {
    params: { modelId: string; text: string; topK?: number; window?: number; stride?: number };
    result: SurprisalResult;
  };
  /** The word at `offset`: the masked model's prediction from both sides, the causal model's from the left. */
  'model/compare': {
    params: { maskedModelId: string; causalModelId: string; text: string; offset: number; topK?: number };
    result: CompareAtCursorResult;
  };
  /**
   * The learned position embeddings of a loaded model (`wpe` / `position_embeddings`): the first
   * `rows` rows (all when absent) as float32 [rows, d]; `offset` = the table rows skipped (RoBERTa's 2).
   */
  'model/positions': {
    params: { modelId: string; rows?: number };
    result: { name: string; offset: number; table: TensorData };
  };
}

export type HostMethod = keyof HostRequests;
export type ParamsOf<M extends HostMethod> = HostRequests[M]['params'];
export type ResultOf<M extends HostMethod> = HostRequests[M]['result'];

/** Written as a record so that a method added to HostRequests but not here is a compile error. */
const METHOD_SET: Record<HostMethod, true> = {
  'host/configure': true,
  'model/load': true, 'model/attention': true, 'model/release': true, 'model/card': true,
  'model/fillMask': true, 'model/mlmDemo': true, 'model/generate': true, 'model/surprisal': true, 'model/compare': true,
  'model/positions': true,
};
export const HOST_METHODS = Object.keys(METHOD_SET) as readonly HostMethod[];

export function isHostMethod(value: unknown): value is HostMethod {
  return typeof value === 'string' && (HOST_METHODS as readonly string[]).includes(value);
}

/**
 * Machine-readable error codes; the UI localizes from the code, `message` gives the details.
 * `invalidInput`: a user-fixable problem with a model or its input (missing folder, text too long, bad layer).
 */
export const HOST_ERROR_CODES = [
  'cancelled', 'timeout', 'hostDied', 'unknownMethod', 'invalidParams', 'unknownModel', 'invalidInput', 'backendUnavailable', 'backendError', 'internal',
] as const;
export type HostErrorCode = (typeof HOST_ERROR_CODES)[number];

export interface HostErrorPayload {
  code: HostErrorCode;
  message: string;
}

/** What a long request reports while it works. Stages are codes so the UI can localize them. */
export interface HostProgress {
  stage: 'loadingModel' | 'buildingGraph' | 'creatingSession' | 'running' | 'generating';
  /** Units done so far and in total (bytes for `loadingModel`), when known. */
  done?: number;
  total?: number;
  /** `generating`: the step just generated (streaming). */
  step?: GenerationStep;
}

/** A request as sent: one variant per method, so params always match the method. */
export type RequestMessage = {
  [M in HostMethod]: { kind: 'request'; id: number; method: M; params: ParamsOf<M> };
}[HostMethod];

export interface CancelMessage {
  kind: 'cancel';
  id: number;
}

/** Client → host. */
export type ToHostMessage = RequestMessage | CancelMessage;

export type ResultMessage = {
  [M in HostMethod]: { kind: 'result'; id: number; method: M; result: ResultOf<M> };
}[HostMethod];

export interface ErrorMessage {
  kind: 'error';
  id: number;
  error: HostErrorPayload;
}

export interface ProgressMessage {
  kind: 'progress';
  id: number;
  progress: HostProgress;
}

/** Sent once when the host listens, before any answer. */
export interface ReadyMessage {
  kind: 'ready';
  pid: number;
  backend: string;
}

/** Host → client. */
export type FromHostMessage = ResultMessage | ErrorMessage | ProgressMessage | ReadyMessage;

/** What the host must implement: a missing handler is a compile error. */
export interface RequestContext {
  /** Aborted when the client cancels the request. */
  readonly signal: AbortSignal;
  progress(p: HostProgress): void;
}
export type HostHandlers = {
  [M in HostMethod]: (params: ParamsOf<M>, ctx: RequestContext) => Promise<ResultOf<M>>;
};

/** An error that carries a protocol code across the process boundary. */
export class HostRequestError extends Error {
  constructor(
    readonly code: HostErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HostRequestError';
  }
}

/**
 * The code an error carries across the boundary: a HostRequestError's, or a protocol code on an
 * error of another copy of this module (a --test-module's); undefined for anything else.
 */
export function hostErrorCode(e: unknown): HostErrorCode | undefined {
  if (e instanceof HostRequestError) return e.code;
  const code = e instanceof Error ? (e as Error & { code?: unknown }).code : undefined;
  return (HOST_ERROR_CODES as readonly unknown[]).includes(code) ? (code as HostErrorCode) : undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
