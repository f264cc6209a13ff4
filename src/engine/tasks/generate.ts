/**
 * Text completion with a GPT-2-family model on its lean decode graph with the KV cache: the prompt
 * is run once, then each step feeds only the new token. Strategies: greedy (argmax), sampling
 * (temperature, top-k, top-p, seeded mulberry32 — the same seed gives the same text) and beam
 * search (beamSearch.ts). Each step records the top candidates of the distribution the token was
 * chosen from — raw probabilities and, for sampling, after temperature/top-k/top-p — from the
 * logits that step computed anyway: the panel costs no extra model run.
 *
 * The end-of-text token stops generation (finishReason 'eos'; it is in tokenIds and steps, not in
 * text). A prompt longer than the context keeps its last tokens, leaving room for the new ones.
 * An empty prompt starts from `<|endoftext|>`. Cancellation (hooks.signal) between steps resolves
 * with what was generated and finishReason 'cancelled'.
 */
import { seededRandom } from '../graph/weights';
import type { TokenSpan } from '../tokenizers/types';
import { beamSearch, findStop } from './beamSearch';
import { decodeStep, selectSequences, type GenerationModel, type KvCache } from './decodeSession';
import { TaskError } from './errors';
import { checkKnobs, filterLogits, sampleIndex, type FilteredDistribution } from './sampling';
import { argmax, logSumExp, topIds } from './softmax';
import { decodeIds, endOfTextId, tokenChoice } from './tokenText';
import { DECODING_STRATEGIES, type GenerateHooks, type GenerateOptions, type GenerateResult, type GenerationStep, type StepCandidate } from './taskTypes';

export type { GenerationModel } from './decodeSession';

const DEFAULT_SHOW = 10;

function checkOptions(model: GenerationModel, o: GenerateOptions): void {
  if (model.family !== 'gpt2') throw new TaskError(`${model.label} is a masked (BERT-like) model: text completion needs a causal GPT-2-family model`);
  if (!(DECODING_STRATEGIES as readonly string[]).includes(o.strategy)) throw new TaskError(`unknown decoding strategy "${String(o.strategy)}" (greedy, beam or sample)`);
  if (!Number.isInteger(o.maxNewTokens) || o.maxNewTokens < 1) throw new TaskError(`max new tokens must be a whole number ≥ 1, got ${String(o.maxNewTokens)}`);
  try {
    checkKnobs({ ...(o.temperature === undefined ? {} : { temperature: o.temperature }), ...(o.topK === undefined ? {} : { topK: o.topK }), ...(o.topP === undefined ? {} : { topP: o.topP }) });
  } catch (e) {
    throw new TaskError((e as Error).message);
  }
  if (o.numBeams !== undefined && !(Number.isInteger(o.numBeams) && o.numBeams >= 1)) throw new TaskError(`the number of beams must be a whole number ≥ 1, got ${o.numBeams}`);
  if (o.lengthPenalty !== undefined && !Number.isFinite(o.lengthPenalty)) throw new TaskError(`the length penalty must be a number, got ${o.lengthPenalty}`);
}

/** The prompt's tokens, cut to its last ones when it leaves no room in the context. */
function promptTokens(model: GenerationModel, prompt: string, maxNewTokens: number, eosId: number | undefined): { spans: TokenSpan[]; ids: number[] } {
  let spans = model.tokenizer.encode(prompt).tokens;
  if (spans.length === 0) {
    if (eosId === undefined) throw new TaskError('the prompt is empty and the tokenizer has no <|endoftext|> token to start from: write a prompt');
    spans = [{ id: eosId, token: '<|endoftext|>', start: 0, end: 0, special: true }];
  }
  const keep = model.contextLength - Math.min(maxNewTokens, Math.floor(model.contextLength / 2));
  if (spans.length > keep) spans = spans.slice(spans.length - keep);
  return { spans, ids: spans.map((t) => t.id) };
}

export async function generate(model: GenerationModel, prompt: string, options: GenerateOptions, hooks: GenerateHooks = {}): Promise<GenerateResult> {
  checkOptions(model, options);
  const eosId = endOfTextId(model.tokenizer);
  const { spans, ids } = promptTokens(model, prompt, options.maxNewTokens, eosId);
  const showTopK = options.showTopK ?? DEFAULT_SHOW;
  const stop = (options.stop ?? []).filter((s) => s.length > 0);
  const room = model.contextLength - ids.length + 1;
  const first = await decodeStep(model, [ids]);

  if (options.strategy === 'beam') {
    let cache = first.cache;
    const numBeams = options.numBeams ?? 4;
    const result = await beamSearch(
      {
        tokenizer: model.tokenizer, numBeams, lengthPenalty: options.lengthPenalty ?? 1, maxNewTokens: options.maxNewTokens, room,
        ...(eosId === undefined ? {} : { eosId }), stop, showTopK, ...(hooks.signal ? { signal: hooks.signal } : {}), ...(hooks.onStep ? { onStep: hooks.onStep } : {}),
      },
      first.logits[0],
      async (parents, tokens) => {
        const next = await decodeStep(model, tokens.map((t) => [t]), selectSequences(cache, parents));
        cache = next.cache;
        return next.logits;
      },
    );
    return { promptTokens: spans, ...result };
  }

  const random = seededRandom(options.seed ?? 0);
  const skip = new Set(eosId === undefined ? [] : [eosId]);
  const generated: number[] = [];
  const steps: GenerationStep[] = [];
  let logits = first.logits[0];
  let cache: KvCache = first.cache;
  let logProb = 0;
  let text = '';
  let finishReason: GenerateResult['finishReason'] = 'maxTokens';
  for (let index = 0; ; index++) {
    if (hooks.signal?.aborted) {
      finishReason = 'cancelled';
      break;
    }
    const lse = logSumExp(logits); // log P(c) = logits[c] − lse: no V-sized array per step
    let filtered: FilteredDistribution | undefined;
    let id: number;
    if (options.strategy === 'greedy') id = argmax(logits);
    else {
      filtered = filterLogits(logits, {
        ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
        ...(options.topK === undefined ? {} : { topK: options.topK }),
        ...(options.topP === undefined ? {} : { topP: options.topP }),
      });
      id = sampleIndex(filtered.probs, random);
    }
    const candidate = (c: number): StepCandidate => ({
      ...tokenChoice(model.tokenizer, c, Math.exp(logits[c] - lse)),
      adjustedProb: filtered ? filtered.probs[c] : c === id ? 1 : 0,
      kept: filtered ? filtered.kept[c] === 1 : c === id,
    });
    generated.push(id);
    logProb += logits[id] - lse;
    text = decodeIds(model.tokenizer, generated, skip);
    const cut = stop.length ? findStop(text, stop) : -1;
    if (cut >= 0) text = text.slice(0, cut);
    const step: GenerationStep = { index, chosen: candidate(id), candidates: topIds(logits, showTopK).map(candidate), text };
    steps.push(step);
    hooks.onStep?.(step);
    if (id === eosId) {
      finishReason = 'eos';
      break;
    }
    if (cut >= 0) {
      finishReason = 'stop';
      break;
    }
    if (generated.length >= options.maxNewTokens) break;
    if (cache.length + 1 > model.contextLength) {
      finishReason = 'contextFull';
      break;
    }
    const next = await decodeStep(model, [[id]], cache);
    logits = next.logits[0];
    cache = next.cache;
  }
  return { promptTokens: spans, text, tokenIds: generated, steps, finishReason, logProb };
}
