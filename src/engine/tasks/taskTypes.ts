/**
 * Results of the prediction tasks of issue 4 (fill-mask, MLM demo, generation, surprisal, BERT vs
 * GPT at the cursor). Plain data only: these values cross the model-host IPC as they are (no class
 * instances, no functions, no Maps). The task functions live in their own files
 * (fillMask.ts, mlmDemo.ts, generate.ts, surprisal.ts, compareAtCursor.ts).
 */
import type { TokenSpan } from '../tokenizers/types';

/** One vocabulary entry as shown: `token` the vocabulary string (Ġ, ##, ▁ kept), `text` its decoded text. */
export interface TokenChoice { id: number; token: string; text: string; prob: number; }

// ---------- fill-mask (encoder families) ----------
export interface FillMaskOptions {
  topK?: number;                 // default 10
  /** The user's own candidates (words): each gets its probability and rank at the first mask it fits. */
  targets?: string[];
}
export interface FillMaskCandidate extends TokenChoice { rank: number; }        // rank 1 = best
export interface FillMaskSlot {
  /** Which mask (0-based, left to right) */
  index: number;
  /** Token position in `tokens` and character offsets of the mask in the ORIGINAL text. */
  position: number; start: number; end: number;
  candidates: FillMaskCandidate[];
}
export interface FillMaskTarget { text: string; maskIndex: number; ids: number[]; tokens: string[];
  /** joint probability of its tokens filled left to right (product); rank of its first token among V (1 = best). */
  prob: number; rank: number; }
export interface FillMaskResult {
  tokens: TokenSpan[];                     // the model's tokens of the (windowed) text, mask tokens included
  masks: FillMaskSlot[];
  targets: FillMaskTarget[];
  /** The text with every mask replaced by its top-1, filled jointly left to right (mask k sees masks < k filled). */
  filledText: string;
  /** Set when the text was longer than the model's context: the character range [start, end) that was used. */
  window?: { start: number; end: number };
}

// ---------- MLM masking demo ----------
export interface MlmDemoOptions { seed: number; rate?: number /* 0.15 */; topK?: number /* 5 */; }
export interface MlmDemoPosition { position: number; start: number; end: number; original: TokenChoice /* prob = model's prob of the original */;
  corruption: 'mask' | 'random' | 'keep'; shownAs: string /* token the model saw */; predictions: TokenChoice[]; correct: boolean; }
export interface MlmDemoResult { tokens: TokenSpan[]; corrupted: string[] /* token strings the model saw */; positions: MlmDemoPosition[];
  accuracy: number /* top-1 correct / positions.length */; seed: number; }

// ---------- generation (gpt2 family) ----------
/** The decoding strategies, defined once (settings enum, CLI `--strategy`, host checks, panels). */
export const DECODING_STRATEGIES = ['greedy', 'beam', 'sample'] as const;
export type DecodingStrategy = (typeof DECODING_STRATEGIES)[number];
export interface GenerateOptions {
  strategy: DecodingStrategy;
  maxNewTokens: number;
  temperature?: number;   // sample; default 1; > 0
  topK?: number;          // sample; 0/undefined = off
  topP?: number;          // sample; (0,1]; 1/undefined = off
  seed?: number;          // sample; default 0 (always seeded: reproducible)
  numBeams?: number;      // beam; default 4
  lengthPenalty?: number; // beam; α in score = log P / |x|^α ; default 1
  stop?: string[];        // stop sequences (checked on the decoded generated text; the stop text is not included)
  showTopK?: number;      // candidates recorded per step; default 10
}
export interface StepCandidate extends TokenChoice {
  /** prob = softmax of the raw logits (T = 1); adjustedProb = after temperature and top-k/top-p filtering, renormalised (0 when filtered out). */
  adjustedProb: number; kept: boolean;
}
export interface GenerationStep { index: number; chosen: StepCandidate; candidates: StepCandidate[]; /* decoded text generated so far */ text: string; }
export interface BeamNode { id: number; parent: number | null; step: number; tokenId: number; token: string; text: string;
  logProb: number; cumLogProb: number; score: number; status: 'kept' | 'pruned' | 'finished' | 'best'; }
export type FinishReason = 'maxTokens' | 'stop' | 'eos' | 'contextFull' | 'cancelled';
export interface GenerateResult {
  promptTokens: TokenSpan[];
  /** Decoded generated text (stop sequence removed). */
  text: string;
  tokenIds: number[];
  steps: GenerationStep[];          // greedy/sample: one per generated token; beam: steps of the best beam
  beams?: BeamNode[];               // beam only: the whole tree incl. pruned branches
  finishReason: FinishReason;
  /** sum of log P (natural log) of the generated tokens under the raw model (T = 1). */
  logProb: number;
}
export interface GenerateHooks { signal?: AbortSignal; onStep?: (step: GenerationStep) => void; }

// ---------- surprisal (gpt2 family) and pseudo-perplexity (encoders) ----------
export interface SurprisalToken extends TokenSpan { /** -log2 P(x_t | x_<t) */ surprisal: number; prob: number; rank: number; top: TokenChoice[]; }
export interface SurprisalResult {
  tokens: SurprisalToken[];
  /** mean NLL in nats over scored tokens; perplexity = exp(meanNll); bitsPerChar = total bits / characters covered. */
  meanNll: number; perplexity: number; bitsPerChar: number; characters: number;
  /** 'causal': PPL; 'pseudo': BERT pseudo-perplexity (mask each token in turn; cost = one forward pass per token). */
  kind: 'causal' | 'pseudo';
  /** how many forward passes it took */ passes: number;
}
export interface SurprisalOptions { topK?: number /* 5 */; window?: number /* default contextLength */; stride?: number /* default window/2 */; }
export interface SurprisalHooks { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; }

// ---------- BERT vs GPT at the cursor ----------
/** A token placed by its character offsets in the text (for showing two tokenizations aligned). */
export interface AlignedToken { token: string; id: number; start: number; end: number; /** overlaps the word at the cursor */ inWord: boolean; }

export interface CompareAtCursorResult {
  word: { start: number; end: number; text: string };
  /** The stretch of text around the word that `maskedTokens` and `causalTokens` cover. */
  context: { start: number; end: number; text: string };
  /** Each model's tokens over `context`, offsets into the full text: the two tokenizations aligned by characters. */
  maskedTokens: AlignedToken[];
  causalTokens: AlignedToken[];
  /** BERT: the word masked (one mask per token), both sides as context. */
  masked: { model: string; candidates: FillMaskCandidate[]; originalProb: number; originalRank: number };
  /** GPT: next token after the text left of the word only. */
  causal: { model: string; candidates: TokenChoice[]; originalProb: number; originalRank: number };
}
