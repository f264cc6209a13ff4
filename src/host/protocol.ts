/**
 * Messages between the extension host (client) and the model-host process.
 *
 * The channel is Node's IPC from `child_process.fork(..., { serialization: 'advanced' })`, which
 * structured-clones messages: typed arrays (tensors, model bytes) cross as typed arrays, copied
 * as binary, never as nested JSON arrays. Plain Node: nothing here imports `vscode`.
 *
 * The request methods are declared by the host's handler groups, each next to its handlers
 * (handlers.ts says where a new one goes); this file composes them into `HostRequests`. It imports
 * them with `import type` only, so the extension side (client.ts, the features bundle) never
 * bundles the handlers' code: at run time it reaches hostErrors.ts only.
 */
import type { AttentionRequests } from './attentionHandlers';
import type { AttentionViewRequests } from './attentionViewHandlers';
import type { CoreRequests } from './handlers';
import type { HostErrorPayload } from './hostErrors';
import type { InsideRequests } from './insideHandlers';
import type { ModelRequests } from './modelHandlers';
import type { Handlers, HostProgress } from './requestKit';
import type { TaskRequests } from './taskHandlers';

export { HostRequestError, isObject, type HostErrorCode, type HostErrorPayload } from './hostErrors';
export type { ModelLimits } from './loadedModels';
export type { HostProgress } from './requestKit';

/** Every request method with its params and result: the union of the handler groups' requests. */
export interface HostRequests extends CoreRequests, ModelRequests, TaskRequests, AttentionRequests, AttentionViewRequests, InsideRequests {}

export type HostMethod = keyof HostRequests;
export type ParamsOf<M extends HostMethod> = HostRequests[M]['params'];
export type ResultOf<M extends HostMethod> = HostRequests[M]['result'];

/** What the host implements: every method's handler (a missing one is a compile error). */
export type HostHandlers = Handlers<HostRequests>;

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
