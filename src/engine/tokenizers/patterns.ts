/**
 * tokenizer.json patterns (`{"String": …}` or `{"Regex": …}`) as Matchers. A regex comes from a
 * file, so it is never run by V8's backtracking: tokenizers.js converts its Oniguruma syntax to
 * a JavaScript regex, and the linear-time engine of regex/ matches that (V8 only decides the
 * single-code-point atoms).
 *
 * Why never native, even for patterns that look harmless: no cheap structural check proves V8
 * linear — `\s*[\r\n]+`, one branch of Llama-3's own pattern, is quadratic alone (1.2 s on 50k
 * spaces). Measured on 1 MiB of mixed text with Llama-3's pattern: native ~30 ms, the engine
 * ~60–90 ms (6.6 steps per character) — small beside the BPE model's ~400 ms for the same text.
 * The constant patterns the engine writes itself (GPT-2's ByteLevel, Whitespace) stay native.
 *
 *   compilePattern({ Regex: '\\s+' }, 'normalizer.pattern')   → Matcher
 *   compilePattern({ Regex: '(a)\\1' }, 'normalizer.pattern')
 *     → TokenizerError: normalizer.pattern.Regex "(a)\\1" is not supported: a backreference at index 4
 */
import { oneLine, quoteValue } from '../errorText';
import { TokenizerError } from './errors';
import { hfRegex } from './hfTokenizers';
import { fieldError, isObject } from './jsonFields';
import { literalMatcher, programMatcher, type Matcher } from './matcher';
import { compileRegex, UnsupportedRegex } from './regex/compile';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** V8's SyntaxError quotes the whole pattern: only its reason (after the last `: `) is kept. */
function reason(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return oneLine(message.slice(message.lastIndexOf(': ') + 1).trim(), 160);
}

/** `path` names the pattern's place in tokenizer.json, e.g. `pre_tokenizer.pretokenizers[1].pattern`. */
export function compilePattern(pattern: unknown, path: string): Matcher {
  const keys = isObject(pattern) ? Object.keys(pattern) : [];
  if (!isObject(pattern) || keys.length !== 1 || !['String', 'Regex'].includes(keys[0])) {
    throw fieldError(path, '{"String": …} or {"Regex": …}', pattern);
  }
  const key = keys[0];
  const value = pattern[key];
  if (typeof value !== 'string') throw fieldError(`${path}.${key}`, 'a string', value);
  // Rust strings cannot hold half a surrogate pair: the reference refuses such a file.
  if (LONE_SURROGATE.test(value)) throw new TokenizerError(`${path}.${key} ${quoteValue(value)} holds a lone surrogate`);
  if (key === 'String') return literalMatcher(value);
  let converted: RegExp;
  try {
    converted = hfRegex(value);
  } catch (e) {
    throw new TokenizerError(`${path}.Regex ${quoteValue(value)} is not a valid regex: ${reason(e)}`);
  }
  try {
    return programMatcher(compileRegex(converted.source, converted.flags));
  } catch (e) {
    if (e instanceof UnsupportedRegex) throw new TokenizerError(`${path}.Regex ${quoteValue(value)} is not supported: ${oneLine(e.message, 160)}`);
    throw e;
  }
}
