/**
 * Post-processing as in Rust tokenizers: byte-level offset trimming (ByteLevel, RobertaProcessing
 * with `trim_offsets`), and the special tokens around the sequence (`[CLS] … [SEP]`, `<s> … </s>`),
 * added only when asked. Added special tokens take the empty range [0, 0), as in the reference.
 */
import type { TokenSpan } from './types';
import { isWhitespace } from './unicodeClasses';
import { TokenizerError, unsupported } from './errors';

export type PostProcessor = (tokens: TokenSpan[], addSpecialTokens: boolean) => TokenSpan[];

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

/** Rust `process_offsets`: leading/trailing (byte-level) spaces leave the token's range. */
export function trimOffsets(tokens: TokenSpan[], addPrefixSpace: boolean): void {
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
      t.start = Math.min(t.start + leading, t.end);
    }
    if (trailing > 0 && t.end >= trailing) t.end = Math.max(t.end - trailing, t.start);
  });
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
      return (tokens, add) => {
        if (trim) trimOffsets(tokens, prefix);
        return add ? [special(clsId, cls), ...tokens, special(sepId, sep)] : tokens;
      };
    }
    case 'ByteLevel': {
      const trim = config.trim_offsets !== false;
      const prefix = config.add_prefix_space !== false;
      return (tokens) => {
        if (trim) trimOffsets(tokens, prefix);
        return tokens;
      };
    }
    case 'Sequence': {
      const steps = ((config.processors as PostProcessorConfig[] | undefined) ?? []).map(createPostProcessor);
      return (tokens, add) => steps.reduce((acc, step) => step(acc, add), tokens);
    }
    default:
      throw unsupported('post-processor', config.type, SUPPORTED_POST_PROCESSORS);
  }
}
