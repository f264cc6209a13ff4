/** The Learn BPE panel's messages: merges learned from a text, replayed. Types only (see `wire.ts`). */
import type { LearnBpeResult } from '../engine/tokenizers/types';
import type { LocalizedStrings } from './wire';

export type { LearnBpeResult };

export type LearnStringKey =
  | 'merges'
  | 'mergesInput'
  | 'apply'
  | 'order'
  | 'pair'
  | 'merged'
  | 'frequency'
  | 'words'
  | 'word'
  | 'count'
  | 'segmentation'
  | 'segmentations'
  | 'step'
  | 'stepOf'
  | 'start'
  | 'first'
  | 'previous'
  | 'next'
  | 'last'
  | 'play'
  | 'pause'
  | 'slider'
  | 'noMerges'
  | 'stoppedEarly'
  | 'intro'
  | 'tieBreak'
  | 'vocabulary'
  | 'keyboardHelp'
  | 'truncated';

/** The segmentation of every shown word after merge `step` (step 0 = before any merge). */
export interface SegmentationChange {
  step: number;
  changes: Array<{ word: number; symbols: string[] }>;
}

export interface LearnPayload {
  /** Merges asked for (the result may hold fewer when no pair is left). */
  requested: number;
  /** The trainer's result; `words` and `segmentations` cut to the most frequent words when many. */
  result: LearnBpeResult;
  /** Distinct words the trainer counted. */
  totalWords: number;
  /** Word occurrences the trainer counted. */
  totalOccurrences: number;
  /** Symbols of each word before any merge, in the order of `result.words`. */
  initial: string[][];
  /** Per merge, the words whose segmentation it changed (empty when it cannot be replayed). */
  history: SegmentationChange[];
  /** The text the trainer read (kept by the panel to learn again after a reload). */
  text: string;
}

export interface LearnPanelState {
  text: string;
  merges: number;
  step: number;
  payload?: LearnPayload;
}

export type LearnChannel = {
  requests: Record<never, never>;
  toWebview: {
    'panel/didInit': { strings: LocalizedStrings<LearnStringKey> };
    'learn/didChange': LearnPayload;
  };
  toHost: {
    'webview/ready': Record<string, never>;
    'options/didChange': { merges: number };
  };
};
