/**
 * The checks of a tokenizer.json `model` and `added_tokens` before tokenizers.js builds anything
 * from them: what it would take as-is (a `null` id, a merge of three parts) must not reach a
 * token list. Rust tokenizers refuses the same files, with the same fields.
 *
 *   checkModel('BPE', { vocab: { a: null }, merges: [] })
 *     → TokenizerError: model.vocab["a"] must be an id (an integer from 0 to 4294967295), not null
 */
import { quoteValue } from '../errorText';
import type { AddedTokenConfig } from './addedTokens';
import { TokenizerError } from './errors';
import type { ModelConfig } from './wordModel';
import { boolField, fieldError, idAt, isId, objectAt, optionalStringField, stringField, type Json } from './jsonFields';

/** A BPE merge as Rust reads it: `"a b"` (exactly one space) or `["a", "b"]`. */
function mergeParts(merge: unknown): [string, string] | undefined {
  if (typeof merge === 'string') {
    const parts = merge.split(' ');
    return parts.length === 2 ? [parts[0], parts[1]] : undefined;
  }
  if (Array.isArray(merge) && merge.length === 2 && typeof merge[0] === 'string' && typeof merge[1] === 'string') return [merge[0], merge[1]];
  return undefined;
}

function checkVocab(model: Json, type: string): Json {
  const vocab = model.vocab;
  if (typeof vocab !== 'object' || vocab === null || Array.isArray(vocab)) throw new TokenizerError(`the ${type} model has no "vocab" object`);
  for (const token of Object.keys(vocab)) {
    const id = (vocab as Json)[token];
    if (!isId(id)) idAt(id, `model.vocab[${quoteValue(token)}]`);
  }
  return vocab as Json;
}

function checkMerges(model: Json, vocab: Json): void {
  if (!Array.isArray(model.merges)) throw new TokenizerError('the BPE model has no "merges" list');
  // One form for the whole list, as Rust reads it (tokenizers.js guesses it from the first merge).
  const pairs = model.merges.length > 0 && Array.isArray(model.merges[0]);
  model.merges.forEach((merge, i) => {
    const parts = Array.isArray(merge) === pairs ? mergeParts(merge) : undefined;
    if (!parts) throw fieldError(`model.merges[${i}]`, pairs ? '["a", "b"] like model.merges[0]' : '"a b" like model.merges[0]', merge);
    for (const token of [parts[0], parts[1], parts[0] + parts[1]]) {
      if (!Object.hasOwn(vocab, token)) throw new TokenizerError(`model.merges[${i}] ${quoteValue(merge)} needs ${quoteValue(token)}, which is not in the vocabulary`);
    }
  });
}

/**
 * Checks the model's fields for `type` and returns the options the engine reads (Unigram is
 * checked by unigramConfig, from the same object).
 */
export function checkModel(type: string, model: Json): ModelConfig {
  if (type === 'Unigram') return {};
  const vocab = checkVocab(model, type);
  if (type === 'BPE') {
    checkMerges(model, vocab);
    if (model.dropout !== undefined && model.dropout !== null && typeof model.dropout !== 'number') throw fieldError('model.dropout', 'a number or null', model.dropout);
    return {
      unk_token: optionalStringField(model, 'unk_token', 'model'),
      continuing_subword_prefix: optionalStringField(model, 'continuing_subword_prefix', 'model'),
      end_of_word_suffix: optionalStringField(model, 'end_of_word_suffix', 'model'),
      fuse_unk: boolField(model, 'fuse_unk', 'model', false),
      byte_fallback: boolField(model, 'byte_fallback', 'model', false),
      ignore_merges: boolField(model, 'ignore_merges', 'model', false),
    };
  }
  const options: ModelConfig = { unk_token: stringField(model, 'unk_token', 'model', '[UNK]') };
  if (type === 'WordPiece') {
    options.continuing_subword_prefix = stringField(model, 'continuing_subword_prefix', 'model', '##');
    const max = model.max_input_chars_per_word;
    if (max !== undefined && !(typeof max === 'number' && Number.isSafeInteger(max) && max >= 0)) {
      throw fieldError('model.max_input_chars_per_word', 'a whole number', max);
    }
  }
  return options;
}

/** `added_tokens`: a list (absent: none) of `{ id, content, single_word, lstrip, rstrip, normalized, special }`. */
export function checkAddedTokens(json: Json): AddedTokenConfig[] {
  const all = json.added_tokens;
  if (all === undefined) return [];
  if (!Array.isArray(all)) throw fieldError('added_tokens', 'a list', all);
  return all.map((entry, i): AddedTokenConfig => {
    const path = `added_tokens[${i}]`;
    const t = objectAt(entry, path);
    const content = t.content;
    if (typeof content !== 'string') throw fieldError(`${path}.content`, 'a string', content);
    const special = boolField(t, 'special', path, false);
    return {
      id: idAt(t.id, `${path}.id`),
      content,
      single_word: boolField(t, 'single_word', path, false),
      lstrip: boolField(t, 'lstrip', path, false),
      rstrip: boolField(t, 'rstrip', path, false),
      normalized: boolField(t, 'normalized', path, !special),
      special,
    };
  });
}
