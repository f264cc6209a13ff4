/** tokenizer.json cases: components swapped, nasty regexes, vocabulary/merges/added-token edits, model fields, deep nesting, byte noise. */
import { randomByteEdits } from '../mutate/byteEdits';
import { getAt, isPlainObject, literalEdits, type GenValue, type Json, type JsonEdit } from '../mutate/jsonEdits';
import { deepNest, edgeNumber, edgeString, randomJsonEdit, randomKey } from '../mutate/jsonMutator';
import type { Rng } from '../prng';
import type { TokenizerRecipe } from '../recipe';
import { once } from '../seeds';
import { decoder, NASTY_REGEXES, normalizer, pattern, postProcessor, preTokenizer } from './tokenizerCatalog';
import { tokenizerBase, TOKENIZER_BASES } from './tokenizerSeeds';

type Obj = { [key: string]: Json };

function componentEdits(rng: Rng): JsonEdit[] {
  switch (rng.int(4)) {
    case 0: return literalEdits(['normalizer'], normalizer(rng));
    case 1: return literalEdits(['pre_tokenizer'], preTokenizer(rng));
    case 2: return literalEdits(['post_processor'], postProcessor(rng));
    default: return literalEdits(['decoder'], decoder(rng));
  }
}

/** A regex that matches nothing, everything, or backtracks forever, where the pipeline runs it. */
function regexEdits(rng: Rng, root: Obj): JsonEdit[] {
  const regex: Json = { Regex: rng.pick(NASTY_REGEXES) };
  const existing = root.pre_tokenizer ?? null;
  switch (rng.int(3)) {
    case 0: return literalEdits(['pre_tokenizer'], { type: 'Split', pattern: regex, behavior: rng.pick(['Isolated', 'Removed', 'MergedWithNext', 'Contiguous']), invert: rng.chance(0.2) });
    case 1: return literalEdits(['pre_tokenizer'], { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: pattern(rng), behavior: 'Isolated', invert: false }, ...(existing ? [existing] : [])] });
    default: return literalEdits(['normalizer'], { type: 'Replace', pattern: regex, content: rng.pick(['', ' ', 'aa', '▁']) });
  }
}

function vocabEdit(rng: Rng, model: Obj): JsonEdit {
  const vocab = model.vocab;
  if (Array.isArray(vocab)) {
    const i = rng.int(vocab.length);
    const piece = Array.isArray(vocab[i]) ? (vocab[i] as Json[])[0] : 'x';
    return rng.pick<JsonEdit>([
      { op: 'set', path: ['model', 'vocab', i], value: rng.pick<GenValue>([{ lit: null }, { lit: [piece] }, { lit: [piece, 'x'] }, { lit: [1, 2] }, { raw: `[${JSON.stringify(piece)},1e999]` }, { lit: ['', 0] }, { lit: [piece, -1e308] }, { lit: vocab[rng.int(vocab.length)] }, { lit: [piece, 0, 0] }]) },
      { op: 'set', path: ['model', 'vocab'], value: rng.pick<GenValue>([{ lit: [] }, { lit: {} }, { lit: null }, { lit: [['<unk>', 0]] }]) },
      { op: 'set', path: ['model', 'unk_id'], value: rng.pick<GenValue>([{ lit: -1 }, { lit: vocab.length }, { lit: 1e9 }, { lit: null }, { lit: '3' }, { lit: 1.5 }, edgeNumber(rng, vocab.length)]) },
      { op: 'delete', path: ['model', 'unk_id'] },
      { op: 'delete', path: ['model', 'vocab', i] },
    ]);
  }
  if (!isPlainObject(vocab)) return { op: 'set', path: ['model', 'vocab'], value: { lit: { a: 0 } } };
  const key = randomKey(rng, vocab) ?? 'a';
  const other = randomKey(rng, vocab) ?? 'b';
  const unk = typeof model.unk_token === 'string' ? model.unk_token : '[UNK]';
  const size = Object.keys(vocab).length;
  return rng.pick<JsonEdit>([
    { op: 'set', path: ['model', 'vocab', key], value: rng.pick<GenValue>([{ lit: null }, { lit: -1 }, { lit: 1.5 }, { lit: 2 ** 31 }, { lit: '3' }, { lit: vocab[other] }, { lit: [1] }, { raw: '1e999' }, { lit: size }, { lit: size + 1000 }]) },
    { op: 'delete', path: ['model', 'vocab', unk] },
    { op: 'delete', path: ['model', 'vocab', key] },
    { op: 'set', path: ['model', 'vocab', rng.pick(['', ' ', 'x'.repeat(10_000), '##', 'Ġ', '\u0000', '😀'])], value: { lit: rng.pick([size, 0, size + 5]) } },
    { op: 'set', path: ['model', 'vocab'], value: rng.pick<GenValue>([{ lit: [] }, { lit: {} }, { lit: null }, { lit: [['a', 0]] }]) },
    { op: 'dupKey', path: ['model', 'vocab', key], value: { lit: vocab[other] } },
  ]);
}

