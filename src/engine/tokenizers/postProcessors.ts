/**
 * Post-processing as in Rust tokenizers: byte-level offset trimming (ByteLevel, RobertaProcessing
 * with `trim_offsets`), and the special tokens around the sequence (`[CLS] … [SEP]`, `<s> … </s>`),
 * added only when asked. Added special tokens take the empty range [0, 0), as in the reference.
 */
import type { TokenSpan } from './types';
import { isWhitespace } from './unicodeClasses';
import { nextCodePointIndex } from './normalizedString';
import { quoteValue } from '../errorText';
import { TokenizerError, unsupported } from './errors';
import { arrayField, childPath, boolField, deeper, fieldError, idAt, isObject, objectAt, typeOf, type Json } from './jsonFields';

/** `text` is the original input: offsets are trimmed by whole characters, as Rust does. */
export type PostProcessor = (tokens: TokenSpan[], addSpecialTokens: boolean, text: string) => TokenSpan[];

/** One special token of a template, resolved: its ids with their token strings. */
type TemplateSpecial = Array<[number, string]>;

/** A template's pieces: the sequence (`A`) or a special token's ids. */
type TemplatePiece = 'A' | 'B' | TemplateSpecial;

export const SUPPORTED_POST_PROCESSORS = ['TemplateProcessing', 'BertProcessing', 'RobertaProcessing', 'ByteLevel', 'Sequence'] as const;

const BYTE_LEVEL_SPACE = 'Ġ';

function isTrimmedSpace(c: string): boolean {
  return c === BYTE_LEVEL_SPACE || isWhitespace(c.codePointAt(0) as number);
}

/**
 * Rust `process_offsets`: leading/trailing (byte-level) spaces leave the token's range. The
 * reference trims character offsets (code points), so a range is moved by whole characters.
 */
export function trimOffsets(tokens: TokenSpan[], addPrefixSpace: boolean, text: string): void {
  tokens.forEach((t, i) => {
    const chars = Array.from(t.token);
    let leading = 0;
    while (leading < chars.length && isTrimmedSpace(chars[leading])) leading++;
    let trailing = 0;
    while (trailing < chars.length && isTrimmedSpace(chars[chars.length - 1 - trailing])) trailing++;
    if (leading === 0 && trailing === 0) return;
    if (leading > 0) {
      const isFirst = i === 0 || t.start === 0;
      if (isFirst && addPrefixSpace && leading === 1) leading = 0;
      let start = t.start;
      for (let k = 0; k < leading && start < t.end; k++) start = nextCodePointIndex(text, start);
      t.start = Math.min(start, t.end);
    }
    if (trailing > 0 && codePointsBefore(text, t.end, trailing) >= trailing) {
      let end = t.end;
      for (let k = 0; k < trailing && end > 0; k++) end = previousCodePointIndex(text, end);
      t.end = Math.max(end, t.start);
    }
  });
}

/** How many code points precede `index` — counted only up to `enough`. */
function codePointsBefore(text: string, index: number, enough: number): number {
  let n = 0;
  for (let i = index; i > 0 && n < enough; n++) i = previousCodePointIndex(text, i);
  return n;
}

function previousCodePointIndex(text: string, i: number): number {
  const low = text.charCodeAt(i - 1);
  const high = i >= 2 ? text.charCodeAt(i - 2) : 0;
  return low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff ? i - 2 : i - 1;
}

function special(id: number, token: string): TokenSpan {
  return { id, token, start: 0, end: 0, special: true };
}

function pairOf(config: Json, key: string, path: string): [string, number] {
  const value = config[key];
  if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string') return [value[0], idAt(value[1], `${path}.${key}[1]`)];
  throw fieldError(`${path}.${key}`, '["token", id]', value);
}

/** special_tokens: `{ "[CLS]": { "id": "[CLS]", "ids": [101], "tokens": ["[CLS]"] } }`. */
function templateSpecials(config: Json, path: string): Map<string, TemplateSpecial> {
  const specials = new Map<string, TemplateSpecial>();
  const all = objectAt(config.special_tokens ?? {}, `${path}.special_tokens`);
  for (const [name, entry] of Object.entries(all)) {
    const at = `${path}.special_tokens[${quoteValue(name)}]`;
    const sp = objectAt(entry, at);
    const ids = arrayField(sp, 'ids', at).map((id, k) => idAt(id, `${at}.ids[${k}]`));
    const tokens = arrayField(sp, 'tokens', at);
    if (tokens.length !== ids.length || !tokens.every((t) => typeof t === 'string')) {
      throw fieldError(`${at}.tokens`, `${ids.length} strings (one per id)`, tokens);
    }
    specials.set(name, ids.map((id, k): [number, string] => [id, tokens[k] as string]));
  }
  return specials;
}

