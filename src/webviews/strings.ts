import * as vscode from 'vscode';
import type { BpeStringKey } from '../protocol/bpe';
import type { LearnStringKey } from '../protocol/learn';
import type { TokensStringKey } from '../protocol/tokens';
import type { TokensViewStringKey } from '../protocol/tokensView';
import type { LocalizedStrings } from '../protocol/wire';

// Strings the webviews show, localized here on the host (webviews have no `vscode.l10n`).
// `{0}`, `{1}` stay in the text: the webview fills them in.
/** The `{n}` placeholder a webview fills in; shared by every localized string table. */
export const slot = (n: number): string => `{${n}}`;

export function tokensStrings(): LocalizedStrings<TokensStringKey> {
  return {
    tokenizer: vscode.l10n.t('Tokenizer'),
    compareWith: vscode.l10n.t('Compare with'),
    compare: vscode.l10n.t('Compare two tokenizers'),
    browse: vscode.l10n.t('Browse for tokenizer.json…'),
    tokenCount: vscode.l10n.t('{0} tokens', slot(0)),
    charsPerToken: vscode.l10n.t('{0} characters per token', slot(0)),
    characters: vscode.l10n.t('{0} characters', slot(0)),
    loading: vscode.l10n.t('Tokenizing…'),
    empty: vscode.l10n.t('Nothing to tokenize: the text is empty.'),
    truncated: vscode.l10n.t('Showing the first {0} of {1} tokens.', slot(0), slot(1)),
    chipLabel: vscode.l10n.t('Token {0}, id {1}, characters {2} to {3}', slot(0), slot(1), slot(2), slot(3)),
    special: vscode.l10n.t('special token'),
    difference: vscode.l10n.t('{0} needs {1} more tokens than {2} for this text.', slot(0), slot(1), slot(2)),
    differenceOne: vscode.l10n.t('{0} needs 1 more token than {1} for this text.', slot(0), slot(1)),
    same: vscode.l10n.t('Both tokenizers need {0} tokens for this text.', slot(0)),
    tokensOf: vscode.l10n.t('Tokens of {0}', slot(0)),
    showIds: vscode.l10n.t('Show ids'),
    focused: vscode.l10n.t('{0} — id {1} — characters {2} to {3} of the text: “{4}”', slot(0), slot(1), slot(2), slot(3), slot(4)),
    keyboardHelp: vscode.l10n.t('Tab into the tokens, then ← → to move from token to token.'),
  };
}

export function bpeStrings(): LocalizedStrings<BpeStringKey> {
  return {
    tokenizer: vscode.l10n.t('Tokenizer'),
    browse: vscode.l10n.t('Browse for tokenizer.json…'),
    words: vscode.l10n.t('Words'),
    step: vscode.l10n.t('Step'),
    stepOf: vscode.l10n.t('Step {0} of {1}', slot(0), slot(1)),
    start: vscode.l10n.t('Start: the word split into single symbols'),
    previous: vscode.l10n.t('Previous step'),
    next: vscode.l10n.t('Next step'),
    play: vscode.l10n.t('Play'),
    pause: vscode.l10n.t('Pause'),
    first: vscode.l10n.t('First step'),
    last: vscode.l10n.t('Last step'),
    slider: vscode.l10n.t('Replay position'),
    before: vscode.l10n.t('Before'),
    after: vscode.l10n.t('After'),
    merge: vscode.l10n.t('Merge {0} + {1} → {2}', slot(0), slot(1), slot(2)),
    rank: vscode.l10n.t('rank {0} in the merge table', slot(0)),
    initial: vscode.l10n.t('Initial symbols'),
    steps: vscode.l10n.t('Merge sequence'),
    wordpieceSteps: vscode.l10n.t('Longest-match steps'),
    finalTokens: vscode.l10n.t('Final tokens'),
    noMerge: vscode.l10n.t('No merge applies: every symbol is already a token.'),
    wordpieceIntro: vscode.l10n.t(
      'WordPiece takes the longest piece of the word found in the vocabulary, then starts again after it (pieces after the first carry ##).',
    ),
    bpeIntro: vscode.l10n.t(
      'BPE starts from single symbols and repeatedly merges the adjacent pair with the best (lowest) rank in the merge table.',
    ),
    piece: vscode.l10n.t('Piece {0} found at characters {1} to {2}', slot(0), slot(1), slot(2)),
    tried: vscode.l10n.t('Tried first, not in the vocabulary:'),
    triedCount: vscode.l10n.t('{0} longer candidates tried first', slot(0)),
    unknown: vscode.l10n.t('No piece matched: the whole word becomes {0}.', slot(0)),
    noWords: vscode.l10n.t('The selection holds no word to replay.'),
    truncated: vscode.l10n.t('Replaying the first {0} of {1} words.', slot(0), slot(1)),
    keyboardHelp: vscode.l10n.t('Keys: ← → step, Home/End first/last, Space play/pause, ↑ ↓ change word.'),
    loading: vscode.l10n.t('Replaying…'),
  };
}