function mergesEdit(rng: Rng, model: Obj): JsonEdit {
  const merges = Array.isArray(model.merges) ? model.merges : [];
  const i = rng.int(Math.max(1, merges.length));
  return rng.pick<JsonEdit>([
    { op: 'set', path: ['model', 'merges', i], value: { lit: rng.pick<Json>(['a', 'a b c', '', ['a', 'b'], [1, 2], null, 'x y', ' ', 'Ġ Ġ', ['a'], 'a  b']) } },
    { op: 'set', path: ['model', 'merges'], value: rng.pick<GenValue>([{ lit: [] }, { lit: 'a b' }, { lit: null }, { lit: {} }, { array: 'a b', times: 50_000 }]) },
    { op: 'set', path: ['model', 'merges', merges.length], value: { lit: merges[i] ?? 'a b' } },
    { op: 'delete', path: ['model', 'merges', i] },
    ...(merges.length > 0 && merges.length < 500 ? [{ op: 'set', path: ['model', 'merges'], value: { lit: merges.slice().reverse() } } as JsonEdit] : []),
  ]);
}

function addedTokenEdit(rng: Rng, root: Obj): JsonEdit {
  const added = Array.isArray(root.added_tokens) ? root.added_tokens : [];
  const i = rng.int(Math.max(1, added.length));
  const field = rng.pick(['content', 'id', 'special', 'lstrip', 'rstrip', 'single_word', 'normalized']);
  const value: GenValue = field === 'content'
    ? rng.pick<GenValue>([{ lit: '' }, { lit: ' ' }, { lit: 'a' }, { lit: 'e' }, { lit: '\n' }, { lit: 'é' }, { lit: '😀' }, { lit: '##' }, edgeString(rng)])
    : field === 'id' ? rng.pick<GenValue>([{ lit: -1 }, { lit: 1.5 }, { lit: 2 ** 31 }, { lit: '0' }, { lit: 0 }, { lit: 5 }, { raw: '1e999' }, edgeNumber(rng)])
      : rng.pick<GenValue>([{ lit: true }, { lit: 'yes' }, { lit: null }, { lit: 1 }]);
  return rng.pick<JsonEdit>([
    { op: 'set', path: ['added_tokens', i, field], value },
    { op: 'set', path: ['added_tokens', i, field], value },
    { op: 'delete', path: ['added_tokens', i, rng.pick(['content', 'id'])] },
    { op: 'set', path: ['added_tokens', added.length], value: { lit: { id: rng.pick([0, 1, 7, 1000, 2 ** 31]), content: rng.pick(['é', ' ', 'a', 'the', '[MASK]', '']), single_word: rng.chance(0.5), lstrip: rng.chance(0.5), rstrip: rng.chance(0.5), normalized: rng.chance(0.5), special: rng.chance(0.5) } } },
    { op: 'set', path: ['added_tokens'], value: rng.pick<GenValue>([{ lit: {} }, { lit: null }, { lit: 'x' }, { lit: [null] }, { array: { id: 0, content: 'a' }, times: 5000 }]) },
    { op: 'set', path: ['added_tokens', i], value: { lit: null } },
    { op: 'set', path: ['added_tokens', added.length], value: { lit: added[i] ?? null } },
  ]);
}

