/**
 * Malformed inputs end in a clean TokenizerError (one line, bounded, naming the file) or in a
 * valid tokenizer — never a TypeError, RangeError or stack overflow. A seeded sample of what the
 * fuzz harness does at scale: mutated SentencePiece models (bytes flipped, cut, spliced, huge
 * lengths) and mutated tokenizer.json objects (values of the wrong type, removed keys, deep
 * Sequences, hostile regexes), each loaded and used to encode and trace a text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTokenizer } from '../../../../src/engine/tokenizers/buildTokenizer';
import { TokenizerError } from '../../../../src/engine/tokenizers/errors';
import { tokenizerJsonFromSentencePiece } from '../../../../src/engine/tokenizers/fromSentencePiece';
import { parseSentencePieceModel } from '../../../../src/engine/tokenizers/sentencePieceModel';
import { PrecompiledCharsmap } from '../../../../src/engine/tokenizers/precompiledCharsmap';
import { MAX_MESSAGE_CHARS } from '../../../../src/engine/errorText';
import type { TextTokenizer } from '../../../../src/engine/tokenizers/textTokenizer';
import { seededRandom } from '../../../support/unicodeStress';
import { REPO_ROOT } from '../../../support/repoRoot';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');
const TEXT = 'unaffable Le café où l’élève 😀 aab abab ＡＢＣ ﬁ  123 <s> [MASK]';

/** Runs `load` and a use of its tokenizer; returns 'ok' or 'refused', fails on anything else. */
function outcome(load: () => TextTokenizer, where: string): 'ok' | 'refused' {
  try {
    const tok = load();
    for (const t of tok.encode(TEXT, { special: true }).tokens) {
      assert.ok(Number.isInteger(t.id) && t.id >= 0 && t.id <= 0xffffffff, `id ${t.id}`);
      assert.ok(t.start >= 0 && t.start <= t.end && t.end <= TEXT.length, `offsets ${t.start}-${t.end}`);
    }
    tok.trace(TEXT);
    return 'ok';
  } catch (e) {
    if (!(e instanceof TokenizerError)) throw e;
    assert.ok(!/[\n\r]/.test(e.message) && e.message.length <= MAX_MESSAGE_CHARS, e.message);
    assert.ok(e.message.includes(where), `${e.message} does not name ${where}`);
    return 'refused';
  }
}

function mutateBytes(original: Buffer, random: () => number): Buffer {
  const b = Buffer.from(original);
  const at = Math.floor(random() * b.length);
  switch (Math.floor(random() * 5)) {
    case 0:
      for (let i = 0; i < 8; i++) b[Math.floor(random() * b.length)] = Math.floor(random() * 256);
      return b;
    case 1:
      return b.subarray(0, at);
    case 2:
      // A length or varint of 2^63-ish: must be refused, not allocated.
      return Buffer.concat([b.subarray(0, at), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), b.subarray(at)]);
    case 3: {
      const from = Math.floor(random() * b.length);
      return Buffer.concat([b.subarray(0, at), b.subarray(from, from + 300), b.subarray(at)]);
    }
    default:
      for (let i = 0; i < 4; i++) b[Math.floor(random() * 4000)] ^= 1 << Math.floor(random() * 8);
      return b;
  }
}

test('mutated SentencePiece models: a TokenizerError naming the file, or a working tokenizer', () => {
  const original = readFileSync(join(FIXTURES, 'camembert-spm', 'sentencepiece.bpe.model'));
  const random = seededRandom(5);
  const seen = { ok: 0, refused: 0 };
  for (let k = 0; k < 400; k++) {
    const bytes = mutateBytes(original, random);
    const style = random() < 0.5 ? 'camembert' : 'xlm-roberta';
    seen[outcome(() => buildTokenizer(tokenizerJsonFromSentencePiece(bytes, style, 'm.model'), { id: 'm', source: 'm', where: 'm.model' }), 'm.model')]++;
  }
  assert.ok(seen.ok > 20 && seen.refused > 100, JSON.stringify(seen));
});

test('SentencePiece faults: non-finite scores, foreign wire types, lengths past the end', () => {
  const score = (bits: number[]): Uint8Array => Uint8Array.from([0x0a, 10, 0x0a, 1, 0x61, 0x15, ...bits, 0x18, 1, 0x12, 0]);
  assert.throws(() => parseSentencePieceModel(score([0, 0, 0xc0, 0x7f]), 'n.model'), /^TokenizerError: n\.model is not a SentencePiece model \(piece 0 has the score NaN\)$/);
  assert.throws(() => parseSentencePieceModel(score([0, 0, 0x80, 0x7f]), 'n.model'), /piece 0 has the score Infinity/);
  assert.throws(() => parseSentencePieceModel(Uint8Array.from([0x0b, 1]), 'w.model'), /^TokenizerError: w\.model is not a SentencePiece model \(unsupported wire type 3 at byte 1\)$/);
  assert.throws(() => parseSentencePieceModel(Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), 'l.model'), /^TokenizerError: l\.model is not a SentencePiece model \(length past the end/);
});

/** A charsmap: u32 trie size, the Darts units, then NUL-terminated replacements. */
function charsmap(units: Uint32Array, blob: Buffer): Buffer {
  return Buffer.concat([Buffer.from(Uint32Array.of(units.byteLength).buffer), Buffer.from(units.buffer), blob]);
}

