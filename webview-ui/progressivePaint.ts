// Work spread over animation frames (the model view's thumbnails): a few jobs per frame, never
// blocking the page. DOM-free (the frame scheduler is passed in), so it is unit-tested in Node.

/** Time per animation frame given to the jobs: the page stays responsive while 144 thumbnails are painted. */
export const FRAME_BUDGET_MS = 6;

/**
 * Runs `jobs` in order, from the next frame on: at least one per frame, then as many as fit in
 * FRAME_BUDGET_MS; stops when `owner` has left the page (another tab was drawn).
 */
export function paintProgressively(owner: { readonly isConnected: boolean }, jobs: Array<() => void>, nextFrame: (f: () => void) => unknown): void {
  let next = 0;
  let started = false;
  const frame = (): void => {
    if (started && !owner.isConnected) return;
    started = true;
    const t0 = performance.now();
    do jobs[next++]?.();
    while (next < jobs.length && performance.now() - t0 < FRAME_BUDGET_MS);
    if (next < jobs.length) nextFrame(frame);
  };
  if (jobs.length) nextFrame(frame);
}
