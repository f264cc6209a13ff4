/**
 * The Rust reference: npm `tokenizers` (Hugging Face's Rust library through NAPI). Its offsets
 * are CHARACTER (code point) indices — `é😀x` gives x at 2, not 3 — so they are converted here to
 * the UTF-16 indices our engine and the editor use.
 */
import { join } from 'node:path';
import { REPO_ROOT } from './repoRoot';

interface RustEncoding {
  getIds(): number[];
  getTokens(): string[];
  getOffsets(): number[][];
}

export interface RustTokenizer {
  encode(text: string, pair: string | null, options: { addSpecialTokens: boolean }): Promise<RustEncoding>;
  getNormalizer(): { normalizeString(s: string): string } | null;
  getPreTokenizer(): { preTokenizeString(s: string): Array<[string, [number, number]]> } | null;
}

interface RustModule {
  Tokenizer: { fromFile(path: string): RustTokenizer; fromString(json: string): RustTokenizer };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const rust = require('tokenizers') as RustModule;

export function bundledJsonPath(name: string): string {
  return join(REPO_ROOT, 'dist', 'tokenizers', `${name}.json`);
}

export interface PlainToken {
  id: number;
  token: string;
  start: number;
  end: number;
}

/** UTF-16 index of every code point index of `text` (length + 1 entries). */
export function codePointToUtf16(text: string): number[] {
  const map = [0];
  let u = 0;
  for (const ch of text) {
    u += ch.length;
    map.push(u);
  }
  return map;
}

export async function referenceEncode(tok: RustTokenizer, text: string, special: boolean): Promise<PlainToken[]> {
  const e = await tok.encode(text, null, { addSpecialTokens: special });
  const ids = e.getIds();
  const tokens = e.getTokens();
  const offsets = e.getOffsets();
  const map = codePointToUtf16(text);
  return ids.map((id, i) => ({ id, token: tokens[i], start: map[offsets[i][0]], end: map[offsets[i][1]] }));
}

/** A readable account of the first difference between two token lists, or undefined. */
export function firstDifference(text: string, expected: PlainToken[], actual: PlainToken[]): string | undefined {
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    const e = expected[i];
    const a = actual[i];
    if (e && a && e.id === a.id && e.token === a.token && e.start === a.start && e.end === a.end) continue;
    const show = (t: PlainToken | undefined): string =>
      t ? `${t.id} ${JSON.stringify(t.token)} [${t.start},${t.end}) ${JSON.stringify(text.slice(t.start, t.end))}` : '(none)';
    const at = e?.start ?? a?.start ?? 0;
    return [
      `token #${i} of ${expected.length} (reference) / ${actual.length} (ours)`,
      `  reference: ${show(e)}`,
      `  ours:      ${show(a)}`,
      `  context:   ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 40))}`,
    ].join('\n');
  }
  return undefined;
}
