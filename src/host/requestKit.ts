/**
 * What every request handler of the model host shares, written once: the shape of a handler group
 * (`Handlers<R>` of the group's request types), the request's context (cancel signal, progress),
 * the cancellation check, the "no such model" answer, and running an engine task so that a
 * user-fixable engine error becomes `invalidInput` and an abort becomes `cancelled`. A handler reads
 * as check params (params.ts) → get the model (`models.use`) → run the engine task (`runTask`) → result.
 */
import { ModelConfigError } from '../engine/models/config';
import { ModelDirError } from '../engine/models/modelDir';
import { SafetensorsError } from '../engine/models/safetensors';
import { HubError } from '../engine/models/hub/errors';
import { GraphBuildError } from '../engine/graph/modelGraph';
import { TaskError } from '../engine/tasks/errors';
import type { GenerationStep } from '../engine/tasks/taskTypes';
import { TokenizerError } from '../engine/tokenizers/load';
import { HostRequestError } from './hostErrors';

/** What a long request reports while it works. Stages are codes so the UI can localize them. */
export interface HostProgress {
  stage: 'loadingModel' | 'buildingGraph' | 'creatingSession' | 'running' | 'generating';
  /** Units done so far and in total (bytes for `loadingModel`), when known. */
  done?: number;
  total?: number;
  /** `generating`: the step just generated (streaming). */
  step?: GenerationStep;
}

/** What a handler gets beside its params. */
export interface RequestContext {
  /** Aborted when the client cancels the request. */
  readonly signal: AbortSignal;
  progress(p: HostProgress): void;
}

/** One request method's types: the params the client sends, the result it gets. */
export interface RequestSpec {
  params: object;
  result: unknown;
}

/**
 * The handlers of a group of requests (`R`: method → { params, result }), one per method: a method
 * of `R` without a handler, or a handler for a method `R` does not declare, is a compile error.
 */
export type Handlers<R extends { [M in keyof R]: RequestSpec }> = {
  [M in keyof R]: (params: R[M]['params'], ctx: RequestContext) => Promise<R[M]['result']>;
};

/** The message of every request answered `cancelled` by the client's cancel. */
export const CANCELLED_MESSAGE = 'the request was cancelled';

/** Throws `cancelled` when the request's signal is aborted. */
export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new HostRequestError('cancelled', CANCELLED_MESSAGE);
}

/** The answer to a model id this host does not hold (released, evicted, or from a host that died). */
export function unknownModel(id: string): HostRequestError {
  return new HostRequestError('unknownModel', `no model "${id}" (released, evicted to make room, or loaded by an earlier host)`);
}

const USER_ERRORS = [TaskError, ModelDirError, ModelConfigError, SafetensorsError, HubError, GraphBuildError, TokenizerError];

/** Errors a user can fix (wrong folder, bad config, text too long) → `invalidInput`; others unchanged. */
export function asHostError(e: unknown): unknown {
  if (USER_ERRORS.some((k) => e instanceof k)) return new HostRequestError('invalidInput', (e as Error).message);
  return e;
}

/**
 * Runs an engine task: user-fixable errors become `invalidInput`, and a request cancelled while it
 * ran answers `cancelled` (whatever the task returned or threw).
 */
export async function runTask<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  try {
    const result = await work();
    throwIfCancelled(signal);
    return result;
  } catch (e) {
    throwIfCancelled(signal);
    throw asHostError(e);
  }
}
