/**
 * SentencePiece tokenizers (camembert, xlm-roberta): the Unigram model and the Precompiled
 * normalizer against the Rust reference — ids, tokens and offsets — on the whole comparison corpus.
 *
 * Fixtures:
 *  - test/fixtures/unigram-toy/tokenizer.json: a hand-written 50-piece Unigram vocabulary (ties,
 *    pieces that lose to longer ones, no piece for most characters) with a small Precompiled
 *    charsmap compiled by `spm_train --normalization_rule_tsv` from these rules:
 *      ﬁ→fi  ①→1  U+3000→' '  e+U+0301→é  A+U+030A→Å  U+00A0→' '  U+200B→''  ａ→a  ⑴→(1)  ﬃ→ffi
 *      tab→' '  CR LF→' '  U+0600→''  U+0605→'-'
 *  - test/fixtures/camembert-spm/sentencepiece.bpe.model: a 2,000-piece Unigram model trained with
 *    `spm_train` (default nmt_nfkc rules — the charsmap camembert and xlm-roberta ship) on the King
 *    James Genesis–Exodus and the course's French text; rebuilt into a tokenizer.json by
 *    fromSentencePiece.ts (the stress corpus has many characters it lacks: unknowns galore).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTokenizer } from '../../../../src/engine/tokenizers/buildTokenizer';
import { loadTokenizer } from '../../../../src/engine/tokenizers/load';
import { parseSentencePieceModel } from '../../../../src/engine/tokenizers/sentencePieceModel';
import { tokenizerJsonFromVocabFiles } from '../../../../src/engine/tokenizers/fromVocabFiles';
import type { TextTokenizer } from '../../../../src/engine/tokenizers/textTokenizer';
import { buildCorpus, describeChunk } from '../../../support/referenceCorpus';
import { firstDifference, referenceEncode, rust, type PlainToken } from '../../../support/rustReference';
import { FRAGMENTS, seededRandom } from '../../../support/unicodeStress';
import { REPO_ROOT } from '../../../support/repoRoot';

const TOY = join(REPO_ROOT, 'test', 'fixtures', 'unigram-toy', 'tokenizer.json');
const CAMEMBERT = join(REPO_ROOT, 'test', 'fixtures', 'camembert-spm');

type Obj = Record<string, unknown>;
/** The parts of a tokenizer.json the tests edit. */
interface Json {
  normalizer: Obj | null;
  pre_tokenizer: Obj;
  post_processor: Obj | null;
  model: { unk_id: number | null; vocab: unknown; byte_fallback: boolean };
}

function toyJson(): Json {
  return JSON.parse(readFileSync(TOY, 'utf8')) as Json;
}

const vocabOf = (j: Json): Array<[string, number]> => j.model.vocab as Array<[string, number]>;
/** The steps of the tokenizer's Sequence normalizer (Precompiled first). */
const stepsOf = (j: Json): Obj[] => (j.normalizer as { normalizers: Obj[] }).normalizers;

function plain(tok: TextTokenizer, text: string, special: boolean): PlainToken[] {
  return tok.encode(text, { special }).tokens.map(({ id, token, start, end }) => ({ id, token, start, end }));
}

const EDGES = ['', ' ', '   ', '\n', '\r\n', '▁', '▁▁x', 'a▁b', ' a ', '<mask>', 'x<mask>y', 'le <mask> chat', '<s>a</s>', '<unk>', 'é😀x', '\u0301', '\u0000', '\ufeff', '\u200bx', 'x\u200b', ' \u3000 x', 'ﬁ ﬃ ⑴ ① ａ', 'e\u0301\u0323', 'la\u200b\u3000  le', 'la\r\nle', '😀😀!', 'chat xy xyz'];

/** Our encoding equals the reference's on the texts, with and without special tokens; returns the token count. */
async function compare(name: string, json: Json, texts: Array<{ label: string; text: string }>): Promise<number> {
  const source = JSON.stringify(json);
  const ours = buildTokenizer(JSON.parse(source), { id: name, source: name, where: name });
  const reference = rust.Tokenizer.fromString(source);
  let tokens = 0;
  for (const { label, text } of texts) {
    for (const special of [false, true]) {
      const expected = await referenceEncode(reference, text, special);
      const actual = plain(ours, text, special);
      const diff = firstDifference(text, expected, actual);
      if (diff) assert.fail(`${name}, ${label}${special ? ' with special tokens' : ''}: ${diff}`);
      tokens += actual.length;
    }
  }
  return tokens;
}

