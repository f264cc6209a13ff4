/**
 * The reference-comparison corpus, rebuilt deterministically at test time from what any machine
 * has after `npm install` (plus what is there when it is there):
 *   English prose  — the README/markdown files of node_modules;
 *   code           — non-minified .js / .d.ts files of node_modules;
 *   French         — the course material in ../shared/seeds (skipped when absent);
 *   King James     — Debian's `bible` command (skipped when not installed);
 *   Unicode stress — generated: accents (composed and decomposed), emoji with ZWJ and flags,
 *                    CJK, Arabic, Hindi, Greek with final sigma, \r\n, tabs, long whitespace,
 *                    control characters, added tokens, over-long words.
 * Each source is cut into chunks of at most 4 KB (at paragraph or line boundaries), so that a
 * mismatch points at a chunk small enough to read.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { unicodeStressText } from './unicodeStress';
import { REPO_ROOT } from './repoRoot';

export const CHUNK_CHARS = 4096;
/** The corpus must reach this many UTF-8 bytes (1 MiB). */
export const MIN_CORPUS_BYTES = 1024 * 1024;

export interface Chunk {
  source: string;
  index: number;
  text: string;
}

export interface Corpus {
  chunks: Chunk[];
  bytes: number;
  bytesBySource: Record<string, number>;
}

function walk(dir: string, keep: (path: string) => boolean, out: string[], depth = 0): void {
  if (depth > 8) return;
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of entries) {
    const path = join(dir, name);
    let st;
    try {
      st = statSync(path);
    } catch {
      continue;
    }
    if (st.isDirectory()) walk(path, keep, out, depth + 1);
    else if (st.isFile() && keep(path)) out.push(path);
  }
}

function utf8(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Text from the files, in path order, until `budget` bytes. */
function collect(files: string[], budget: number, accept: (text: string) => boolean): string {
  const parts: string[] = [];
  let size = 0;
  for (const f of files) {
    if (size >= budget) break;
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    if (!accept(text)) continue;
    const piece = text.length > budget - size ? text.slice(0, budget - size) : text;
    parts.push(piece);
    size += utf8(piece);
  }
  return parts.join('\n\n');
}

function notMinified(text: string): boolean {
  const lines = text.split('\n');
  return text.length > 500 && text.length / lines.length < 120;
}

/** Cuts text into chunks of at most CHUNK_CHARS, at paragraph, then line, then space boundaries. */
export function chunkText(source: string, text: string): Chunk[] {
  const chunks: Chunk[] = [];
  let rest = text;
  while (rest.length > 0) {
    let cut = rest.length;
    if (cut > CHUNK_CHARS) {
      const window = rest.slice(0, CHUNK_CHARS);
      cut = Math.max(window.lastIndexOf('\n\n'), window.lastIndexOf('\n'), window.lastIndexOf(' '));
      if (cut < CHUNK_CHARS / 2) cut = CHUNK_CHARS;
      const c = rest.charCodeAt(cut - 1);
      if (c >= 0xd800 && c <= 0xdbff) cut--;
    }
    chunks.push({ source, index: chunks.length, text: rest.slice(0, cut) });
    rest = rest.slice(cut);
  }
  return chunks;
}

function seedsDir(): string | undefined {
  return [join(REPO_ROOT, '..', 'shared', 'seeds'), '/work/shared/seeds'].find((d) => existsSync(d));
}

let cached: Corpus | undefined;

export function buildCorpus(): Corpus {
  if (cached) return cached;
  const sources: Array<[string, string]> = [];
  const seeds = seedsDir();
  if (seeds) {
    const files = readdirSync(seeds).filter((f) => /^\d+_.*\.txt$/.test(f)).sort().map((f) => join(seeds, f));
    sources.push(['french', collect(files, 200_000, () => true)]);
  }
  const bible = spawnSync('bible', ['-f', 'Gen1:1-Ex40:38'], { encoding: 'utf8', timeout: 20_000, maxBuffer: 64 << 20 });
  if (bible.status === 0 && bible.stdout.length > 10_000) sources.push(['kjv', bible.stdout.slice(0, 150_000)]);
  sources.push(['unicode', unicodeStressText(150_000)]);
  const nodeModules = join(REPO_ROOT, 'node_modules');
  const have = sources.reduce((n, [, t]) => n + utf8(t), 0);
  const remaining = Math.max(0, 1.12 * MIN_CORPUS_BYTES - have);
  const markdown: string[] = [];
  walk(nodeModules, (p) => /\.md$/i.test(p) && !/CHANGELOG|HISTORY/i.test(p), markdown);
  sources.push(['english', collect(markdown, remaining * 0.55, (t) => t.length > 1000)]);
  const code: string[] = [];
  walk(nodeModules, (p) => /\.(d\.ts|js)$/.test(p) && !/\.min\.js$/.test(p) && !/tokenizers\.(cjs|mjs)$/.test(p), code);
  const englishBytes = utf8(sources[sources.length - 1][1]);
  sources.push(['code', collect(code, 1.12 * MIN_CORPUS_BYTES - have - englishBytes, notMinified)]);
  const chunks = sources.flatMap(([name, text]) => chunkText(name, text));
  const bytesBySource: Record<string, number> = {};
  for (const [name, text] of sources) bytesBySource[name] = utf8(text);
  cached = { chunks, bytes: Object.values(bytesBySource).reduce((a, b) => a + b, 0), bytesBySource };
  return cached;
}

/** Where a chunk's text came from, for failure messages. */
export function describeChunk(c: Chunk): string {
  return `${c.source} chunk #${c.index}`;
}

