/**
 * The shipped models' tokenizers: the engine's from-scratch vocabularies
 * (src/engine/training/vocabulary.ts, also behind *Train a Model from Scratch*) with the merge
 * counts of the built-in models (4,096 and 3,943 entries).
 */
import { bertTokenizer as learnBert, gptTokenizer as learnGpt, type LearnedVocabulary } from '../../src/engine/training/vocabulary';

export { BERT_SPECIALS, bertWords, END_OF_TEXT, type LearnedVocabulary } from '../../src/engine/training/vocabulary';

export const GPT_MERGES = 3839;
export const BERT_MERGES = 3900;

export function gptTokenizer(texts: readonly string[], merges = GPT_MERGES): LearnedVocabulary {
  return learnGpt(texts, merges);
}

export function bertTokenizer(texts: readonly string[], merges = BERT_MERGES): LearnedVocabulary {
  return learnBert(texts, merges);
}
