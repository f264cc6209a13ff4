/**
 * Host ⇄ webview messages of the prediction panels (issue 4): the Predictions panel (fill-mask,
 * the MLM masking demo, BERT vs GPT at the cursor) and the Completion panel. Types only (see
 * `wire.ts`); the engine's result types the panels show are re-exported here, so the browser code
 * imports this folder only.
 */
import type {
  BeamNode,
  CompareAtCursorResult,
  DecodingStrategy,
  FillMaskResult,
  FillMaskTarget,
  GenerateOptions,
  GenerateResult,
  GenerationStep,
  MlmDemoResult,
} from '../engine/tasks/taskTypes';
import type { LocalizedStrings } from './wire';

export type { BeamNode, CompareAtCursorResult, DecodingStrategy, FillMaskResult, FillMaskTarget, GenerateOptions, GenerateResult, GenerationStep, MlmDemoResult };

/** The model a result came from, as shown. */
export interface ModelBadge {
  label: string;
  family: string;
  spec: string;
}

// ───────────────────────────── Predictions panel ─────────────────────────────

export type PredictStringKey =
  | 'fillTitle'
  | 'mlmTitle'
  | 'compareTitle'
  | 'compareAligned'
  | 'model'
  | 'mask'
  | 'maskOf'
  | 'candidates'
  | 'apply'
  | 'applyHint'
  | 'applied'
  | 'notApplicable'
  | 'ownCandidate'
  | 'ownCandidatePlaceholder'
  | 'ownCandidateButton'
  | 'ownResult'
  | 'ownNotFound'
  | 'windowNote'
  | 'filled'
  | 'probability'
  | 'rank'
  | 'mlmIntro'
  | 'mlmAccuracy'
  | 'mlmSeed'
  | 'mlmRerun'
  | 'mlmOriginal'
  | 'mlmShownAs'
  | 'mlmPrediction'
  | 'mlmCorruption.mask'
  | 'mlmCorruption.random'
  | 'mlmCorruption.keep'
  | 'correct'
  | 'wrong'
  | 'compareIntro'
  | 'compareMasked'
  | 'compareCausal'
  | 'compareWord'
  | 'originalScore'
  | 'loading'
  | 'keyboardHelp';

export type PredictPayload =
  | { view: 'fill'; model: ModelBadge; text: string; result: FillMaskResult; targets: FillMaskTarget[]; canApply: boolean; applied?: string }
  | { view: 'mlm'; model: ModelBadge; text: string; result: MlmDemoResult }
  | { view: 'compare'; masked: ModelBadge; causal: ModelBadge; text: string; result: CompareAtCursorResult };

export interface PredictPanelState {
  payload?: PredictPayload;
}

export type PredictChannel = {
  requests: {
    /** Replace the text of mask `slot` (or the masked word) in the editor with `text` (one undo step). */
    'fillMask/apply': { params: { slot: number; text: string }; result: { applied: boolean; message?: string } };
    /** The probability and rank of the user's own candidate. */
    'fillMask/target': { params: { text: string }; result: FillMaskTarget | null };
    /** Run the MLM demo again with another seed. */
    'mlm/rerun': { params: { seed: number }; result: { ok: boolean } };
  };
  toWebview: {
    'panel/didInit': { strings: LocalizedStrings<PredictStringKey> };
    'predict/didChange': PredictPayload;
    'predict/didFail': { message: string };
  };
  toHost: {
    'webview/ready': Record<string, never>;
  };
};

// ───────────────────────────── Completion panel ─────────────────────────────

export type CompletionStringKey =
  | 'title'
  | 'model'
  | 'prompt'
  | 'strategy'
  | 'strategy.greedy'
  | 'strategy.beam'
  | 'strategy.sample'
  | 'maxNewTokens'
  | 'temperature'
  | 'topK'
  | 'topP'
  | 'seed'
  | 'numBeams'
  | 'lengthPenalty'
  | 'stop'
  | 'rerun'
  | 'stopGenerating'
  | 'running'
  | 'finished'
  | 'finish.maxTokens'
  | 'finish.stop'
  | 'finish.eos'
  | 'finish.contextFull'
  | 'finish.cancelled'
  | 'steps'
  | 'stepN'
  | 'token'
  | 'before'
  | 'after'
  | 'filtered'
  | 'chosen'
  | 'beamTree'
  | 'beamLegend'
  | 'beamStatus.kept'
  | 'beamStatus.pruned'
  | 'beamStatus.finished'
  | 'beamStatus.best'
  | 'cumLogProb'
  | 'score'
  | 'logProb'
  | 'generated'
  | 'noSteps'
  | 'knobsHelp'
  | 'keyboardHelp';

export interface CompletionPayload {
  model: ModelBadge;
  prompt: string;
  options: GenerateOptions;
  steps: GenerationStep[];
  running: boolean;
  result?: GenerateResult;
  /** Set when the run failed. */
  error?: string;
}

export interface CompletionPanelState {
  payload?: CompletionPayload;
  selectedStep?: number;
}

export type CompletionChannel = {
  requests: Record<never, never>;
  toWebview: {
    'panel/didInit': { strings: LocalizedStrings<CompletionStringKey> };
    'completion/didChange': CompletionPayload;
  };
  toHost: {
    'webview/ready': Record<string, never>;
    /** Generate again from the same prompt with these options over the current ones (shown in the panel only). */
    'completion/rerun': { options: Partial<GenerateOptions> };
    'completion/stop': Record<string, never>;
  };
};
