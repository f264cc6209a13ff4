/**
 * The Hugging Face cache layout, exactly as Python's `huggingface_hub` writes it:
 *
 *   <cacheDir>/models--org--name/
 *     blobs/<etag>                 file contents, named by sha256 (LFS) or git blob sha1 (small files)
 *     blobs/<etag>.incomplete      a download in progress (resumed with an HTTP Range request)
 *     refs/<revision>              the commit hash a branch/tag pointed to (no newline)
 *     snapshots/<commit>/<path>    relative symlink to ../../blobs/<etag> (a copy where symlinks fail)
 */
import { copyFileSync, statSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { quoteValue } from '../../errorText';
import { HubError } from './errors';
import { existsOrLink } from '../existsOrLink';

export const COMMIT_HASH = /^[0-9a-f]{40}$/;

/**
 * A blob's name: the git blob sha1 (40 hex digits) of a small file or the sha256 (64) of an LFS
 * file, as the Hub gives them. Nothing else is accepted, so a name can never be a path (`.`, `..`,
 * `a/b`), never collide with the cache's own `.lock` / `.incomplete` / `.tmp` files, and every
 * blob is checked against its content hash (no size-only downloads).
 */
export const BLOB_NAME = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** `gpt2` → `models--gpt2`, `FacebookAI/roberta-base` → `models--FacebookAI--roberta-base`. */
export function repoFolderName(repoId: string): string {
  return ['models', ...repoId.split('/')].join('--');
}

/** A repo id the Hub accepts: `name` or `org/name`, letters, digits, `-_.` only. */
export function isValidRepoId(repoId: string): boolean {
  return /^(?:[A-Za-z0-9][\w.-]*\/)?[A-Za-z0-9][\w.-]*$/.test(repoId) && !repoId.includes('..') && !repoId.includes('--');
}

export class RepoCache {
  readonly root: string;
  constructor(cacheDir: string, readonly repoId: string) {
    this.root = join(cacheDir, repoFolderName(repoId));
  }

  /** Where the blob named `etag` goes; refuses anything but a BLOB_NAME. */
  blobPath(etag: string): string {
    if (!BLOB_NAME.test(etag)) throw new HubError('protocol', `Refusing the blob name ${quoteValue(etag)}: not a 40- or 64-digit hex blob id.`);
    return join(this.root, 'blobs', etag);
  }
  incompletePath(etag: string): string {
    return `${this.blobPath(etag)}.incomplete`;
  }
  snapshotDir(commit: string): string {
    return join(this.root, 'snapshots', commit);
  }
  /** Path of a repo file inside a snapshot; refuses paths escaping the snapshot. */
  snapshotFile(commit: string, repoPath: string): string {
    const dir = this.snapshotDir(commit);
    const path = join(dir, ...repoPath.split('/'));
    if (!path.startsWith(dir + sep)) throw new Error(`Refusing file path outside the snapshot: ${repoPath}`);
    return path;
  }
  refPath(revision: string): string {
    return join(this.root, 'refs', ...revision.split('/'));
  }

  /** The commit a revision names in this cache: a commit hash is itself; a branch is read from refs/. */
  commitFor(revision: string): string | undefined {
    if (COMMIT_HASH.test(revision)) return revision;
    try {
      const commit = readFileSync(this.refPath(revision), 'utf8').trim();
      return COMMIT_HASH.test(commit) ? commit : undefined;
    } catch {
      return undefined;
    }
  }

  writeRef(revision: string, commit: string): void {
    if (revision === commit) return;
    const path = this.refPath(revision);
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, commit);
    renameSync(tmp, path);
  }

  /**
   * Make `snapshots/<commit>/<repoPath>` point to the verified blob: a relative symlink, else
   * (Windows without developer mode, some network drives) a copy moved into place.
   */
  linkIntoSnapshot(commit: string, repoPath: string, etag: string, makeSymlink: (target: string, path: string) => void = symlinkSync): void {
    const pointer = this.snapshotFile(commit, repoPath);
    const blob = this.blobPath(etag);
    mkdirSync(dirname(pointer), { recursive: true });
    if (existsOrLink(pointer)) rmSync(pointer, { force: true });
    try {
      makeSymlink(relative(dirname(pointer), blob), pointer);
    } catch {
      const tmp = `${pointer}.${process.pid}.tmp`;
      copyFileSync(blob, tmp);
      renameSync(tmp, pointer);
    }
  }
}

/** True if the path exists and (through any symlink) is a file. */
export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
