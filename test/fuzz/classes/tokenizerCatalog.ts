/**
 * Pieces of tokenizer.json that cases write into a seed: components of every supported type (and
 * some unsupported or malformed ones), regexes that match nothing, everything or take forever, and
 * edge values of the model's own fields.
 */
import { refMarker, type Json } from '../mutate/jsonEdits';
import type { Rng } from '../prng';
import { camembertCharsmap } from './tokenizerSeeds';

/** Empty matches, catastrophic backtracking, invalid syntax, Oniguruma-only syntax, GPT-2's own. */
export const NASTY_REGEXES = [
  '', '(a+)+$', '(a|a)*b', '(a*)*b', '(?=a)', '\\b', '^', '$', '(?:)', '[', '(', '\\', 'a{1000000}', '(.*)*x', '\\p{Foo}', '(?<=a)b',
  '(?<name>a)', '\\p{L}+', " ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+", '(?i)abc', '\\G', '\\X', '[[:alpha:]]', '(?m)^', 'a**',
  '.', '\\s', '\\S+', '[^]', '\\u{1F600}', '(?>a+)b', 'a++', '\\h', '\\K', '(a?){30}a{30}', '(\\w+\\s?)+$', '\\1(a)', '[\\d-z]', '(?#comment)',
  'x*', '\\Z', '(?<!^)', '\u0000', '[\\u{D800}]',
];

const BEHAVIORS: Json[] = ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous', 'removed', 5, null];

export function pattern(rng: Rng): Json {
  return rng.chance(0.8) ? { Regex: rng.pick(NASTY_REGEXES) } : rng.pick<Json>([{ String: '' }, { String: 'a' }, { String: 'aa' }, { String: ' ' }, { Regex: 5 }, {}, null, 'a', { String: 'a', Regex: '(' }]);
}

export function normalizer(rng: Rng, depth = 0): Json {
  const charsmapLength = camembertCharsmap().length;
  const items: Array<() => Json> = [
    () => ({ type: 'BertNormalizer', clean_text: rng.chance(0.5), handle_chinese_chars: rng.chance(0.5), strip_accents: rng.pick<Json>([null, true, false, 'yes']), lowercase: rng.chance(0.5) }),
    () => ({ type: rng.pick(['NFC', 'NFD', 'NFKC', 'NFKD', 'Lowercase', 'StripAccents', 'Nmt', 'nfc', 'ByteLevel']) }),
    () => ({ type: 'Strip', strip_left: rng.chance(0.5), strip_right: rng.pick<Json>([true, false, 'no']) }),
    () => ({ type: 'Replace', pattern: pattern(rng), content: rng.pick<Json>(['', ' ', '▁', 'ab', null, 5, 'x'.repeat(1000)]) }),
    () => ({ type: 'Prepend', prepend: rng.pick<Json>(['▁', '', 'ab', null, 7, '😀']) }),
    () => ({ type: 'Precompiled', precompiled_charsmap: rng.pick<Json>([refMarker('camembert-charsmap'), '', 'AAAA', 'QUJD', '!!!', refMarker('camembert-charsmap', rng.int(charsmapLength)), null, 5]) }),
    () => ({ type: 'Sequence', normalizers: depth > 2 ? [] : Array.from({ length: rng.range(0, 3) }, () => normalizer(rng, depth + 1)) }),
    () => rng.pick<Json>([{ type: 'Sequence', normalizers: null }, { type: 'Sequence', normalizers: [null] }, { type: 'Sequence' }, { type: 'Sequence', normalizers: 'NFC' }, { type: null }, {}, 'NFC', 5]),
  ];
  return rng.pick(items)();
}

