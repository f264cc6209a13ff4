/** The one error type of GPU enabling (NuGet feed, download, zip, install), with a one-line message a user can act on. */

export type CudaProviderErrorKind =
  | 'unsupported-platform' // the CUDA provider exists for linux-x64 only
  | 'network' // connection refused, DNS, reset: offline or the feed is unreachable
  | 'timeout' // no byte for too long
  | 'not-found' // 404, or the feed lacks the onnxruntime-node version
  | 'integrity' // SHA-512 / size / CRC mismatch
  | 'cancelled'
  | 'disk' // cannot write (permissions, disk full)
  | 'http' // any other HTTP status
  | 'protocol'; // an answer that is not what the NuGet v3 protocol or the zip format says

export class CudaProviderError extends Error {
  constructor(
    readonly kind: CudaProviderErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message.replace(/\s*\n\s*/g, ' '));
    this.name = 'CudaProviderError';
  }
}

export function isCudaProviderError(e: unknown, kind?: CudaProviderErrorKind): e is CudaProviderError {
  return e instanceof CudaProviderError && (kind === undefined || e.kind === kind);
}

/** A file-system failure while writing `what` → a `disk` error naming the folder and the reason. */
export function diskError(e: unknown, what: string): CudaProviderError {
  if (e instanceof CudaProviderError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOSPC' ? 'the disk is full'
    : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'no permission to write there'
    : code ?? (e instanceof Error ? e.message : String(e));
  return new CudaProviderError('disk', `Cannot write ${what}: ${why}.`);
}