/** A template (`single` or `pair`): `[{ "SpecialToken": { "id": "[CLS]" } }, { "Sequence": { "id": "A" } }, …]`. */
function templatePieces(config: Json, key: string, path: string, specials: Map<string, TemplateSpecial>): TemplatePiece[] {
  if (config[key] === undefined) return [];
  return arrayField(config, key, path).map((item, i): TemplatePiece => {
    const at = `${path}.${key}[${i}]`;
    const piece = objectAt(item, at);
    if (isObject(piece.Sequence)) {
      const id = piece.Sequence.id;
      if (id !== 'A' && id !== 'B') throw fieldError(`${at}.Sequence.id`, '"A" or "B"', id);
      return id;
    }
    if (isObject(piece.SpecialToken)) {
      const id = piece.SpecialToken.id;
      const sp = typeof id === 'string' ? specials.get(id) : undefined;
      if (!sp) throw new TokenizerError(`${at}.SpecialToken.id ${quoteValue(id)} is not one of the special_tokens`);
      return sp;
    }
    throw fieldError(at, '{"SpecialToken": …} or {"Sequence": …}', item);
  });
}

function template(config: Json, path: string): PostProcessor {
  const specials = templateSpecials(config, path);
  const single = templatePieces(config, 'single', path, specials);
  templatePieces(config, 'pair', path, specials);
  return (tokens, add) => {
    if (!add) return tokens;
    const out: TokenSpan[] = [];
    for (const piece of single) {
      if (piece === 'A') out.push(...tokens);
      else if (piece !== 'B') for (const [id, token] of piece) out.push(special(id, token));
    }
    return out;
  };
}

/**
 * `postProcessor`, refusing (TokenizerError) a special token it adds whose id is past the
 * tokenizer's ids: the reference emits such an id as written, and a model then reads past its
 * embedding table.
 */
export function withKnownIds(postProcessor: PostProcessor, idBound: number): PostProcessor {
  return (tokens, add, text) => {
    const out = postProcessor(tokens, add, text);
    if (add) {
      for (const t of out) {
        if (t.special && t.id >= idBound) {
          throw new TokenizerError(`post_processor: the special token ${quoteValue(t.token)} has id ${t.id}, but the tokenizer's ids end at ${idBound - 1}`);
        }
      }
    }
    return out;
  };
}

/**
 * The post-processor of a tokenizer.json `post_processor` object (null: none). `path` names it
 * in the file for errors; `depth` counts the Sequences around it.
 */
export function createPostProcessor(config: unknown, path = 'post_processor', depth = 0): PostProcessor {
  if (config === null || config === undefined) return (tokens) => tokens;
  const c = objectAt(config, path);
  const type = typeOf(c, path);
  switch (type) {
    case 'TemplateProcessing':
      return template(c, path);
    case 'BertProcessing': {
      const [cls, clsId] = pairOf(c, 'cls', path);
      const [sep, sepId] = pairOf(c, 'sep', path);
      return (tokens, add) => (add ? [special(clsId, cls), ...tokens, special(sepId, sep)] : tokens);
    }
    case 'RobertaProcessing': {
      const [cls, clsId] = pairOf(c, 'cls', path);
      const [sep, sepId] = pairOf(c, 'sep', path);
      const trim = boolField(c, 'trim_offsets', path, true);
      const prefix = boolField(c, 'add_prefix_space', path, true);
      return (tokens, add, text) => {
        if (trim) trimOffsets(tokens, prefix, text);
        return add ? [special(clsId, cls), ...tokens, special(sepId, sep)] : tokens;
      };
    }
    case 'ByteLevel': {
      const trim = boolField(c, 'trim_offsets', path, true);
      const prefix = boolField(c, 'add_prefix_space', path, true);
      boolField(c, 'use_regex', path, true);
      return (tokens, _add, text) => {
        if (trim) trimOffsets(tokens, prefix, text);
        return tokens;
      };
    }
    case 'Sequence': {
      const inner = deeper(depth, path);
      const steps = arrayField(c, 'processors', path).map((child, i) => {
        const at = childPath(path, 'processors', i);
        return createPostProcessor(objectAt(child, at), at, inner);
      });
      return (tokens, add, text) => steps.reduce((acc, step) => step(acc, add, text), tokens);
    }
    default:
      throw unsupported('post-processor', type, SUPPORTED_POST_PROCESSORS, path);
  }
}