test('a Precompiled charsmap whose trie points anywhere: no read outside it, a TokenizerError for a broken replacement', () => {
  // 'a' (0x61) leads from the root (offset 0) to unit 97, a leaf whose value sits in unit 98.
  const units = new Uint32Array(99);
  units[97] = (3 << 10) | (1 << 8) | 0x61;
  const blob = Buffer.from('éx\0', 'utf8');
  units[98] = 0;
  assert.equal(new PrecompiledCharsmap(charsmap(units, blob), 'cm').transform('a'), 'éx');
  units[98] = 1; // inside the two bytes of é
  assert.throws(() => new PrecompiledCharsmap(charsmap(units, blob), 'cm').transform('a'), /^TokenizerError: cm: the replacement at byte 1 is not UTF-8$/);
  units[98] = 0;
  const long = Buffer.from(`${'y'.repeat(300)}\0`);
  assert.throws(() => new PrecompiledCharsmap(charsmap(units, long), 'cm').transform('a'), /^TokenizerError: cm: a replacement longer than 256 bytes \(at byte 0\)$/);
  // Units of any value: every index is checked (XOR can make one negative or past the end).
  const random = seededRandom(3);
  for (let k = 0; k < 500; k++) {
    const any = Uint32Array.from({ length: 4 }, () => Math.floor(random() * 2 ** 32));
    const map = new PrecompiledCharsmap(charsmap(any, blob), 'cm');
    for (const chunk of ['a', 'é', '😀', 'ab', '\u0000']) {
      try {
        map.transform(chunk);
      } catch (e) {
        assert.ok(e instanceof TokenizerError, String(e));
      }
    }
  }
});

test('a normalizer that makes the text grow without bound is refused while it runs, before memory runs out', () => {
  const json = JSON.parse(readFileSync(join(FIXTURES, 'wordpiece-toy', 'tokenizer.json'), 'utf8')) as { [key: string]: unknown };
  json.normalizer = { type: 'Replace', pattern: { Regex: '(?=)' }, content: 'x'.repeat(1_000_000) };
  const tok = buildTokenizer(json, { id: 'g', source: 'g', where: 'g.json' });
  // 3 million characters from 2: over the growth bound (32 times), though under the absolute cap.
  assert.throws(() => tok.encode('ab'), /^TokenizerError: g\.json: normalizer: makes a text of 2 characters 3000002 characters long, more than 32 times longer/);
  assert.throws(() => tok.encode('a'.repeat(100)), /^TokenizerError: g\.json: normalizing makes the text longer than 33554432 characters$/);
});

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const ODD_VALUES: JsonValue[] = [
  null, 'x', '', 5, -1, 1.5, 4294967296, true, [], {}, [null], { type: 'Sequence' }, 'ab', { Regex: '(a+)+$' }, { Regex: '(a)\\1' },
  { String: '' }, { Regex: '' }, 'Isolated', [['a', 'b']], ['a b c'], 1e300, 'x'.repeat(2000), '\ud800',
];

function mutateJson(root: { [key: string]: JsonValue }, random: () => number): void {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const places: Array<[{ [key: string]: JsonValue } | JsonValue[], string | number]> = [];
  const walk = (v: JsonValue): void => {
    if (v === null || typeof v !== 'object' || places.length > 3000) return;
    if (Array.isArray(v)) v.forEach((child, i) => (places.push([v, i]), walk(child)));
    else for (const k of Object.keys(v)) places.push([v, k]), walk(v[k]);
  };
  walk(root);
  for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
    const [parent, key] = pick(places);
    const r = random();
    const set = (value: JsonValue | undefined): void => {
      if (Array.isArray(parent)) parent[key as number] = value ?? null;
      else if (value === undefined) delete parent[key as string];
      else parent[key as string] = value;
    };
    const current = Array.isArray(parent) ? parent[key as number] : parent[key as string];
    if (r < 0.55) set(structuredClone(pick(ODD_VALUES)));
    else if (r < 0.65) set(undefined);
    else if (r < 0.75) set([current]);
    else if (r < 0.85) {
      const list = pick(['normalizers', 'pretokenizers', 'processors', 'decoders']);
      let deep: JsonValue = current;
      for (let d = 0; d < 40; d++) deep = { type: 'Sequence', [list]: [deep] };
      set(deep);
    } else if (typeof current === 'string') set(current + pick(['(', '\\', '[', '😀', '{99999}']));
    else set(pick([-1, 0.5, 2 ** 40]));
  }
}

test('mutated tokenizer.json files: a TokenizerError naming the file, or a working tokenizer', () => {
  const bpe = {
    version: '1.0',
    added_tokens: [{ id: 5, content: '<s>', special: true, normalized: false }],
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFKC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }] },
    pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: "(?i:'s|'t)|\\p{L}+|\\p{N}{1,3}|\\s+(?!\\S)|\\s+" }, behavior: 'Isolated', invert: false }, { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false }] },
    post_processor: { type: 'TemplateProcessing', single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }], pair: [], special_tokens: { '<s>': { id: '<s>', ids: [5], tokens: ['<s>'] } } },
    decoder: { type: 'ByteLevel' },
    model: { type: 'BPE', vocab: { a: 0, b: 1, ab: 2, 'Ġ': 3, c: 4 }, merges: ['a b'], unk_token: null, byte_fallback: false },
  };
  const bases = [
    readFileSync(join(FIXTURES, 'wordpiece-toy', 'tokenizer.json'), 'utf8'),
    readFileSync(join(FIXTURES, 'unigram-toy', 'tokenizer.json'), 'utf8'),
    JSON.stringify(bpe),
  ];
  const random = seededRandom(11);
  const seen = { ok: 0, refused: 0 };
  for (let k = 0; k < 900; k++) {
    const json = JSON.parse(bases[k % bases.length]) as { [key: string]: JsonValue };
    mutateJson(json, random);
    seen[outcome(() => buildTokenizer(json, { id: 'f', source: 'f', where: 'f.json' }), 'f.json')]++;
  }
  assert.ok(seen.ok > 50 && seen.refused > 300, JSON.stringify(seen));
});
