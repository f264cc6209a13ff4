/**
 * Compiled line → TypeScript line, from the .js.map next to a compiled file, for the frame an
 * internal error names. Done by hand for the few internal errors: running the workers with
 * --enable-source-maps slows every case by about a tenth.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { REPO_ROOT } from './paths';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The source-map VLQ values of one segment. */
function decodeSegment(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = B64.indexOf(ch);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

interface Mapped {
  sources: string[];
  /** Per generated line: [generated column, source index, original line] of each segment. */
  lines: Array<Array<[number, number, number]>>;
}

const maps = new Map<string, Mapped | undefined>();

function load(jsFile: string): Mapped | undefined {
  if (maps.has(jsFile)) return maps.get(jsFile);
  let mapped: Mapped | undefined;
  if (existsSync(`${jsFile}.map`)) {
    const raw = JSON.parse(readFileSync(`${jsFile}.map`, 'utf8')) as { sources: string[]; mappings: string };
    let source = 0;
    let line = 0;
    mapped = {
      sources: raw.sources.map((s) => join(dirname(jsFile), s)),
      lines: raw.mappings.split(';').map((text) => {
        let column = 0;
        return text.split(',').filter(Boolean).map((seg): [number, number, number] => {
          const [dc, ds = 0, dl = 0] = decodeSegment(seg);
          column += dc;
          source += ds;
          line += dl;
          return [column, source, line];
        });
      }),
    };
  }
  maps.set(jsFile, mapped);
  return mapped;
}

/** `src/engine/x.ts:12` for a compiled file's 1-based line and column, or undefined without a map. */
export function originalPosition(jsFile: string, line: number, column: number): string | undefined {
  const m = load(jsFile);
  const segments = m?.lines[line - 1];
  if (!m || !segments?.length) return undefined;
  const seg = [...segments].reverse().find(([c]) => c <= column - 1) ?? segments[0];
  return `${relative(REPO_ROOT, m.sources[seg[1]]).replace(/\\/g, '/')}:${seg[2] + 1}`;
}
