/**
 * Character classes, code point by code point, against the Rust reference: BertNormalizer's
 * steps, the Unicode normalization forms, lowercasing, BERT's punctuation, GPT-2's regex classes
 * and the Whitespace pre-tokenizer's \w. Checked on every code point this runtime assigns (and
 * those in our difference tables). TREX_PRINT_UNICODE_TABLES=1 prints fresh tables instead of
 * testing (for unicodeReferenceTables.ts, after a Node or `tokenizers` upgrade). Large uniform
 * blocks (CJK ideographs, Hangul syllables, …) are sampled one code point in 61.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inRanges } from '../../../../src/engine/tokenizers/unicodeClasses';
import { REFERENCE_UNICODE_DIFFERENCES } from '../../../../src/engine/tokenizers/unicodeReferenceTables';
import type { NormalizerConfig } from '../../../../src/engine/tokenizers/normalizers';
import { formatTables, referenceDifferences } from '../../../support/unicodeTables';
import { normalizerPair, preTokenizerPair, type NormalizerPair, type PreTokenizerPair } from '../../../support/referenceComponents';

const bert = (o: object): NormalizerConfig => ({ type: 'BertNormalizer', clean_text: false, handle_chinese_chars: false, strip_accents: false, lowercase: false, ...o });

/** Big uniform blocks (CJK ideographs, Hangul syllables, Tangut…) are sampled, not walked. */
function sampled(cp: number): boolean {
  const ch = String.fromCodePoint(cp);
  const uniform = /[\p{Unified_Ideograph}\p{Script=Hangul}\p{Script=Tangut}\p{Script=Yi}\p{Script=Egyptian_Hieroglyphs}\p{Script=Cuneiform}]/u.test(ch);
  return !uniform || cp % 61 === 0;
}

function codePointsToCheck(): number[] {
  const tables = Object.values(REFERENCE_UNICODE_DIFFERENCES) as ReadonlyArray<readonly number[]>;
  const out: number[] = [];
  for (let cp = 0; cp < 0x110000; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const ch = String.fromCodePoint(cp);
    const inTable = tables.some((t) => inRanges(cp, t));
    if (!inTable && (/\p{Cn}/u.test(ch) || (cp > 0xffff && /\p{Co}/u.test(ch)) || !sampled(cp))) continue;
    out.push(cp);
  }
  return out;
}

test('every assigned code point: normalizers and pre-tokenizers classify it as the Rust reference does', { skip: process.env.TREX_PRINT_UNICODE_TABLES === '1' }, () => {
  const normalizers: Array<[string, NormalizerPair]> = [
    ['BertNormalizer clean_text', normalizerPair(bert({ clean_text: true }))],
    ['BertNormalizer handle_chinese_chars', normalizerPair(bert({ handle_chinese_chars: true }))],
    ['BertNormalizer strip_accents', normalizerPair(bert({ strip_accents: true }))],
    ['Lowercase', normalizerPair({ type: 'Lowercase' })],
    ['StripAccents', normalizerPair({ type: 'StripAccents' })],
    ['NFD', normalizerPair({ type: 'NFD' })],
    ['NFKD', normalizerPair({ type: 'NFKD' })],
    ['NFC', normalizerPair({ type: 'NFC' })],
    ['NFKC', normalizerPair({ type: 'NFKC' })],
  ];
  const preTokenizers: Array<[string, PreTokenizerPair, (ch: string) => string]> = [
    ['BertPreTokenizer', preTokenizerPair({ type: 'BertPreTokenizer' }), (ch) => `a${ch}a`],
    ['ByteLevel', preTokenizerPair({ type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true }), (ch) => `a${ch}1${ch}!${ch} ${ch}`],
    ['Whitespace', preTokenizerPair({ type: 'Whitespace' }), (ch) => `a${ch}!${ch} ${ch}`],
  ];
  const failures: string[] = [];
  const cps = codePointsToCheck();
  for (const cp of cps) {
    const ch = String.fromCodePoint(cp);
    for (const [name, pair] of normalizers) {
      const ours = pair.ours(ch);
      const ref = pair.reference(ch);
      if (ours !== ref) failures.push(`${name} U+${cp.toString(16)}: ours ${JSON.stringify(ours)}, reference ${JSON.stringify(ref)}`);
    }
    for (const [name, pair, probe] of preTokenizers) {
      const ours = JSON.stringify(pair.ours(probe(ch)));
      const ref = JSON.stringify(pair.reference(probe(ch)));
      if (ours !== ref) failures.push(`${name} U+${cp.toString(16)}: ours ${ours}, reference ${ref}`);
    }
    if (failures.length > 20) break;
  }
  assert.ok(cps.length > 35_000, `only ${cps.length} code points checked`);
  assert.deepEqual(failures, []);
});

test('print the difference tables for unicodeReferenceTables.ts', { skip: process.env.TREX_PRINT_UNICODE_TABLES !== '1' }, () => {
  const tables = referenceDifferences();
  console.log(formatTables(tables));
  for (const [name, ranges] of Object.entries(tables)) {
    const current = (REFERENCE_UNICODE_DIFFERENCES as Record<string, readonly number[]>)[name] ?? [];
    if (JSON.stringify(current) !== JSON.stringify(ranges)) console.log(`${name}: differs from the committed table`);
  }
});
