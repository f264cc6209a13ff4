/**
 * Regenerates src/engine/tokenizers/unicodeReferenceTables.ts: for every code point, where this
 * runtime's Unicode properties and the Rust reference disagree. Slow (~30 s); run through
 * `TREX_PRINT_UNICODE_TABLES=1 node --test out/test/unit/engine/tokenizers/unicodeReference.test.js`.
 */
import { rustWith } from './referenceComponents';

type Ranges = number[];

function toRanges(cps: number[]): Ranges {
  const out: Ranges = [];
  for (const cp of cps) {
    if (out.length > 0 && out[out.length - 1] === cp - 1) out[out.length - 1] = cp;
    else out.push(cp, cp);
  }
  return out;
}

export function referenceDifferences(): Record<string, Ranges> {
  const bn = (o: object): object => ({ type: 'BertNormalizer', clean_text: false, handle_chinese_chars: false, strip_accents: false, lowercase: false, ...o });
  const norm = (c: object): ((s: string) => string) => {
    const n = rustWith(c, null).getNormalizer();
    return (s) => (n ? n.normalizeString(s) : s);
  };
  const pre = (c: object): ((s: string) => number) => {
    const p = rustWith(null, c).getPreTokenizer();
    return (s) => (p ? p.preTokenizeString(s).length : 0);
  };
  const clean = norm(bn({ clean_text: true }));
  const strip = norm(bn({ strip_accents: true }));
  const stripMarks = norm({ type: 'StripAccents' });
  const nfd = norm({ type: 'NFD' });
  const nfkd = norm({ type: 'NFKD' });
  const bertPre = pre({ type: 'BertPreTokenizer' });
  const gpt = pre({ type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true });
  const ws = pre({ type: 'Whitespace' });
  const sets: Record<string, number[]> = {
    punctNotInReference: [], mnNotInReference: [], letterNotInReference: [], wordNotInReference: [], controlNotInReference: [],
    punctOnlyInReference: [], mnOnlyInReference: [], markNotInReference: [], markOnlyInReference: [], nfkdNotInReference: [], nfdNotInReference: [], numberNotInReference: [],
  };
  for (let cp = 0; cp < 0x110000; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const ch = String.fromCodePoint(cp);
    const jsControl = cp === 0 || cp === 0xfffd || (/[\p{Cc}\p{Cf}\p{Co}]/u.test(ch) && !'\t\n\r'.includes(ch));
    if ((clean(ch) === '') !== jsControl && jsControl) sets.controlNotInReference.push(cp);
    const refNfd = nfd(ch);
    if (refNfd !== ch.normalize('NFD') && refNfd === ch) sets.nfdNotInReference.push(cp);
    if (nfkd(ch) !== ch.normalize('NFKD') && nfkd(ch) === ch) sets.nfkdNotInReference.push(cp);
    if (refNfd === ch) {
      const refMn = strip(ch) === '';
      const jsMn = /\p{Mn}/u.test(ch);
      if (refMn !== jsMn) sets[jsMn ? 'mnNotInReference' : 'mnOnlyInReference'].push(cp);
    }
    const refMark = stripMarks(ch) === '';
    const jsMark = /\p{M}/u.test(ch);
    if (refMark !== jsMark) sets[jsMark ? 'markNotInReference' : 'markOnlyInReference'].push(cp);
    const white = /\p{White_Space}/u.test(ch);
    if (!white) {
      const refP = bertPre(`a${ch}a`) === 3;
      const jsP = /[\p{P}!-/:-@[-`{-~]/u.test(ch);
      if (refP !== jsP) sets[jsP ? 'punctNotInReference' : 'punctOnlyInReference'].push(cp);
      if (/\p{L}/u.test(ch) && gpt(`a${ch}`) !== 1) sets.letterNotInReference.push(cp);
      if (/\p{N}/u.test(ch) && gpt(`1${ch}`) !== 1) sets.numberNotInReference.push(cp);
      if (/[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]/u.test(ch) && ws(`a${ch}`) !== 1) sets.wordNotInReference.push(cp);
    }
  }
  const out: Record<string, Ranges> = {};
  for (const [k, v] of Object.entries(sets)) out[k] = toRanges(v);
  return out;
}

export function formatTables(tables: Record<string, Ranges>): string {
  const lines = ['export const REFERENCE_UNICODE_DIFFERENCES = {'];
  for (const [name, ranges] of Object.entries(tables)) {
    lines.push(`  ${name}: [`);
    const items = ranges.map((x) => `0x${x.toString(16)}`);
    for (let i = 0; i < items.length; i += 12) lines.push(`    ${items.slice(i, i + 12).join(', ')},`);
    lines.push('  ],');
  }
  lines.push('} as const;');
  return lines.join('\n');
}
