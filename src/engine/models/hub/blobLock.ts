/**
 * A per-blob lock across processes (the extension's model host and a `trex` CLI may fetch the
 * same model at once): `blobs/<etag>.lock` created exclusively, holding the owner's pid. A lock
 * whose process is gone is stale and taken over; otherwise we wait until it is released.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { cancelledError } from './http';

export interface BlobLock {
  release(): void;
}

function holderIsAlive(lockPath: string): boolean {
  let owner: string;
  try {
    owner = readFileSync(lockPath, 'utf8');
  } catch {
    return false; // released meanwhile
  }
  const [pidText, host] = owner.split(' ');
  const pid = Number(pidText);
  if (host !== hostname()) return true; // another machine (shared drive): cannot check, respect it
  if (!Number.isInteger(pid) || pid <= 0) return false; // garbage: stale
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryCreate(lockPath: string): boolean {
  try {
    const fd = openSync(lockPath, 'wx');
    writeSync(fd, `${process.pid} ${hostname()}`);
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/** Take the lock, waiting (polling every `pollMs`) while a live process holds it. */
export async function acquireBlobLock(lockPath: string, subject: string, signal?: AbortSignal, pollMs = 200): Promise<BlobLock> {
  for (;;) {
    if (signal?.aborted) throw cancelledError(subject);
    if (tryCreate(lockPath)) return { release: () => rmSync(lockPath, { force: true }) };
    if (!holderIsAlive(lockPath)) {
      rmSync(lockPath, { force: true });
      continue;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
