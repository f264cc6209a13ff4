/** A user-readable, one-line problem with a tokenizer (unknown name, bad file, unsupported part). */
export class TokenizerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenizerError';
  }
}

/** The error for a tokenizer.json component this engine cannot replay with exact offsets. */
export function unsupported(component: string, type: unknown, supported: readonly string[]): TokenizerError {
  return new TokenizerError(
    `unsupported ${component} type ${JSON.stringify(type)} (supported: ${supported.join(', ')})`,
  );
}
