import { createHash } from 'node:crypto';
import type { TextTokenizer } from '../tokenizers/textTokenizer';
import { buildTokenizer } from '../tokenizers/buildTokenizer';
import { splitCorpus, type CorpusSplit } from './corpus';
import { checkOptions, modelFolder, objectivesOf, parameterCount, parameterEstimate } from './presets';
import type { ModelObjective, TrainingOptions, TrainingPlan, TrainingProblem } from './types';
import { BERT_SPECIALS, bertTokenizer, bertWords, END_OF_TEXT, gptTokenizer, type LearnedVocabulary } from './vocabulary';

/** One model of a run, ready for the Python trainer. */
export interface PreparedModel {
  readonly objective: ModelObjective;
  readonly folder: string;
  readonly tokenizerJson: Record<string, unknown>;
  readonly tokenizer: TextTokenizer;
  /** Vocabulary size actually learned (at most the requested one: a small text runs out of merges). */
  readonly vocabSize: number;
  /** CLM: each paragraph's ids then the end-of-text id. MLM: the paragraphs' ids. */
  readonly trainIds: Int32Array;
  readonly validationIds: Int32Array;
  readonly specials: Readonly<Record<string, number>>;
  /** CLM: the sample prompt's ids and text. MLM: the probe's ids (one [MASK]) and text. */
  readonly sampleIds: readonly number[];
  readonly sampleText: string;
  readonly seconds: number;
}

export interface PreparedRun {
  readonly plan: TrainingPlan;
  readonly models: readonly PreparedModel[];
}

/** The first words of a validation paragraph: the prompt a CLM sample continues. */
function defaultPrompt(paragraph: string): string {
  return paragraph.split(/\s+/).slice(0, 6).join(' ');
}

/** The first validation sentence with one of its longer words (the middle one) replaced by [MASK]. */
function defaultProbe(paragraph: string): string {
  const sentence = (paragraph.match(/^[^.!?;]{12,}[.!?;]?/) ?? [paragraph])[0].split(/\s+/).slice(0, 20);
  const candidates = sentence.map((w, i) => ({ w, i })).filter(({ w }) => /^\p{L}{3,}$/u.test(w));
  const pick = candidates[Math.floor(candidates.length / 2)] ?? { i: Math.min(1, sentence.length - 1) };
  return sentence.map((w, i) => (i === pick.i ? '[MASK]' : w)).join(' ');
}

/** The characters of BERT's words (each a vocabulary entry twice: alone and as `##c`). */
function distinctCharacters(texts: readonly string[]): number {
  const seen = new Set<string>();
  for (const t of texts) for (const w of bertWords(t)) for (const c of w) seen.add(c);
  return seen.size;
}

function ids(tokenizer: TextTokenizer, texts: readonly string[], after?: number): Int32Array {
  const out: number[] = [];
  for (const text of texts) {
    for (const t of tokenizer.encode(text).tokens) out.push(t.id);
    if (after !== undefined) out.push(after);
  }
  return Int32Array.from(out);
}

type Learned = {
  learned: LearnedVocabulary;
  tokenizer: TextTokenizer;
  specials: Record<string, number>;
  trainIds: Int32Array;
  validationIds: Int32Array;
  /** How long learning it took (when it was learned). */
  seconds: number;
};

/** The last tokenizers learned (one per objective), by text, split, vocabulary and name. */
const learnedCache = new Map<string, Learned>();

function learnTokenizer(split: CorpusSplit, objective: ModelObjective, options: TrainingOptions): Learned {
  const started = Date.now();
  const learned = objective === 'clm'
    ? gptTokenizer(split.train, Math.max(0, options.vocabSize - 257))
    : bertTokenizer(split.train, Math.max(0, options.vocabSize - BERT_SPECIALS.length - 2 * distinctCharacters(split.train)));
  const tokenizer = buildTokenizer(learned.tokenizerJson, { id: `${options.name}-${objective}`, source: 'trained', name: options.name, where: `the ${objective} tokenizer learned for ${options.name}` });
  const vocab = (learned.tokenizerJson.model as { vocab: Record<string, number> }).vocab;
  const specials: Record<string, number> = objective === 'clm' ? { eot: vocab[END_OF_TEXT] } : Object.fromEntries(BERT_SPECIALS.map((s) => [s, vocab[s]]));
  const trainIds = ids(tokenizer, split.train, objective === 'clm' ? specials.eot : undefined);
  const validationIds = ids(tokenizer, split.validation, objective === 'clm' ? specials.eot : undefined);
  return { learned, tokenizer, specials, trainIds, validationIds, seconds: (Date.now() - started) / 1000 };
}

