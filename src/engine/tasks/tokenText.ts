/**
 * Token ids → text, per tokenizer kind: byte-level BPE symbols back to UTF-8 (`Ġworld` → ` world`),
 * WordPiece continuations glued (`##ing` → `ing`), SentencePiece's `▁` as a space. Special tokens
 * decode to nothing in running text.
 */
import { byteLevelToBytes } from '../tokenizers/byteLevel';
import { decodeUtf8Lenient } from '../tokenizers/display';
import type { TextTokenizer } from '../tokenizers/textTokenizer';
import type { TokenChoice } from './taskTypes';

const utf8 = new TextDecoder('utf-8');

function vocabString(tokenizer: TextTokenizer, id: number): string {
  return tokenizer.idToToken(id) ?? `<${id}>`;
}

/** The text of one token on its own; bytes of a character cut in two shown as `<0xNN>`. */
export function tokenText(tokenizer: TextTokenizer, token: string): string {
  if (tokenizer.info.byteLevel) {
    const bytes = byteLevelToBytes(token);
    return bytes ? decodeUtf8Lenient(bytes) : token;
  }
  if (tokenizer.info.kind === 'WordPiece') return token.startsWith('##') ? token.slice(2) : token;
  return token.replace(/▁/g, ' ');
}

/**
 * Running text of generated tokens (`skip`: ids left out, e.g. the end-of-text token). WordPiece
 * words are separated by spaces, as Hugging Face's decoder does.
 */
export function decodeIds(tokenizer: TextTokenizer, ids: readonly number[], skip: ReadonlySet<number> = new Set()): string {
  const kept = ids.filter((id) => !skip.has(id)).map((id) => vocabString(tokenizer, id));
  if (tokenizer.info.byteLevel) {
    const parts = kept.map((t) => byteLevelToBytes(t) ?? new TextEncoder().encode(t));
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    return utf8.decode(bytes);
  }
  if (tokenizer.info.kind === 'WordPiece') return kept.map((t, i) => (t.startsWith('##') ? t.slice(2) : i === 0 ? t : ` ${t}`)).join('');
  return kept.join('').replace(/▁/g, ' ');
}

/** A TokenChoice for `id` with probability `prob`. */
export function tokenChoice(tokenizer: TextTokenizer, id: number, prob: number): TokenChoice {
  const token = vocabString(tokenizer, id);
  return { id, token, text: tokenText(tokenizer, token), prob };
}

/** The id of a special token spelled `text` (e.g. `<|endoftext|>`), if the tokenizer has one. */
export function specialTokenId(tokenizer: TextTokenizer, text: string): number | undefined {
  const tokens = tokenizer.encode(text).tokens;
  return tokens.length === 1 && tokens[0].special && tokens[0].token === text ? tokens[0].id : undefined;
}

/** GPT-2's `<|endoftext|>` (used as BOS and EOS), or undefined. */
export function endOfTextId(tokenizer: TextTokenizer): number | undefined {
  return specialTokenId(tokenizer, '<|endoftext|>');
}
