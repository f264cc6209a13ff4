/**
 * What every request handler of the model host shares, written once: the cancellation check, the
 * "no such model" answer, and running an engine task so that a user-fixable engine error becomes
 * `invalidInput` and an abort becomes `cancelled`. A handler reads as
 * check params (params.ts) → get the model (`withModel`) → run the engine task (`runTask`) → result.
 */
import { ModelConfigError } from '../engine/models/config';
import { ModelDirError } from '../engine/models/modelDir';
import { SafetensorsError } from '../engine/models/safetensors';
import { HubError } from '../engine/models/hub/errors';
import { GraphBuildError } from '../engine/graph/modelGraph';
import { TaskError } from '../engine/tasks/errors';
import { TokenizerError } from '../engine/tokenizers/load';
import { HostRequestError } from './protocol';

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
