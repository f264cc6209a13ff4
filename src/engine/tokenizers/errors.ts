import { quoteValue } from '../errorText';

/** A user-readable, one-line problem with a tokenizer (unknown name, bad file, unsupported part). */
export class TokenizerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenizerError';
  }
}

/**
 * The error for a tokenizer.json component this engine cannot replay with exact offsets; `path`
 * names it in the file (`pre_tokenizer.pretokenizers[1]`).
 */
export function unsupported(component: string, type: unknown, supported: readonly string[], path: string): TokenizerError {
  return new TokenizerError(`${path}: unsupported ${component} type ${quoteValue(type)} (supported: ${supported.join(', ')})`);
}

/**
 * What Rust does when a piece is unknown and the unk_token is not in the vocabulary: the file
 * loads, and encoding text that needs the unknown token fails (never a token without an id).
 */
export function missingUnk(unk: string, piece: string): TokenizerError {
  return new TokenizerError(`model.unk_token ${quoteValue(unk)} is not in the vocabulary (needed for ${quoteValue(piece)})`);
}
