/**
 * The 2-s limit is meant as 2 s of an idle core. On a machine shared with other work a case can
 * take longer through no fault of its own, so the watchdog's wall-clock limit grows with the load
 * (at most 4×), and a case that answers counts as a hang only if both its wall and CPU time passed 2 s.
 */
import { availableParallelism, loadavg } from 'node:os';

export function loadFactor(): number {
  return Math.min(4, Math.max(1, loadavg()[0] / availableParallelism()));
}