/**
 * Splits the corpus, learns each model's tokenizer on the training part with our BPE trainer
 * (byte-level BPE for GPT-2, WordPiece for BERT; merges = requested vocabulary − the base symbols),
 * turns both parts into ids and checks there is enough text: a problem instead of a plan when not.
 */
export function prepareTraining(options: TrainingOptions): PreparedRun | TrainingProblem {
  const bad = checkOptions(options);
  if (bad) return { kind: 'bad-options', message: bad };
  const split = splitCorpus(options.corpus.text, options.validationFraction, options.seed);
  const characters = options.corpus.text.length;
  const trainCharacters = split.train.reduce((n, p) => n + p.length, 0);
  const validationCharacters = split.validation.reduce((n, p) => n + p.length, 0);
  if (split.validation.length === 0 || split.train.length === 0) {
    return { kind: 'corpus-too-small', message: `The text (${characters} characters) is one paragraph: it cannot be split into training and validation text. Give it more lines or paragraphs.`, facts: { characters } };
  }
  const models: PreparedModel[] = [];
  const textKey = createHash('sha1').update(options.corpus.text).digest('hex');
  for (const objective of objectivesOf(options.objective)) {
    // The plan learned it already (the same text, split and vocabulary): not twice.
    const key = JSON.stringify([textKey, options.validationFraction, options.seed, objective, options.vocabSize, options.name]);
    const cached = learnedCache.get(key);
    const made = cached ?? learnTokenizer(split, objective, options);
    const { learned, tokenizer, specials, trainIds, validationIds } = made;
    learnedCache.delete(key);
    learnedCache.set(key, made);
    while (learnedCache.size > 2) learnedCache.delete(learnedCache.keys().next().value as string);
    const sampleText = objective === 'clm' ? options.prompt ?? defaultPrompt(split.validation[0]) : options.probe ?? defaultProbe(split.validation[0]);
    const sampleIds = objective === 'clm' ? [specials.eot, ...tokenizer.encode(sampleText).tokens.map((t) => t.id)] : tokenizer.encode(sampleText, { special: true }).tokens.map((t) => t.id);
    models.push({
      objective, folder: modelFolder(options, objective), tokenizerJson: learned.tokenizerJson, tokenizer, vocabSize: learned.vocabSize,
      trainIds, validationIds, specials, sampleIds, sampleText, seconds: made.seconds,
    });
  }
  // One window of the context (+1 shifted target for CLM) in each part.
  const need = options.shape.context + 1;
  for (const m of models) {
    const part = m.trainIds.length < need ? 'training' : m.validationIds.length < need ? 'validation' : undefined;
    if (part) {
      const have = part === 'training' ? m.trainIds.length : m.validationIds.length;
      return {
        kind: 'corpus-too-small',
        message: `The ${part} text has ${have} tokens for ${m.objective === 'clm' ? 'GPT-2' : 'BERT'}, fewer than one context of ${options.shape.context} + 1: give more text, a larger validation share, or a shorter context.`,
        facts: { characters, part, tokens: have, context: options.shape.context, model: m.objective },
      };
    }
  }
  return {
    plan: {
      characters, trainCharacters, validationCharacters,
      models: models.map((m) => ({
        objective: m.objective,
        parameters: parameterCount(m.objective, options.shape, m.vocabSize),
        estimate: parameterEstimate(options.shape, m.vocabSize),
        trainTokens: m.trainIds.length,
        validationTokens: m.validationIds.length,
        folder: m.folder,
        vocabSize: m.vocabSize,
      })),
    },
    models,
  };
}

/** The plan alone (what the user sees before starting), or the problem. */
export async function planTraining(options: TrainingOptions): Promise<TrainingPlan | TrainingProblem> {
  const prepared = prepareTraining(options);
  return 'plan' in prepared ? prepared.plan : prepared;
}
