/**
 * The tokenizers shipped with the extension, by name. A module of its own so that code which only
 * needs the names (the extension's activation path) does not load the tokenizer engine.
 */
export const BUNDLED_TOKENIZERS = ['gpt2', 'bert-base-uncased'] as const;
export type BundledTokenizer = (typeof BUNDLED_TOKENIZERS)[number];