function modelFieldEdit(rng: Rng): JsonEdit {
  const field = rng.pick(['unk_token', 'continuing_subword_prefix', 'max_input_chars_per_word', 'byte_fallback', 'dropout', 'fuse_unk', 'end_of_word_suffix', 'ignore_merges', 'type', 'type']);
  const values: Record<string, GenValue[]> = {
    unk_token: [{ lit: null }, { lit: '' }, { lit: 'missing' }, { lit: 5 }, { lit: '<unk>' }, { lit: '[UNK]' }],
    continuing_subword_prefix: [{ lit: '' }, { lit: null }, { lit: 'a' }, { lit: '##' }, { repeat: '#', times: 1000 }],
    max_input_chars_per_word: [{ lit: 0 }, { lit: -1 }, { lit: 1 }, { lit: 2 ** 53 }, { raw: '1e999' }, { lit: 'x' }, { lit: 1.5 }],
    byte_fallback: [{ lit: true }, { lit: 'yes' }],
    dropout: [{ lit: 0.5 }, { lit: 1 }, { lit: -1 }, { lit: 2 }, { lit: 'x' }],
    fuse_unk: [{ lit: true }, { lit: 1 }],
    end_of_word_suffix: [{ lit: '</w>' }, { lit: '' }, { lit: null }],
    ignore_merges: [{ lit: true }, { lit: 'x' }],
    type: [{ lit: 'BPE' }, { lit: 'WordPiece' }, { lit: 'WordLevel' }, { lit: 'Unigram' }, { lit: 'Bogus' }, { lit: null }, { lit: 5 }],
  };
  return rng.chance(0.15) ? { op: 'delete', path: ['model', field] } : { op: 'set', path: ['model', field], value: rng.pick(values[field]) };
}

function deepEdit(rng: Rng): JsonEdit {
  const depth = rng.pick([100, 1000, 5000]);
  const leaf: GenValue = { lit: { type: 'Lowercase' } };
  return rng.pick<JsonEdit>([
    { op: 'set', path: ['normalizer'], value: { nest: depth, open: '{"type":"Sequence","normalizers":[', close: ']}', leaf } },
    { op: 'set', path: ['pre_tokenizer'], value: { nest: depth, open: '{"type":"Sequence","pretokenizers":[', close: ']}', leaf: { lit: { type: 'Whitespace' } } } },
    { op: 'set', path: ['post_processor'], value: { nest: depth, open: '{"type":"Sequence","processors":[', close: ']}', leaf: { lit: { type: 'ByteLevel' } } } },
    { op: 'set', path: ['decoder'], value: { nest: depth, open: '{"type":"Sequence","decoders":[', close: ']}', leaf: { lit: { type: 'ByteLevel' } } } },
    { op: 'set', path: [rng.pick(['normalizer', 'pre_tokenizer', 'model', 'added_tokens', 'post_processor'])], value: deepNest(rng) },
  ]);
}

function textLength(base: string): number {
  return once(`toklen:${base}`, () => JSON.stringify(tokenizerBase(base)).length);
}

export function generateTokenizer(rng: Rng, index: number): TokenizerRecipe {
  const pristine = index < TOKENIZER_BASES.length;
  const base = pristine ? TOKENIZER_BASES[index][0] : rng.weighted(TOKENIZER_BASES);
  const recipe: TokenizerRecipe = { cls: 'tokenizer', base, json: [], bytes: [], note: pristine ? 'unmutated seed' : '' };
  if (pristine) return recipe;
  const root = tokenizerBase(base) as Obj;
  const model = (isPlainObject(root.model) ? root.model : {}) as Obj;
  const kinds: string[] = [];
  do {
    const kind = rng.weighted([['generic', 22], ['component', 18], ['regex', 3], ['vocab', 12], ['merges', Array.isArray(model.merges) ? 5 : 0], ['added', 12], ['model', 10], ['deep', 3], ['dumb', 10]] as const);
    kinds.push(kind);
    switch (kind) {
      case 'generic': recipe.json.push(randomJsonEdit(rng, root, rng.chance(0.5) ? [] : [rng.pick(['model', 'normalizer', 'pre_tokenizer', 'post_processor', 'added_tokens'])].filter((k) => getAt(root, [k]) !== undefined))); break;
      case 'component': recipe.json.push(...componentEdits(rng)); break;
      case 'regex': recipe.json.push(...regexEdits(rng, root)); break;
      case 'vocab': recipe.json.push(vocabEdit(rng, model)); break;
      case 'merges': recipe.json.push(mergesEdit(rng, model)); break;
      case 'added': recipe.json.push(addedTokenEdit(rng, root)); break;
      case 'model': recipe.json.push(modelFieldEdit(rng)); break;
      case 'deep': recipe.json.push(deepEdit(rng)); break;
      default: recipe.bytes.push(...randomByteEdits(rng, textLength(base), rng.range(1, 4))); break;
    }
  } while (kinds.length < 4 && rng.chance(0.35));
  recipe.note = kinds.join('+');
  return recipe;
}
