import type { TextTokenizer } from '../engine/tokenizers/textTokenizer';
import type { Encoding, TokenSpan } from '../engine/tokenizers/types';
import type { ChipView, TokenColumnView, TokenizerChoice, TokenizerSummary } from '../protocol/tokens';
import { describeError } from '../util/errors';
import { displayName, isBundled, tokenizerLabel, type LoadMode, type TokenizerService } from '../editor/tokenizerService';
import { browseForTokenizer } from '../editor/browseTokenizer';
import * as vscode from 'vscode';

/** Most chips a panel draws; the counts always cover the whole text. */
export const MAX_CHIPS = 4000;

export function summarize(tok: TextTokenizer, spec: string): TokenizerSummary {
  const { kind, byteLevel, vocabSize } = tok.info;
  return { spec, label: tokenizerLabel(tok.info), kind, byteLevel, vocabSize };
}

export function toChips(tok: TextTokenizer, spans: readonly TokenSpan[], limit = MAX_CHIPS): ChipView[] {
  return spans.slice(0, limit).map((s) => ({
    id: s.id,
    token: s.token,
    display: tok.display(s.token),
    start: s.start,
    end: s.end,
    special: s.special,
  }));
}

export function charsPerToken(textLength: number, tokenCount: number): number {
  return tokenCount === 0 ? 0 : Math.round((textLength / tokenCount) * 100) / 100;
}

export interface ColumnResult {
  column: TokenColumnView;
  /** The full encoding, when the tokenizer loaded. */
  encoding?: Encoding;
}

/** Encodes `text` with `spec` for display; a tokenizer that fails to load becomes an error column. */
export async function encodeColumn(
  service: TokenizerService,
  spec: string,
  text: string,
  mode: LoadMode,
  limit = MAX_CHIPS,
): Promise<ColumnResult> {
  try {
    const tok = await service.load(spec, mode);
    const encoding = tok.encode(text);
    return {
      encoding,
      column: {
        tokenizer: summarize(tok, spec),
        spec,
        tokens: toChips(tok, encoding.tokens, limit),
        total: encoding.tokens.length,
        charsPerToken: charsPerToken(text.length, encoding.tokens.length),
      },
    };
  } catch (error) {
    return { column: { tokenizer: undefined, spec, tokens: [], total: 0, charsPerToken: 0, error: describeError(error) } };
  }
}

/** Tokenizers offered by the panels' pickers: bundled, recent custom ones, and the given specs. */
export function tokenizerChoices(service: TokenizerService, ...include: string[]): TokenizerChoice[] {
  const specs = ['gpt2', 'bert-base-uncased', ...include, service.activeSpec, service.compareSpec, ...service.recent];
  return [...new Set(specs)].map(choiceFor);
}

/**
 * The tokenizers a panel offered its webview: the only ones a message from it may name (a message
 * naming any other path is refused — see messageChecks.ts). Every list posted adds to it, and so
 * does a file the user picks with the panel's Browse button.
 */
export class OfferedTokenizers {
  private readonly specs = new Set<string>();

  constructor(private readonly service: TokenizerService) {}

  get offered(): ReadonlySet<string> {
    return this.specs;
  }

  /** The choices to post (see tokenizerChoices), remembered as offered. */
  choices(...include: string[]): TokenizerChoice[] {
    const choices = tokenizerChoices(this.service, ...include);
    for (const c of choices) this.specs.add(c.spec);
    return choices;
  }

  /** The panel's `tokenizer/browse` request: a file the user picks (and that loads) is offered from then on. */
  async browse(): Promise<TokenizerChoice | null> {
    const spec = await browseForTokenizer(this.service, 'file');
    if (spec === undefined) return null;
    this.specs.add(spec);
    return choiceFor(spec);
  }
}

export function choiceFor(spec: string): TokenizerChoice {
  switch (spec) {
    case 'gpt2':
      return { spec, label: 'GPT-2', detail: vscode.l10n.t('byte-level BPE') };
    case 'bert-base-uncased':
      return { spec, label: 'BERT (bert-base-uncased)', detail: vscode.l10n.t('WordPiece, lower-cased') };
    default:
      return { spec, label: displayName(spec), detail: isBundled(spec) ? '' : spec };
  }
}
