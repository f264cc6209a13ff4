/**
 * The identity of checkpoint files, for graph cache keys: the sha256 of each one's content.
 *
 * Reading 500 MB on every load is avoided by remembering each file's hash with its stat — size,
 * modification time, change time and inode — in memory and in `<memoDir>/weights-sha256.json`.
 * The change time is the part a user cannot set back: copying new weights over a file (`cp`,
 * even `cp -p`, which keeps the old modification time), or replacing it (a new inode), changes it,
 * so a changed checkpoint is hashed again rather than taken for the one remembered.
 *
 * A blob of the Hugging Face cache is named by its sha256 (checked by whoever downloaded it), so
 * the name is taken as the hash the first time the blob is seen, and only re-read once its stat
 * changes (weights copied over a snapshot link write into the blob).
 */
import { mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { hashFile } from './fileHash';

const HASHES_FILE = 'weights-sha256.json';
const MEMO_FORMAT = 'trex-weights-sha256/2';
/** A memo holds one line per checkpoint file used; far larger is not ours. */
const MAX_MEMO_BYTES = 4 << 20;

interface Remembered {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  sha256: string;
}
type Stamp = Omit<Remembered, 'sha256'>;

/** Remembered hashes of this process, by real path. */
const known = new Map<string, Remembered>();

const sameStamp = (a: Stamp, b: Stamp): boolean => a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;

function isRemembered(v: unknown): v is Remembered {
  const r = v as Partial<Remembered> | null;
  return typeof r?.sha256 === 'string' && /^[0-9a-f]{64}$/.test(r.sha256) && [r.size, r.mtimeMs, r.ctimeMs, r.ino].every((n) => typeof n === 'number');
}

function readMemo(file: string): Map<string, Remembered> {
  try {
    if (statSync(file).size > MAX_MEMO_BYTES) return new Map();
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { format?: unknown; files?: unknown } | null;
    if (parsed?.format !== MEMO_FORMAT || typeof parsed.files !== 'object' || parsed.files === null) return new Map();
    return new Map(Object.entries(parsed.files).filter((e): e is [string, Remembered] => isRemembered(e[1])));
  } catch {
    return new Map(); // missing, damaged or from an older version: hashes are recomputed
  }
}

/** Best effort: a memo that cannot be written only costs a re-read next time. */
function writeMemo(file: string, memo: ReadonlyMap<string, Remembered>): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, JSON.stringify({ format: MEMO_FORMAT, files: Object.fromEntries(memo) }, null, 1));
    renameSync(tmp, file);
  } catch {
    rmQuietly(tmp);
  }
}

function rmQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // a folder that cannot be written holds no temporary file either
  }
}

/**
 * `sha256|sha256|…` of `files`, in order. With `memoDir`, hashes are remembered on disk
 * (`<memoDir>/weights-sha256.json`) so the next session does not read the files again.
 */
export function checkpointIdentity(files: readonly string[], memoDir?: string): string {
  const memoFile = memoDir === undefined ? undefined : join(memoDir, HASHES_FILE);
  const onDisk = memoFile === undefined ? new Map<string, Remembered>() : readMemo(memoFile);
  let changed = false;
  const hashes = files.map((file) => {
    const real = realpathSync(file);
    const { size, mtimeMs, ctimeMs, ino } = statSync(real);
    const stamp: Stamp = { size, mtimeMs, ctimeMs, ino };
    const before = known.get(real) ?? onDisk.get(real);
    let sha256: string;
    if (before !== undefined && sameStamp(before, stamp)) sha256 = before.sha256;
    else if (before === undefined && /^[0-9a-f]{64}$/.test(basename(real))) sha256 = basename(real);
    else sha256 = hashFile(real).sha256;
    const now = { ...stamp, sha256 };
    known.set(real, now);
    const disk = onDisk.get(real);
    if (disk === undefined || !sameStamp(disk, stamp) || disk.sha256 !== sha256) {
      onDisk.set(real, now);
      changed = true;
    }
    return sha256;
  });
  if (memoFile !== undefined && changed) writeMemo(memoFile, onDisk);
  return hashes.join('|');
}
