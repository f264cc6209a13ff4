/**
 * What a loaded tokenizer must do with any text: encode it (with and without special tokens) into
 * tokens whose ids are integers in [0, vocabulary size) that the tokenizer can name, whose token
 * is a string, and whose offsets are integers within the text with start ≤ end; and trace it into
 * pieces that lie within the text. A TokenizerError while encoding is a user error like any other.
 */
import type { TextTokenizer } from '../../../src/engine/tokenizers/textTokenizer';
import type { Encoding, MergeTrace } from '../../../src/engine/tokenizers/types';
import { InvariantViolation } from '../outcome';

/** ASCII, French with accents, emoji and astral characters, a long run of `a`, whitespace runs, specials, lone surrogates. */
export const TOKENIZER_TEXTS: readonly string[] = [
  'Hello, world! The quick brown fox jumps over the lazy dog 1234567890.',
  "Le café où j'ai déjà mangé était très agréable, n'est-ce pas ? Œuvre naïve, Noël à l'hôtel.",
  'I ❤️ 🦀 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👩‍👩‍👧‍👦 🇫🇷 𠀋 日本語のテキスト',
  'a'.repeat(5000),
  'a \t\t  \n\n\n   b\r\n \u00a0\u3000 c      \u2028 d',
  '<mask> [MASK] <s> </s> [CLS] <|endoftext|> <unk> ## ▁ Ġ x\ud800y \udc00 \u0000 e\u0301',
  '',
];

function fail(rule: string, details: string): never {
  throw new InvariantViolation(rule, details);
}

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function describe(text: string): string {
  return text.length > 40 ? `${JSON.stringify(text.slice(0, 30))}… (${text.length} chars)` : JSON.stringify(text);
}

function checkEncoding(tok: TextTokenizer, text: string, enc: Encoding, vocabBound: number, special: boolean): void {
  if (!enc || !Array.isArray(enc.tokens)) fail('encode() returned no token list', `encode(${describe(text)})`);
  enc.tokens.forEach((t, i) => {
    const at = `encode(${describe(text)}, special=${special}) token ${i}`;
    if (!isIndex(t.id) || t.id >= vocabBound) fail(isIndex(t.id) ? 'token id outside [0, vocabulary size)' : 'token id is not a non-negative integer', `${at}: id ${typeof t.id === 'number' ? String(t.id) : JSON.stringify(t.id) ?? 'undefined'}, vocabulary ${vocabBound}`);
    if (typeof t.token !== 'string') fail('token is not a string', `${at}: ${JSON.stringify(t.token) ?? 'undefined'}`);
    if (!Number.isInteger(t.start) || !Number.isInteger(t.end) || t.start < 0 || t.start > t.end || t.end > text.length) {
      fail('token offsets outside the text or reversed', `${at} (${JSON.stringify(t.token.slice(0, 20))}): [${t.start}, ${t.end}] in a ${text.length}-unit text`);
    }
    if (typeof tok.idToToken(t.id) !== 'string') fail('idToToken(id) is not a string for an id the tokenizer produced', `${at}: id ${t.id}`);
    if (typeof tok.display(t.token) !== 'string') fail('display() did not return a string', at);
  });
}

function checkTrace(text: string, pieces: Array<{ start: number; end: number; trace: MergeTrace }>): void {
  if (!Array.isArray(pieces)) fail('trace() returned no list', `trace(${describe(text)})`);
  pieces.forEach((p, i) => {
    const at = `trace(${describe(text)}) piece ${i}`;
    if (!Number.isInteger(p.start) || !Number.isInteger(p.end) || p.start < 0 || p.start > p.end || p.end > text.length) fail('trace piece outside the text or reversed', `${at}: [${p.start}, ${p.end}]`);
    const tr = p.trace;
    if (!tr || (tr.kind !== 'bpe' && tr.kind !== 'wordpiece') || !Array.isArray(tr.tokens) || !tr.tokens.every((t) => typeof t === 'string')) fail('malformed trace', at);
    if (tr.kind === 'bpe' && !tr.steps.every((s) => isIndex(s.rank) && s.pair.length === 2 && s.symbols.every((x) => typeof x === 'string'))) fail('malformed BPE trace step', at);
  });
}

/** Runs the tokenizer over every text; throws an InvariantViolation for a broken result. */
export function exerciseTokenizer(tok: TextTokenizer, vocabBound: number): void {
  const info = tok.info;
  if (!isIndex(info.vocabSize) || typeof info.label !== 'string' || typeof info.kind !== 'string') fail('tokenizer info is malformed', JSON.stringify(info).slice(0, 200));
  for (const text of TOKENIZER_TEXTS) {
    // The long run of `a` is encoded once: special tokens are added the same way to any text.
    for (const special of text.length > 1000 ? [false] : [false, true]) checkEncoding(tok, text, tok.encode(text, { special }), vocabBound, special);
    checkTrace(text, tok.trace(text));
  }
}

/**
 * The ids a tokenizer.json may legitimately produce: its model's vocabulary (whose ids may be
 * sparse: the highest one counts) and its added tokens, read from the file itself.
 */
export function vocabBound(tok: TextTokenizer, json: unknown): number {
  let bound = tok.info.vocabSize;
  const vocab = typeof json === 'object' && json !== null ? (json as { model?: { vocab?: unknown } }).model?.vocab : undefined;
  if (typeof vocab === 'object' && vocab !== null && !Array.isArray(vocab)) for (const id of Object.values(vocab)) if (isIndex(id)) bound = Math.max(bound, id + 1);
  const added = typeof json === 'object' && json !== null ? (json as { added_tokens?: unknown }).added_tokens : undefined;
  if (Array.isArray(added)) for (const t of added) if (typeof t === 'object' && t !== null && isIndex((t as { id?: unknown }).id)) bound = Math.max(bound, (t as { id: number }).id + 1);
  return bound;
}
