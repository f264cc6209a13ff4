/**
 * tokenizer.json files of the wrong shape: each is a one-line TokenizerError that names the file
 * and the field (never a TypeError, a stack overflow, a `null` id or a frozen host), and where
 * the Rust reference refuses the same file, so do we. Plus tokenizer.json regexes that would
 * freeze a backtracking matcher, run through whole tokenizers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTokenizer } from '../../../../src/engine/tokenizers/buildTokenizer';
import { TokenizerError } from '../../../../src/engine/tokenizers/errors';
import { MAX_MESSAGE_CHARS } from '../../../../src/engine/errorText';
import { rust } from '../../../support/rustReference';

type Json = Record<string, unknown>;

function base(): Json {
  return {
    version: '1.0', truncation: null, padding: null, added_tokens: [],
    normalizer: null, pre_tokenizer: { type: 'Whitespace' }, post_processor: null, decoder: null,
    model: { type: 'WordLevel', vocab: { '[UNK]': 0, a: 1, b: 2, '[SEP]': 3 }, unk_token: '[UNK]' },
  };
}

function build(json: Json) {
  return buildTokenizer(json, { id: 'x', source: 'x', where: 'shape.json' });
}

function nested(key: string, list: string, depth: number): Json {
  let inner: Json = { type: 'Lowercase' };
  if (key !== 'normalizer') inner = key === 'pre_tokenizer' ? { type: 'Whitespace' } : { type: 'ByteLevel', trim_offsets: false };
  for (let i = 0; i < depth; i++) inner = { type: 'Sequence', [list]: [inner] };
  return inner;
}

const template = (single: unknown, special_tokens: unknown = { '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } }): Json => ({
  post_processor: { type: 'TemplateProcessing', single, pair: [], special_tokens },
});

/** [name, change to the base file, the error expected (file and field named), whether Rust refuses it too]. */
const REFUSED: Array<[string, Json, RegExp, boolean]> = [
  ['pretokenizers not a list', { pre_tokenizer: { type: 'Sequence', pretokenizers: 'x' } }, /^shape\.json: pre_tokenizer\.pretokenizers must be a list, not "x"$/, true],
  ['normalizers not a list', { normalizer: { type: 'Sequence', normalizers: 'x' } }, /^shape\.json: normalizer\.normalizers must be a list, not "x"$/, true],
  ['processors not a list', { post_processor: { type: 'Sequence', processors: 'x' } }, /^shape\.json: post_processor\.processors must be a list, not "x"$/, true],
  ['a null in a Sequence', { normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, null] } }, /^shape\.json: normalizer\.normalizers\[1\] must be an object, not null$/, true],
  ['a pre-tokenizer Sequence 5000 deep', { pre_tokenizer: nested('pre_tokenizer', 'pretokenizers', 5000) }, /^shape\.json: pre_tokenizer\.pretokenizers\[0\]\.…\.pretokenizers\[0\]\.pretokenizers\[0\]: Sequences nested deeper than 32$/, true],
  ['a normalizer Sequence 5000 deep', { normalizer: nested('normalizer', 'normalizers', 5000) }, /Sequences nested deeper than 32$/, true],
  ['a post-processor Sequence 5000 deep', { post_processor: nested('post_processor', 'processors', 5000) }, /Sequences nested deeper than 32$/, true],
  ['type not a string', { normalizer: { type: 5 } }, /^shape\.json: normalizer\.type must be a string, not 5$/, true],
  ['TemplateProcessing single "x"', template('x'), /^shape\.json: post_processor\.single must be a list, not "x"$/, true],
  ['TemplateProcessing single as a string template', template('$A [SEP]'), /post_processor\.single must be a list/, true],
  ['TemplateProcessing piece neither kind', template([{ Other: {} }]), /^shape\.json: post_processor\.single\[0\] must be \{"SpecialToken": …\} or \{"Sequence": …\}, not \{"Other":\{\}\}$/, true],
  ['TemplateProcessing sequence C', template([{ Sequence: { id: 'C', type_id: 0 } }]), /post_processor\.single\[0\]\.Sequence\.id must be "A" or "B", not "C"$/, true],
  ['TemplateProcessing unknown special', template([{ SpecialToken: { id: '[X]', type_id: 0 } }]), /^shape\.json: post_processor\.single\[0\]\.SpecialToken\.id "\[X\]" is not one of the special_tokens$/, false],
  ['TemplateProcessing ids and tokens differ', template([], { '[SEP]': { id: '[SEP]', ids: [3, 1], tokens: ['[SEP]'] } }), /post_processor\.special_tokens\["\[SEP\]"\]\.tokens must be 2 strings \(one per id\)/, false],
  ['TemplateProcessing id null', template([], { '[SEP]': { id: '[SEP]', ids: [null], tokens: ['[SEP]'] } }), /special_tokens\["\[SEP\]"\]\.ids\[0\] must be an id/, true],
  ['BertProcessing id 1.5', { post_processor: { type: 'BertProcessing', cls: ['a', 1.5], sep: ['[SEP]', 3] } }, /^shape\.json: post_processor\.cls\[1\] must be an id \(an integer from 0 to 4294967295\), not 1\.5$/, true],
  ['a null vocabulary id', { model: { type: 'BPE', vocab: { a: null, b: 1 }, merges: [] } }, /^shape\.json: model\.vocab\["a"\] must be an id \(an integer from 0 to 4294967295\), not null$/, true],
  ['a negative vocabulary id', { model: { type: 'WordLevel', vocab: { a: -1, '[UNK]': 0 }, unk_token: '[UNK]' } }, /model\.vocab\["a"\] must be an id .*not -1$/, true],
  ['a vocabulary id above u32', { model: { type: 'BPE', vocab: { a: 4294967296 }, merges: [] } }, /model\.vocab\["a"\] must be an id .*not 4294967296$/, true],
  ['a fractional added token id', { added_tokens: [{ id: 1.5, content: 'x', special: true }] }, /^shape\.json: added_tokens\[0\]\.id must be an id .*not 1\.5$/, true],
  ['an added token without content', { added_tokens: [{ id: 9, special: true }] }, /^shape\.json: added_tokens\[0\]\.content must be a string, not undefined$/, true],
  ['added_tokens null', { added_tokens: null }, /^shape\.json: added_tokens must be a list, not null$/, true],
  ['a merge of three parts', { model: { type: 'BPE', vocab: { a: 0, b: 1, ab: 2 }, merges: ['a b c'] } }, /^shape\.json: model\.merges\[0\] must be "a b" like model\.merges\[0\], not "a b c"$/, true],
  ['merges of both forms', { model: { type: 'BPE', vocab: { a: 0, b: 1, ab: 2 }, merges: [['a', 'b'], 'a b'] } }, /^shape\.json: model\.merges\[1\] must be \["a", "b"\] like model\.merges\[0\], not "a b"$/, true],
  ['a merge that is a number', { model: { type: 'BPE', vocab: { a: 0 }, merges: [5] } }, /model\.merges\[0\] must be "a b" like model\.merges\[0\], not 5$/, true],
  ['a merge making an unknown token', { model: { type: 'BPE', vocab: { a: 0, b: 1 }, merges: ['a b'] } }, /^shape\.json: model\.merges\[0\] "a b" needs "ab", which is not in the vocabulary$/, false],
  ['a boolean that is a string', { pre_tokenizer: { type: 'ByteLevel', add_prefix_space: 'yes' } }, /^shape\.json: pre_tokenizer\.add_prefix_space must be true or false, not "yes"$/, true],
  ['a boolean that is null', { pre_tokenizer: { type: 'ByteLevel', add_prefix_space: null } }, /pre_tokenizer\.add_prefix_space must be true or false, not null$/, true],
  ['a Metaspace replacement of two characters', { pre_tokenizer: { type: 'Metaspace', replacement: 'ab' } }, /^shape\.json: pre_tokenizer\.replacement must be one character, not "ab"$/, true],
  ['a CharDelimiterSplit without delimiter', { pre_tokenizer: { type: 'CharDelimiterSplit' } }, /pre_tokenizer\.delimiter must be one character, not undefined$/, true],
  ['a split behaviour unknown', { pre_tokenizer: { type: 'Split', pattern: { String: 'a' }, behavior: 'Sideways', invert: false } }, /pre_tokenizer\.behavior must be one of Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous, not "Sideways"$/, true],
  ['a pattern with both keys', { pre_tokenizer: { type: 'Split', pattern: { String: 'a', Regex: 'b' }, behavior: 'Isolated', invert: false } }, /pre_tokenizer\.pattern must be \{"String": …\} or \{"Regex": …\}/, true],
  ['a Prepend of a number', { normalizer: { type: 'Prepend', prepend: 5 } }, /^shape\.json: normalizer\.prepend must be a string, not 5$/, true],
  ['a Unigram score that is a string', { model: { type: 'Unigram', vocab: [['a', 'x']], unk_id: 0 } }, /the Unigram vocab entry 0 is not \["piece", score\]/, true],
  ['a WordPiece max_input_chars_per_word string', { model: { type: 'WordPiece', vocab: { a: 0, '[UNK]': 1 }, unk_token: '[UNK]', max_input_chars_per_word: 'x' } }, /model\.max_input_chars_per_word must be a whole number, not "x"$/, true],
  ['a backreference in a Split pattern', { pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Whitespace' }, { type: 'Split', pattern: { Regex: '(a)\\1' }, behavior: 'Isolated', invert: false }] } }, /^shape\.json: pre_tokenizer\.pretokenizers\[1\]\.pattern\.Regex "\(a\)\\\\1" is not supported: a backreference at index \d+$/, false],
  ['a lookbehind of variable length in a Replace pattern', { normalizer: { type: 'Replace', pattern: { Regex: '(?<=a+)b' }, content: '' } }, /^shape\.json: normalizer\.pattern\.Regex "\(\?<=a\+\)b" is not supported: a lookbehind other than fixed characters/, false],
  ['an invalid regex', { normalizer: { type: 'Replace', pattern: { Regex: '(a' }, content: '' } }, /^shape\.json: normalizer\.pattern\.Regex "\(a" is not a valid regex: /, true],
];

for (const [name, change, expected, rustRefuses] of REFUSED) {
  test(`tokenizer.json with ${name}: one-line TokenizerError naming the field`, () => {
    const json = { ...base(), ...change };
    assert.throws(() => build(json), (e: unknown) => {
      assert.ok(e instanceof TokenizerError, `not a TokenizerError: ${String(e)}`);
      assert.match(e.message, expected);
      assert.ok(!/[\n\r]/.test(e.message) && e.message.length <= MAX_MESSAGE_CHARS, e.message);
      return true;
    });
    if (rustRefuses) assert.throws(() => rust.Tokenizer.fromString(JSON.stringify(json)), `the reference loads ${name}`);
  });
}

test('a decoder nested 5000 deep (ignored by the engine) neither overflows the stack nor stops loading', () => {
  const tok = build({ ...base(), decoder: nested('decoder', 'decoders', 5000) });
  assert.deepEqual(tok.encode('a b').tokens.map((t) => t.id), [1, 2]);
});

/** unk_token missing from the vocabulary: Rust loads the file and fails to encode an unknown piece. */
const MISSING_UNK: Array<[string, Json, string, RegExp]> = [
  ['BPE', { type: 'BPE', vocab: { a: 0, b: 1 }, merges: [], unk_token: '<unk>' }, 'a b', /Unk token `<unk>` not found/],
  ['WordPiece', { type: 'WordPiece', vocab: { a: 0, b: 1 }, unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100 }, 'a b', /Missing \[UNK\] token/],
  ['WordLevel', { type: 'WordLevel', vocab: { a: 0, b: 1 }, unk_token: '[UNK]' }, 'a b', /Missing \[UNK\] token/],
];

for (const [type, model, known, rustError] of MISSING_UNK) {
  test(`${type} whose unk_token is not in the vocabulary: loads, and an unknown piece is a TokenizerError (never a null id)`, async () => {
    const json = { ...base(), model };
    const tok = build(json);
    assert.deepEqual(tok.encode(known).tokens.map((t) => t.id), [0, 1]);
    assert.throws(() => tok.encode('a x'), (e: unknown) => e instanceof TokenizerError && /^shape\.json: model\.unk_token "(<unk>|\[UNK\])" is not in the vocabulary \(needed for "x"\)$/.test(e.message));
    const reference = rust.Tokenizer.fromString(JSON.stringify(json));
    assert.deepEqual((await reference.encode(known, null, { addSpecialTokens: false })).getIds(), [0, 1]);
    await assert.rejects(reference.encode('a x', null, { addSpecialTokens: false }), rustError);
  });
}

test('regexes that freeze a backtracking matcher run in linear time through a whole tokenizer', { timeout: 120_000 }, () => {
  const json = base();
  json.normalizer = { type: 'Replace', pattern: { Regex: '(a|a)*b' }, content: 'B' };
  json.pre_tokenizer = {
    type: 'Sequence',
    pretokenizers: [
      { type: 'Split', pattern: { Regex: '(a+)+$' }, behavior: 'Isolated', invert: false },
      { type: 'Split', pattern: { Regex: '(\\s*)*\\s*x' }, behavior: 'Removed', invert: false },
      { type: 'Whitespace' },
    ],
  };
  const tok = build(json);
  // V8 needs 2^n steps for each of these; 26 characters took 8.6 s.
  for (const n of [30, 100_000]) {
    const text = `${'a'.repeat(n)}! ${' '.repeat(n)}y`;
    const tokens = tok.encode(text).tokens;
    assert.deepEqual(tokens.map((t) => [t.start, t.end]), [[0, n], [n, n + 1], [2 * n + 2, 2 * n + 3]]);
  }
});
