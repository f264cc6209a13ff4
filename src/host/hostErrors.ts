/**
 * What crosses the process boundary at run time, besides the messages' types (protocol.ts): the
 * error codes, the error that carries one, and the object check every message and params object
 * passes first. A leaf (no imports): the extension side and the host's handlers both import it.
 */

/**
 * Machine-readable error codes; the UI localizes from the code, `message` gives the details.
 * `unknownAnalysis`: an attention analysis the host no longer keeps (evicted, or from an earlier host): analyse the text again.
 * `invalidInput`: a user-fixable problem with a model or its input (missing folder, text too long, bad layer).
 */
export const HOST_ERROR_CODES = [
  'cancelled', 'timeout', 'hostDied', 'unknownMethod', 'invalidParams', 'unknownModel', 'unknownAnalysis', 'invalidInput', 'backendUnavailable', 'backendError', 'internal',
] as const;
export type HostErrorCode = (typeof HOST_ERROR_CODES)[number];

export interface HostErrorPayload {
  code: HostErrorCode;
  message: string;
}

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