export function preTokenizer(rng: Rng, depth = 0): Json {
  const items: Array<() => Json> = [
    () => ({ type: 'ByteLevel', add_prefix_space: rng.chance(0.5), trim_offsets: rng.chance(0.5), use_regex: rng.pick<Json>([true, false, 'x']) }),
    () => ({ type: rng.pick(['BertPreTokenizer', 'Whitespace', 'WhitespaceSplit', 'UnicodeScripts', 'Bogus', 'whitespace']) }),
    () => ({ type: 'Punctuation', behavior: rng.pick(BEHAVIORS) }),
    () => ({ type: 'Digits', individual_digits: rng.pick<Json>([true, false, 1]) }),
    () => ({ type: 'CharDelimiterSplit', delimiter: rng.pick<Json>([' ', '', 'ab', '😀', null, 0]) }),
    () => ({ type: 'Metaspace', replacement: rng.pick<Json>(['▁', '', 'ab', ' ', null, '😀']), prepend_scheme: rng.pick<Json>(['always', 'first', 'never', 'sometimes', null]), split: rng.pick<Json>([true, false, 'x']), add_prefix_space: rng.pick<Json>([true, false, null]) }),
    () => ({ type: 'Split', pattern: pattern(rng), behavior: rng.pick(BEHAVIORS), invert: rng.pick<Json>([true, false, 'x']) }),
    () => ({ type: 'Sequence', pretokenizers: depth > 2 ? [] : Array.from({ length: rng.range(0, 3) }, () => preTokenizer(rng, depth + 1)) }),
    () => rng.pick<Json>([{ type: 'Sequence', pretokenizers: null }, { type: 'Sequence', pretokenizers: [null] }, { type: 'Sequence', pretokenizers: [5] }, { type: null }, {}, 'Whitespace']),
  ];
  return rng.pick(items)();
}

function specialId(rng: Rng): Json {
  return rng.pick<Json>([0, 1, 2, 3, -1, 1.5, 2 ** 31, 2 ** 53, '2', null]);
}

export function postProcessor(rng: Rng, depth = 0): Json {
  const items: Array<() => Json> = [
    () => ({
      type: 'TemplateProcessing',
      single: rng.pick<Json>([[{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }], [], [null], [{}], [{ SpecialToken: { id: 'missing', type_id: 0 } }], 'A', [{ Sequence: { id: 'B', type_id: 0 } }]]),
      pair: [],
      special_tokens: rng.pick<Json>([
        { '[CLS]': { id: '[CLS]', ids: [specialId(rng)], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } },
        { '[CLS]': { id: '[CLS]', ids: [2, 3], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: 3, tokens: '[SEP]' } },
        { '[CLS]': null, '[SEP]': {} }, {}, null,
      ]),
    }),
    () => ({ type: rng.pick(['BertProcessing', 'RobertaProcessing']), sep: rng.pick<Json>([['[SEP]', 3], ['</s>', specialId(rng)], ['x'], null, 'x', [3, '[SEP]']]), cls: rng.pick<Json>([['[CLS]', 2], ['<s>', specialId(rng)], [], null]), trim_offsets: rng.pick<Json>([true, false]), add_prefix_space: rng.pick<Json>([true, false]) }),
    () => ({ type: 'ByteLevel', trim_offsets: rng.pick<Json>([true, false, 'x']), add_prefix_space: rng.pick<Json>([true, false]) }),
    () => ({ type: 'Sequence', processors: depth > 2 ? [] : Array.from({ length: rng.range(0, 3) }, () => postProcessor(rng, depth + 1)) }),
    () => rng.pick<Json>([{ type: 'Sequence', processors: null }, { type: 'Sequence', processors: [null] }, { type: 'Bogus' }, { type: null }, {}, 'ByteLevel']),
  ];
  return rng.pick(items)();
}

export function decoder(rng: Rng): Json {
  return rng.pick<Json>([{ type: 'ByteLevel' }, { type: 'WordPiece', prefix: '##', cleanup: true }, { type: 'Metaspace', replacement: '▁' }, null, { type: 'Bogus' }, { type: 'Sequence', decoders: [{ type: 'ByteLevel' }, null] }, 'x']);
}