function corpusTexts(every = 1): Array<{ label: string; text: string }> {
  const edges = EDGES.map((text) => ({ label: JSON.stringify(text), text }));
  return [...edges, ...buildCorpus().chunks.filter((_, i) => i % every === 0).map((c) => ({ label: describeChunk(c), text: c.text }))];
}

function withByteFallback(json: Json): Json {
  for (let b = 0; b < 256; b++) vocabOf(json).push([`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, -20]);
  json.model.byte_fallback = true;
  return json;
}

test('toy Unigram: the best-scoring segmentation, ties to the earlier piece, unknowns fused and shown as their text', async () => {
  const tok = await loadTokenizer(TOY);
  assert.equal(tok.info.kind, 'Unigram');
  assert.equal(tok.info.byteLevel, false);
  assert.equal(tok.info.vocabSize, 50);
  const tokens = (text: string) => tok.encode(text).tokens.map((t) => t.token);
  // ▁chat (-5) beats ▁ch + at (-8.75) and ▁ + chat (-7.5).
  assert.deepEqual(tokens('chat'), ['▁chat']);
  // xy (-5) ties with x + y (-5): the piece found first (from the earlier start) stays.
  assert.deepEqual(tokens('xy'), ['▁', 'xy']);
  // x + yz (-7) beats xy + z (-7.5).
  assert.deepEqual(tokens('xyz'), ['▁', 'x', 'yz']);
  // Characters without a piece: one unknown token per run, its token string is the text itself.
  // The prepended ▁ takes the place of the first character.
  const enc = tok.encode('😀😀!').tokens;
  assert.deepEqual(enc.map((t) => [t.id, t.token, t.start, t.end]), [[4, '▁', 0, 2], [3, '😀😀!', 0, 5]]);
});

test('toy Unigram: the Precompiled charsmap normalizes with offsets into the original text', async () => {
  const tok = await loadTokenizer(TOY);
  const spans = (text: string) => tok.encode(text).tokens.map((t) => `${t.token}@${t.start}-${t.end}`);
  // ﬁ → fi: both letters point at the ligature.
  assert.deepEqual(spans('ﬁ'), ['▁@0-1', 'fi@0-1']);
  // ⑴ → (1): three characters from one.
  assert.deepEqual(spans('⑴'), ['▁@0-1', '(@0-1', '1@0-1', ')@0-1']);
  // e + combining acute → é: as in Rust, é keeps the place of the e it replaces; the accent is dropped.
  assert.deepEqual(spans('e\u0301'), ['▁é@0-1']);
  // A zero-width space is removed; U+3000 becomes a space, and the run of spaces collapses into
  // one that takes the place of the last (index 5).
  assert.deepEqual(spans('la\u200b\u3000  le'), ['▁la@0-2', '▁le@5-8']);
  // CR LF is one grapheme, mapped whole to one space.
  assert.deepEqual(spans('la\r\nle'), ['▁la@0-2', '▁le@2-6']);
});

test('toy Unigram: ids, tokens and offsets equal the Rust reference on the corpus', async () => {
  const tokens = await compare('unigram-toy', toyJson(), corpusTexts());
  assert.ok(tokens > 500_000, `only ${tokens} tokens compared`);
});

test('toy Unigram with byte fallback: unknown text becomes <0xNN> pieces, equal to the reference', async () => {
  const json = withByteFallback(toyJson());
  const tok = buildTokenizer(json, { id: 'bf', source: 'bf', where: 'bf' });
  assert.deepEqual(tok.encode('é!').tokens.map((t) => [t.token, t.start, t.end]), [['▁é', 0, 1], ['<0x21>', 1, 2]]);
  assert.deepEqual(tok.encode('😀').tokens.map((t) => t.token), ['▁', '<0xF0>', '<0x9F>', '<0x98>', '<0x80>']);
  await compare('unigram-toy+byte_fallback', json, corpusTexts(3));
});

test('Metaspace variants and processors around a Unigram model equal the reference', async () => {
  const variants: Record<string, (j: Json) => void> = {
    'prepend_scheme first': (j) => (j.pre_tokenizer.prepend_scheme = 'first'),
    'prepend_scheme never': (j) => (j.pre_tokenizer.prepend_scheme = 'never'),
    'split false': (j) => (j.pre_tokenizer.split = false),
    'legacy add_prefix_space': (j) => (j.pre_tokenizer = { type: 'Metaspace', replacement: '▁', add_prefix_space: true }),
    'Precompiled alone': (j) => (j.normalizer = stepsOf(j)[0]),
    'no normalizer': (j) => (j.normalizer = null),
    RobertaProcessing: (j) => (j.post_processor = { type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: true, add_prefix_space: true }),
    'no unknown piece, every character covered': (j) => {
      j.model.unk_id = null;
      // Lone surrogates reach Rust as U+FFFD; a JSON vocabulary cannot hold them.
      const chars = new Set(Array.from(FRAGMENTS.join('').replace(/ /g, '▁')).filter((c) => !/^[\ud800-\udfff]$/.test(c)));
      vocabOf(j).push(...[...chars, '\ufffd'].map((c): [string, number] => [c, -9]));
    },
  };
  const texts = [...EDGES, ...FRAGMENTS].map((text) => ({ label: JSON.stringify(text.slice(0, 40)), text }));
  for (const [name, edit] of Object.entries(variants)) {
    const json = toyJson();
    edit(json);
    await compare(name, json, texts);
  }
});

test('Precompiled (nmt_nfkc) alone: every code point, bare and followed by combining marks, equals the reference', async () => {
  const model = parseSentencePieceModel(readFileSync(join(CAMEMBERT, 'sentencepiece.bpe.model')), 'camembert-spm');
  const charsmap = Buffer.from(model.precompiledCharsmap).toString('base64');
  // Each normalized character becomes its own word and an unknown token: its offsets show its alignment.
  const json = {
    version: '1.0', added_tokens: [],
    normalizer: { type: 'Precompiled', precompiled_charsmap: charsmap },
    pre_tokenizer: { type: 'Split', pattern: { Regex: '.' }, behavior: 'Isolated', invert: false },
    post_processor: null,
    model: { type: 'Unigram', unk_id: 0, vocab: [['<unk>', 0]], byte_fallback: false },
  };
  const marks = [0x301, 0x323, 0x308, 0x200d, 0xfe0f, 0x1f3fd, 0x20e3, 0x3099, 0x94d, 0x1161, 0x11a8, 0xe0020];
  const codePoints: number[] = [];
  for (let cp = 0; cp < 0x32000; cp++) if (cp < 0xd800 || cp > 0xdfff) codePoints.push(cp);
  const texts: Array<{ label: string; text: string }> = [];
  for (let i = 0; i < codePoints.length; i += 2000) {
    const slice = codePoints.slice(i, i + 2000);
    texts.push({ label: `U+${slice[0].toString(16)}…`, text: String.fromCodePoint(...slice) });
    texts.push({ label: `U+${slice[0].toString(16)}… with marks`, text: slice.map((cp, k) => String.fromCodePoint(cp) + (k % 3 === 0 ? String.fromCodePoint(marks[k % marks.length]) : '')).join('') });
  }
  await compare('Precompiled nmt_nfkc', json, texts);
});

test('Precompiled on random mixes of graphemes that glue (CR LF, prepend marks, ZWJ, flags, Hangul, conjuncts): equal to the reference', async () => {
  const pool = ['a', 'b', ' ', '\r', '\n', '\t', '\u0600', '\u0605', '\u06dd', '\u{110bd}', '\u0301', '\u200d', '\u200b', '\ufe0f', '\u{1f1eb}', '\u{1f1f7}',
    '\u1100', '\u1161', '\u11a8', '\uac00', '\u0915', '\u094d', '\u0937', '😀', '👩', 'e', 'é', 'ﬁ', '①', '⑴', '\u3000', '\u00a0', '\ufeff', '\u0000', 'ｶ', '゙', '\u0e33'];
  const random = seededRandom(11);
  const texts: Array<{ label: string; text: string }> = [];
  for (let n = 0; n < 1500; n++) {
    let text = '';
    for (let i = 1 + Math.floor(random() * 10); i > 0; i--) text += pool[Math.floor(random() * pool.length)];
    texts.push({ label: JSON.stringify(text), text });
  }
  const model = parseSentencePieceModel(readFileSync(join(CAMEMBERT, 'sentencepiece.bpe.model')), 'camembert-spm');
  for (const charsmap of [Buffer.from(model.precompiledCharsmap).toString('base64'), stepsOf(toyJson())[0].precompiled_charsmap]) {
    const json = toyJson();
    json.normalizer = { type: 'Precompiled', precompiled_charsmap: charsmap };
    json.pre_tokenizer = { type: 'Split', pattern: { Regex: '.' }, behavior: 'Isolated', invert: false };
    await compare('Precompiled on glued graphemes', json, texts);
  }
});

test('camembert folder with only sentencepiece.bpe.model: rebuilt, and equal to the reference on the corpus', async () => {
  const tok = await loadTokenizer(CAMEMBERT);
  assert.equal(tok.info.kind, 'Unigram');
  assert.equal(tok.info.vocabSize, 2005);
  const enc = tok.encode('Le chat <mask> sur le tapis.', { special: true }).tokens;
  assert.deepEqual([enc[0].token, enc[0].id, enc[enc.length - 1].token, enc[enc.length - 1].id], ['<s>', 5, '</s>', 6]);
  const mask = enc.find((t) => t.id === 2004);
  assert.deepEqual(mask, { id: 2004, token: ' <mask>', start: 7, end: 14, special: true }, '<mask> takes the space before it (lstrip)');
  const { json } = await tokenizerJsonFromVocabFiles(CAMEMBERT);
  const tokens = await compare('camembert-spm', json as unknown as Json, corpusTexts());
  assert.ok(tokens > 1_000_000, `only ${tokens} tokens compared`);
});

test('xlm-roberta folder: the same SentencePiece model with fairseq ids <s> 0, </s> 2, <mask> last', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trex-xlmr-'));
  writeFileSync(join(dir, 'sentencepiece.bpe.model'), readFileSync(join(CAMEMBERT, 'sentencepiece.bpe.model')));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'xlm-roberta' }));
  const tok = await loadTokenizer(dir);
  assert.equal(tok.info.vocabSize, 2002);
  const enc = tok.encode('Au commencement <mask>', { special: true }).tokens;
  assert.deepEqual(enc.filter((t) => t.special).map((t) => [t.token, t.id]), [['<s>', 0], [' <mask>', 2001], ['</s>', 2]]);
  const camembert = await loadTokenizer(CAMEMBERT);
  const words = (t: TextTokenizer) => t.encode('Au commencement, Dieu créa le ciel et la terre.').tokens.map((x) => x.token);
  assert.deepEqual(words(tok), words(camembert), 'same pieces, other ids');
  const { json } = await tokenizerJsonFromVocabFiles(dir);
  await compare('xlm-roberta-spm + byte fallback', withByteFallback(json as unknown as Json), corpusTexts(4));
});

test('trace of a Unigram word: the chosen pieces with the shorter candidates that lost, ending in the encoded tokens', async () => {
  const tok = await loadTokenizer(TOY);
  const [word] = tok.trace('chat');
  assert.equal(word.trace.kind, 'wordpiece');
  if (word.trace.kind !== 'wordpiece') return;
  assert.deepEqual(word.trace.tokens, ['▁chat']);
  assert.deepEqual(word.trace.steps[0], { piece: '▁chat', start: 0, end: 5, tried: ['▁ch', '▁'] });
  for (const text of FRAGMENTS.slice(0, 6)) {
    const fromTrace = tok.trace(text).flatMap((w) => w.trace.tokens);
    assert.deepEqual(fromTrace, tok.encode(text).tokens.map((t) => t.token));
  }
});

test('Unigram and Precompiled mistakes are one-line errors', async () => {
  const bad = (edit: (j: Json) => void, pattern: RegExp) => {
    const json = toyJson();
    edit(json);
    assert.throws(() => buildTokenizer(json, { id: 'x', source: 'x', where: 'bad.json' }), pattern);
  };
  bad((j) => (j.model.unk_id = 99), /^TokenizerError: bad\.json: the Unigram "unk_id" 99 is not in the vocabulary of 50$/);
  bad((j) => (j.model.vocab = { a: 0 }), /bad\.json: the Unigram model has no "vocab" list/);
  bad((j) => ((j.model.vocab as unknown[])[7] = ['x']), /the Unigram vocab entry 7 is not \["piece", score\]/);
  bad((j) => (stepsOf(j)[0].precompiled_charsmap = ''), /bad\.json: normalizer\.normalizers\[0\]\.precompiled_charsmap: the charsmap is too short/);
  bad((j) => (stepsOf(j)[0].precompiled_charsmap = Buffer.from([255, 0, 0, 0, 1, 2]).toString('base64')), /normalizer\.normalizers\[0\]\.precompiled_charsmap: invalid charsmap/);
  const json = toyJson();
  json.model.unk_id = null;
  const noUnk = buildTokenizer(json, { id: 'x', source: 'x', where: 'x' });
  assert.deepEqual(noUnk.encode('la').tokens.map((t) => t.token), ['▁la']);
  assert.throws(() => noUnk.encode('la 😀'), /Unigram: a character is not in the vocabulary and the model has no unknown piece/);
});
