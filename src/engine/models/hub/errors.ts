/** One error type for everything the Hub layer can report, with a one-line, user-readable message. */
import { oneLine } from '../../errorText';

export type HubErrorKind =
  | 'offline-not-cached' // HF_HUB_OFFLINE=1 and the model is not (fully) in the cache
  | 'unauthorized' // 401 / 403
  | 'not-found' // 404: model, revision or file
  | 'network' // connection refused, DNS, reset
  | 'timeout' // no byte for too long
  | 'integrity' // sha256 / git sha1 / size mismatch
  | 'cancelled' // AbortSignal fired
  | 'no-weights' // the repo holds no safetensors weights
  | 'http' // any other HTTP status
  | 'protocol'; // malformed answer from the server

export class HubError extends Error {
  constructor(
    readonly kind: HubErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(oneLine(message));
    this.name = 'HubError';
  }
}

export function isHubError(e: unknown, kind?: HubErrorKind): e is HubError {
  return e instanceof HubError && (kind === undefined || e.kind === kind);
}
