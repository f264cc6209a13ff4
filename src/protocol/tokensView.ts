/** The Tokens side view's messages: the tokens of the selection or the cursor's line. Types only (see `wire.ts`). */
import type { TokenColumnView } from './tokens';
import type { LocalizedStrings } from './wire';

export type TokensViewStringKey =
  | 'noEditor'
  | 'selection'
  | 'line'
  | 'tokenCount'
  | 'charsPerToken'
  | 'chipLabel'
  | 'special'
  | 'tooLong'
  | 'empty'
  | 'clickHint'
  | 'focused';

export interface TokensViewPayload {
  /** "Selection" or "Line 4", localized. */
  source: string;
  text: string;
  column: TokenColumnView;
  truncated: boolean;
}

export type TokensViewChannel = {
  requests: Record<never, never>;
  toWebview: {
    'view/didInit': { strings: LocalizedStrings<TokensViewStringKey> };
    'tokens/didChange': TokensViewPayload;
    'tokens/didClear': { message: string };
  };
  toHost: {
    'webview/ready': Record<string, never>;
    /** The user activated a chip: select its range in the editor. */
    'token/didActivate': { start: number; end: number };
  };
};
