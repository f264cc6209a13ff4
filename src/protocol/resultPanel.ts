/**
 * The channel of a panel that shows one result and says what it drew (the Logit Lens and
 * Contextual Embeddings panels): the host sends the localized strings, then each payload; the
 * page answers each payload with its draw report, matched by `drawId`. Types only (see `wire.ts`).
 */
import type { LocalizedStrings } from './wire';

export type ResultChannel<K extends string, P extends { drawId: number }, R extends { drawId: number }> = {
  requests: Record<never, never>;
  toWebview: {
    'panel/didInit': { strings: LocalizedStrings<K> };
    'result/didChange': P;
  };
  toHost: {
    'webview/ready': Record<string, never>;
    'view/didDraw': R;
  };
};

/** What the page saves (getState/setState) and a reload hands back. */
export interface ResultPanelState<P> {
  payload?: P;
}
