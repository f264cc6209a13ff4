import * as vscode from 'vscode';
import type { EmbeddingsStringKey } from '../protocol/embeddings';
import type { LensStringKey } from '../protocol/lens';
import type { LocalizedStrings } from '../protocol/wire';
import { slot } from './strings';

// Strings of the inside-the-model panels (Logit Lens, Contextual Embeddings), localized on the
// host. `{0}`, `{1}` are filled by the webview.

export function lensStrings(): LocalizedStrings<LensStringKey> {
  return {
    title: vscode.l10n.t('Logit Lens'),
    model: vscode.l10n.t('Model {0} ({1})', slot(0), slot(1)),
    introCausal: vscode.l10n.t(
      'Each row reads the hidden state after one layer through the model’s final LayerNorm and its output head (the LM head), as if the model stopped there: each cell is the next token it would predict at that position.',
    ),
    introMasked: vscode.l10n.t(
      'Each row applies the model’s MLM head to the hidden state after one layer, as if the model stopped there: what it would fill in at each mask at that layer.',
    ),
    caveat: vscode.l10n.t(
      'Caveat: only the last layer was trained to be read through the output head. Early layers were not, so their rows show what the head makes of them, not what the model “thinks” there.',
    ),
    maskedWord: vscode.l10n.t('Masked: “{0}” (characters {1} to {2}), {3} mask tokens', slot(0), slot(1), slot(2), slot(3)),
    readText: vscode.l10n.t('The model read: {0}', slot(0)),
    maskCount: vscode.l10n.t('Masks in the text: {0}', slot(0)),
    cut: vscode.l10n.t('The text is longer than the model’s context: only {0} tokens of it were read (the model reads at most {1}).', slot(0), slot(1)),
    gridLabel: vscode.l10n.t('Logit lens: layers (rows) by positions (columns); each cell is the top-1 token read at that layer'),
    rowEmbeddings: vscode.l10n.t('embeddings'),
    rowLayer: vscode.l10n.t('after layer {0}', slot(0)),
    rowOutput: vscode.l10n.t('after layer {0} (output)', slot(0)),
    columnCausal: vscode.l10n.t('after “{0}”, next: “{1}”', slot(0), slot(1)),
    columnLast: vscode.l10n.t('after “{0}” (end of the text)', slot(0)),
    columnMask: vscode.l10n.t('mask {0}', slot(0)),
    columnMaskOf: vscode.l10n.t('mask {0}, was “{1}”', slot(0), slot(1)),
    cellLabel: vscode.l10n.t('{0}, {1}: “{2}” {3} %', slot(0), slot(1), slot(2), slot(3)),
    firstFinal: vscode.l10n.t('the model’s final top-1 first appears here'),
    top: vscode.l10n.t('Top {0} at this layer', slot(0)),
    target: vscode.l10n.t('“{0}”: probability {1} %, rank {2}', slot(0), slot(1), slot(2)),
    targetCausal: vscode.l10n.t('The token that actually comes next'),
    targetMasked: vscode.l10n.t('The token that was there'),
    noTarget: vscode.l10n.t('No token follows: this is the end of the text.'),
    legend: vscode.l10n.t('Colour: the top-1 token’s probability'),
    legendFirst: vscode.l10n.t('Outlined: the layer where the model’s final top-1 first appears in the column'),
    keyboardHelp: vscode.l10n.t('Hover or focus a cell for its top 5; in the grid, arrow keys move from cell to cell, Home/End go to the row’s ends.'),
    loading: vscode.l10n.t('Reading every layer…'),
  };
}

export function embeddingsStrings(): LocalizedStrings<EmbeddingsStringKey> {
  return {
    title: vscode.l10n.t('Contextual Embeddings'),
    model: vscode.l10n.t('Model {0} ({1})', slot(0), slot(1)),
    explainStatic: vscode.l10n.t(
      'A static embedding is one row of the model’s token-embedding table: the same vector for a word wherever it stands (e_token in e_input = e_token + e_seg + e_pos).',
    ),
    explainContextual: vscode.l10n.t(
      'A contextual embedding is the hidden state after a layer: every layer mixes in the rest of the sentence through attention, so the same word gets a different vector in a different context (a river bank, a bank account).',
    ),
    explainCosine: vscode.l10n.t('Cosine similarity: 1 = same direction, 0 = unrelated, −1 = opposite. A word of several tokens is the mean of its tokens’ vectors.'),
    word: vscode.l10n.t('Word: “{0}” (characters {1} to {2}; tokens: {3})', slot(0), slot(1), slot(2), slot(3)),
    second: vscode.l10n.t('Compared with the second selection: “{0}”', slot(0)),
    extraSelections: vscode.l10n.t('{0} more selections were left out: only the first two are compared.', slot(0)),
    readRange: vscode.l10n.t('Text read: lines {0} to {1} ({2} tokens)', slot(0), slot(1), slot(2)),
    cut: vscode.l10n.t('The paragraph is longer than the model’s context ({0} tokens): only the part around the selections was read.', slot(0)),
    chartTitle: vscode.l10n.t('Cosine similarity at each layer'),
    chartDesc: vscode.l10n.t('Line chart: one curve per comparison; x = the hidden state read (the embeddings, then after layers 0 to {0}), y = cosine similarity.', slot(0)),
    axisLayer: vscode.l10n.t('After layer'),
    stateHeader: vscode.l10n.t('Hidden state'),
    stateEmbeddings: vscode.l10n.t('embeddings'),
    axisCosine: vscode.l10n.t('Cosine'),
    layerEmbeddings: vscode.l10n.t('emb.'),
    layerN: vscode.l10n.t('after layer {0}', slot(0)),
    vsStatic: vscode.l10n.t('vs its own static embedding'),
    vsOccurrence: vscode.l10n.t('vs “{0}” at character {1}', slot(0), slot(1)),
    vsSelection: vscode.l10n.t('vs the second selection “{0}”', slot(0)),
    noComparison: vscode.l10n.t('“{0}” occurs nowhere else in the text read: add a second selection (Alt+click or Ctrl+D) to compare it with another word.', slot(0)),
    tableTitle: vscode.l10n.t('The values'),
    nearestTitle: vscode.l10n.t('Nearest vocabulary tokens to the static embedding'),
    nearestOf: vscode.l10n.t('Token “{0}” (id {1})', slot(0), slot(1)),
    cosine: vscode.l10n.t('cosine'),
    similarityTitle: vscode.l10n.t('Semantic similarity of the two selections'),
    similarityMethod: vscode.l10n.t(
      'Method: cosine of the two selections’ mean-pooled last hidden states (the mean over each selection’s tokens of the output of layer {0}, the last).',
      slot(0),
    ),
    similarityNone: vscode.l10n.t('With a second selection (Alt+click or Ctrl+D), the panel also gives their semantic similarity as one number.'),
    loading: vscode.l10n.t('Reading the hidden states…'),
  };
}
