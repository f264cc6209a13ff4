/**
 * Optional argument of the text commands, for walkthrough links, hovers and tests:
 * `executeCommand('transformerExplorer.tokenizeSelection', { text: 'Le chat', compareWith: 'gpt2' })`.
 * From a menu VS Code passes the document's URI instead; anything that is not this shape is ignored.
 */
export interface TextCommandArgs {
  /** Text to use instead of the editor's selection. */
  text?: string;
  /** Tokenizer spec to use instead of the active one. */
  tokenizer?: string;
  /** Second tokenizer: opens the Tokens panel in compare mode. */
  compareWith?: string;
  /** Open the Tokens panel in compare mode (with the `compareTokenizer` setting unless `compareWith`). */
  compare?: boolean;
  /** Number of merges for Learn BPE. */
  merges?: number;
}

export function parseTextArgs(arg: unknown): TextCommandArgs {
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) {
    return {};
  }
  const o = arg as Record<string, unknown>;
  const string = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return {
    text: string(o.text),
    tokenizer: string(o.tokenizer),
    compareWith: string(o.compareWith),
    compare: typeof o.compare === 'boolean' ? o.compare : undefined,
    merges: typeof o.merges === 'number' && Number.isFinite(o.merges) ? o.merges : undefined,
  };
}
