/**
 * tokenizer.json → TextTokenizer: validates the file, lets tokenizers.js build the model, and
 * assembles the offset-exact pipeline around it. Every problem is a one-line TokenizerError.
 */
import { oneLine, quoteValue } from '../errorText';
import { AddedVocabulary } from './addedTokens';
import { createHfTokenizer, type HfTokenizer } from './hfTokenizers';
import { createWordModel, SUPPORTED_MODELS } from './models';
import { createNormalizer, withBoundedGrowth } from './normalizers';
import { createPostProcessor, withKnownIds } from './postProcessors';
import { createPreTokenizer } from './preTokenizers';
import { PipelineTokenizer, type TextTokenizer } from './textTokenizer';
import { TokenizerError } from './errors';
import { fieldError, isObject, MAX_SEQUENCE_DEPTH, type Json } from './jsonFields';
import { checkAddedTokens, checkModel } from './modelFields';
import { UnigramModel } from './unigramModel';
import type { TokenizerInfo, TokenizerModelKind } from './types';

export interface TokenizerMeta {
  /** The id as the user named it (`gpt2` or a path). */
  id: string;
  /** `bundled` or the absolute file path. */
  source: string;
  /** Human label; `name (model kind)` when absent. */
  label?: string;
  /** Short name for the derived label (the model folder's name). */
  name?: string;
  /** Where the JSON came from, for error messages. */
  where: string;
}

/** tokenizer.json's `model.type`, or what Rust/tokenizers.js infer when it is missing. */
function modelType(model: Json): string {
  if (model.type !== undefined && model.type !== null) {
    if (typeof model.type !== 'string') throw fieldError('model.type', 'a string', model.type);
    return model.type;
  }
  if (Array.isArray(model.vocab)) return 'Unigram';
  if ('merges' in model) return 'BPE';
  if ('continuing_subword_prefix' in model || 'max_input_chars_per_word' in model) return 'WordPiece';
  return 'WordLevel';
}

/** Whether a component (or one inside its Sequence, at most MAX_SEQUENCE_DEPTH deep) is ByteLevel. */
function usesByteLevel(config: unknown, depth = 0): boolean {
  if (!isObject(config) || depth > MAX_SEQUENCE_DEPTH) return false;
  if (config.type === 'ByteLevel') return true;
  const children = config.pretokenizers ?? config.decoders ?? config.processors;
  return Array.isArray(children) && children.some((child) => usesByteLevel(child, depth + 1));
}

export function buildTokenizer(json: unknown, meta: TokenizerMeta): TextTokenizer {
  if (!isObject(json) || !isObject(json.model)) {
    throw new TokenizerError(`${meta.where} is not a tokenizer.json (no "model" object)`);
  }
  try {
    return assemble(json, json.model, meta);
  } catch (e) {
    if (e instanceof TokenizerError) throw new TokenizerError(oneLine(`${meta.where}: ${e.message}`));
    throw e;
  }
}

function assemble(json: Json, model: Json, meta: TokenizerMeta): TextTokenizer {
  const type = modelType(model);
  if (!(SUPPORTED_MODELS as readonly string[]).includes(type)) {
    throw new TokenizerError(`unsupported model type ${quoteValue(type)} (supported: ${SUPPORTED_MODELS.join(', ')})`);
  }
  const options = checkModel(type, model);
  const addedTokens = checkAddedTokens(json);
  const withPrefix = { continuing_subword_prefix: '##', max_input_chars_per_word: 100, unk_token: '[UNK]', ...model };
  // tokenizers.js builds the model and the added tokens; the rest is replayed here with offsets,
  // so its own (approximate or missing) normalizers and pre-tokenizers are not asked for.
  const forModel = {
    version: json.version ?? '1.0',
    added_tokens: addedTokens,
    normalizer: null,
    pre_tokenizer: null,
    post_processor: null,
    decoder: null,
    model: { ...(type === 'WordPiece' ? withPrefix : model), type: type === 'WordLevel' ? undefined : type },
  };
  const normalizer = withBoundedGrowth(createNormalizer(json.normalizer));
  const preTokenizer = createPreTokenizer(json.pre_tokenizer);
  const postProcessor = createPostProcessor(json.post_processor);
  // Unigram is run entirely by the engine (unigramModel.ts); tokenizers.js holds the others.
  let hf: HfTokenizer | null = null;
  if (type !== 'Unigram') {
    try {
      hf = createHfTokenizer(forModel);
    } catch (e) {
      throw new TokenizerError(`cannot load the tokenizer: ${oneLine((e as Error).message, 200)}`);
    }
  }
  const wordModel = createWordModel(type, hf, model, options);
  const unigram = wordModel instanceof UnigramModel ? wordModel : undefined;
  const addedById = new Map(addedTokens.map((t) => [t.id, t.content]));
  const hfModel = hf;
  const idToToken = unigram ? (id: number) => addedById.get(id) ?? unigram.idToToken(id) : (id: number) => hfModel?.id_to_token(id);
  const byteLevel = usesByteLevel(json.pre_tokenizer) || usesByteLevel(json.decoder);
  const vocabSize = unigram ? unigram.size : (hf?.model?.tokens_to_ids.size ?? 0);
  let idBound = vocabSize;
  if (hf?.model) for (const id of hf.model.tokens_to_ids.values()) idBound = Math.max(idBound, id + 1);
  for (const t of addedTokens) idBound = Math.max(idBound, t.id + 1);
  const info: TokenizerInfo = {
    id: meta.id,
    label: meta.label ?? `${meta.name ?? meta.id} (${byteLevel ? 'byte-level BPE' : type})`,
    kind: type as TokenizerModelKind,
    byteLevel,
    vocabSize,
    idBound,
    source: meta.source,
  };
  return new PipelineTokenizer({
    info,
    added: new AddedVocabulary(addedTokens, normalizer),
    preTokenizer,
    model: wordModel,
    postProcessor: withKnownIds(postProcessor, idBound),
    idToToken,
    where: meta.where,
  });
}