export function learnStrings(): LocalizedStrings<LearnStringKey> {
  return {
    merges: vscode.l10n.t('Merges learned'),
    mergesInput: vscode.l10n.t('Number of merges'),
    apply: vscode.l10n.t('Learn again'),
    order: vscode.l10n.t('#'),
    pair: vscode.l10n.t('Pair'),
    merged: vscode.l10n.t('New symbol'),
    frequency: vscode.l10n.t('Pair frequency'),
    words: vscode.l10n.t('Word frequencies'),
    word: vscode.l10n.t('Word'),
    count: vscode.l10n.t('Count'),
    segmentation: vscode.l10n.t('Segmentation'),
    segmentations: vscode.l10n.t('Segmentations'),
    step: vscode.l10n.t('Step'),
    stepOf: vscode.l10n.t('After merge {0} of {1}', slot(0), slot(1)),
    start: vscode.l10n.t('Before any merge: single characters'),
    first: vscode.l10n.t('Before any merge'),
    previous: vscode.l10n.t('Previous merge'),
    next: vscode.l10n.t('Next merge'),
    last: vscode.l10n.t('After the last merge'),
    play: vscode.l10n.t('Play'),
    pause: vscode.l10n.t('Pause'),
    slider: vscode.l10n.t('Number of merges applied'),
    noMerges: vscode.l10n.t('No pair occurs twice: nothing to merge.'),
    stoppedEarly: vscode.l10n.t('Stopped after {0} of the {1} merges asked for: no pair occurs twice any more.', slot(0), slot(1)),
    intro: vscode.l10n.t(
      'Byte-Pair Encoding learns its vocabulary from the text: start from characters, count every adjacent pair in every word (weighted by the word’s frequency), merge the most frequent pair, repeat.',
    ),
    tieBreak: vscode.l10n.t(
      'Ties between equally frequent pairs go to the pair met first in the text, so the same text always gives the same merges.',
    ),
    vocabulary: vscode.l10n.t('{0} words, {1} distinct, {2} characters read', slot(0), slot(1), slot(2)),
    keyboardHelp: vscode.l10n.t('Keys: ← → one merge, Home/End first/last, Space play/pause.'),
    truncated: vscode.l10n.t('Showing the {0} most frequent of {1} distinct words.', slot(0), slot(1)),
  };
}

export function tokensViewStrings(): LocalizedStrings<TokensViewStringKey> {
  return {
    noEditor: vscode.l10n.t('Open a text file and select some text to see its tokens.'),
    selection: vscode.l10n.t('Selection'),
    line: vscode.l10n.t('Line {0}', slot(0)),
    tokenCount: vscode.l10n.t('{0} tokens', slot(0)),
    charsPerToken: vscode.l10n.t('{0} characters per token', slot(0)),
    chipLabel: vscode.l10n.t('Token {0}, id {1}, characters {2} to {3}', slot(0), slot(1), slot(2), slot(3)),
    special: vscode.l10n.t('special token'),
    tooLong: vscode.l10n.t('Only the first {0} characters are shown.', slot(0)),
    empty: vscode.l10n.t('Nothing to tokenize here.'),
    clickHint: vscode.l10n.t('Click a token (or press Enter on it) to select it in the editor.'),
    focused: vscode.l10n.t('{0} — id {1} — characters {2} to {3} of the text: “{4}”', slot(0), slot(1), slot(2), slot(3), slot(4)),
  };
}
