/**
 * Post-processing as in Rust tokenizers: byte-level offset trimming (ByteLevel, RobertaProcessing
 * with `trim_offsets`), and the special tokens around the sequence (`[CLS] … [SEP]`, `<s> … </s>`),
 * added only when asked. Added special tokens take the empty range [0, 0), as in the reference.
 */
import type { TokenSpan } from './types';
import { isWhitespace } from './unicodeClasses';
import { nextCodePointIndex } from './normalizedString';
import { TokenizerError, unsupported } from './errors';

/** `text` is the original input: offsets are trimmed by whole characters, as Rust does. */
export type PostProcessor = (tokens: TokenSpan[], addSpecialTokens: boolean, text: string) => TokenSpan[];

interface PostProcessorConfig {
  type: string;
  [key: string]: unknown;
}

interface TemplateSpecial {
  id: string;
  ids: number[];
  tokens: string[];
}

type TemplateItem = { SpecialToken: { id: string } } | { Sequence: { id: string } };

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

function pairOf(value: unknown, what: string): [string, number] {
  if (Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'number') return [value[0], value[1]];
  throw new TokenizerError(`post-processor: invalid ${what} ${JSON.stringify(value)} (expected ["token", id])`);
}

function template(config: PostProcessorConfig): PostProcessor {
  const single = (config.single as TemplateItem[] | undefined) ?? [];
  const specials = (config.special_tokens as Record<string, TemplateSpecial> | undefined) ?? {};
  return (tokens, add) => {
    if (!add) return tokens;
    const out: TokenSpan[] = [];
    for (const item of single) {
      if ('Sequence' in item) {
        if (item.Sequence.id === 'A') out.push(...tokens);
        continue;
      }
      const sp = specials[item.SpecialToken.id];
      if (!sp) throw new TokenizerError(`TemplateProcessing: missing special token ${JSON.stringify(item.SpecialToken.id)}`);
      sp.ids.forEach((id, k) => out.push(special(id, sp.tokens[k])));
    }
    return out;
  };
}

export function createPostProcessor(config: PostProcessorConfig | null | undefined): PostProcessor {
  if (!config) return (tokens) => tokens;
  switch (config.type) {
    case 'TemplateProcessing':
      return template(config);
    case 'BertProcessing': {
      const [cls, clsId] = pairOf(config.cls, 'cls');
      const [sep, sepId] = pairOf(config.sep, 'sep');
      return (tokens, add) => (add ? [special(clsId, cls), ...tokens, special(sepId, sep)] : tokens);
    }
    case 'RobertaProcessing': {
      const [cls, clsId] = pairOf(config.cls, 'cls');
      const [sep, sepId] = pairOf(config.sep, 'sep');
      const trim = config.trim_offsets !== false;
      const prefix = config.add_prefix_space !== false;
      return (tokens, add, text) => {
        if (trim) trimOffsets(tokens, prefix, text);
        return add ? [special(clsId, cls), ...tokens, special(sepId, sep)] : tokens;
      };
    }
    case 'ByteLevel': {
      const trim = config.trim_offsets !== false;
      const prefix = config.add_prefix_space !== false;
      return (tokens, _add, text) => {
        if (trim) trimOffsets(tokens, prefix, text);
        return tokens;
      };
    }
    case 'Sequence': {
      const steps = ((config.processors as PostProcessorConfig[] | undefined) ?? []).map(createPostProcessor);
      return (tokens, add, text) => steps.reduce((acc, step) => step(acc, add, text), tokens);
    }
    default:
      throw unsupported('post-processor', config.type, SUPPORTED_POST_PROCESSORS);
  }
}
