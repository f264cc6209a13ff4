/** The host may already start its CPU-fallback reason with the words of the notice: drop them. */
export function withoutPrefix(reason: string): string {
  return reason.replace(/^CUDA unavailable, running on CPU:\s*/i, '');
}
