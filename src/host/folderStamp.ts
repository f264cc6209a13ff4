/**
 * A stamp of a model folder's files, so that loading a folder again after its files changed opens
 * it again instead of reusing the model already open (whose session holds the old weights).
 *
 * Each file directly in the folder counts with its name, size, modification time (nanoseconds),
 * inode and, for a link, its target: in the Hugging Face cache a snapshot's files link to
 * `blobs/<sha256 of the content>`, so there the content hash itself is part of the stamp. Stats
 * only — no file is read (hashing 500 MB of weights on every load would cost seconds; the graph
 * cache hashes them once when a graph is built). Sub-folders are not looked into.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';

/** Files looked at, at most (a model folder holds a handful; a huge folder is not a model's). */
const MAX_FILES = 4096;

export async function folderStamp(dir: string): Promise<string> {
  const entries = (await fs.readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() || e.isSymbolicLink());
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const lines = await Promise.all(
    entries.slice(0, MAX_FILES).map(async (e) => {
      const path = join(dir, e.name);
      const target = e.isSymbolicLink() ? await fs.readlink(path).catch(() => '?') : '';
      const s = await fs.stat(path, { bigint: true }).catch(() => undefined);
      if (s && !s.isFile()) return ''; // a link to a folder
      return `${e.name}\t${target}\t${s ? `${s.size}:${s.mtimeNs}:${s.ino}` : 'missing'}`;
    }),
  );
  return createHash('sha256').update(`${entries.length}\n${lines.join('\n')}`).digest('hex');
}
