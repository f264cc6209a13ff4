import * as vscode from 'vscode';
import type { AttentionStepsStringKey } from '../protocol/attentionSteps';
import type { LocalizedStrings } from '../protocol/wire';
import { slot } from './strings';

// Strings of the "Attention, step by step" panel, localized on the host. `{0}`, `{1}` are filled
// by the webview. The notation is the course's: x_i, q_i, k_j, v_j, d_k, M, a_ij, W_O.

export function attentionStepsTitle(): string {
  return vscode.l10n.t('Attention, Step by Step');
}

export function attentionStepsStrings(): LocalizedStrings<AttentionStepsStringKey> {
  return {
    title: attentionStepsTitle(),
    model: vscode.l10n.t('Model {0} ({1})', slot(0), slot(1)),
    source: vscode.l10n.t('{0}: {1} tokens', slot(0), slot(1)),
    layer: vscode.l10n.t('Layer'),
    head: vscode.l10n.t('Head'),
    headLabel: vscode.l10n.t('Head {0}', slot(0)),
    query: vscode.l10n.t('Query token i'),
    queryHint: vscode.l10n.t('Click a token to make it the query i (or put the editor’s cursor on it).'),
    intro: vscode.l10n.t(
      'One head of one layer, for one query token i: Attention(Q, K, V) = softmax(QKᵀ / √d_k + M) V, with the model’s own numbers. Colour strips: blue negative, orange positive; hover a cell to read its value.',
    ),
    stage1: vscode.l10n.t('1. The input of “{0}” to layer {1}: x_i ({2} numbers)', slot(0), slot(1), slot(2)),
    stage1PreLN: vscode.l10n.t('x_i = LN₁(h_i): GPT-2’s blocks are pre-LN, so the attention reads the block’s input after its first LayerNorm.'),
    stage1PostLN: vscode.l10n.t('x_i = h_i: this model’s layers are post-LN, so the attention reads the layer’s input as it is (the previous layer’s output, already normalised).'),
    stage1HelpPreLN: vscode.l10n.t('LayerNorm inside the block (pre-LN)'),
    stage1HelpPostLN: vscode.l10n.t('the layer’s input (post-LN)'),
    stage2: vscode.l10n.t('2. Query, keys and values of head {0}', slot(0)),
    stage2Formula: vscode.l10n.t('q_i = x_i W_Q + b_Q   k_j = x_j W_K + b_K   v_j = x_j W_V + b_V   (d_k = {0} numbers each)', slot(0)),
    stage2Help: vscode.l10n.t('The head’s own slices of W_Q, W_K and W_V turn each token’s input into d_k numbers: the query asks, the keys answer, the values carry what is passed on.'),
    queryVector: vscode.l10n.t('Query q_i of “{0}”', slot(0)),
    keys: vscode.l10n.t('Keys k_j'),
    values: vscode.l10n.t('Values v_j'),
    stage3: vscode.l10n.t('3. Scores, scaling, mask, softmax'),
    stage3Formula: vscode.l10n.t('a_ij = softmax_j( q_i · k_j / √d_k + M_ij )'),
    stage3Help: vscode.l10n.t('Dividing by √d_k keeps the scores from growing with the size of the head; the mask adds 0 where token j may be seen and −∞ elsewhere, and exp(−∞) = 0.'),
    dk: vscode.l10n.t('d_k = {0}, √d_k = {1}', slot(0), slot(1)),
    maskCausal: vscode.l10n.t('Causal mask (GPT): M_ij = −∞ for j > i, the tokens after the query; each token sees only itself and the tokens before it.'),
    maskNone: vscode.l10n.t('No −∞ here: this model sees both sides, and a single text has no padding, so every M_ij = 0.'),
    colIndex: vscode.l10n.t('j'),
    colToken: vscode.l10n.t('Token'),
    colDot: vscode.l10n.t('q_i · k_j'),
    colScaled: vscode.l10n.t('÷ √d_k'),
    colMask: vscode.l10n.t('Mask'),
    colWeight: vscode.l10n.t('Weight a_ij'),
    colModel: vscode.l10n.t('Model’s weight'),
    allowed: vscode.l10n.t('seen'),
    masked: vscode.l10n.t('masked'),
    checkOk: vscode.l10n.t('softmax = the model’s attention row: max |Δ| = {0} ✓ (≤ 1e-5)', slot(0)),
    checkFailed: vscode.l10n.t('softmax ≠ the model’s attention row: max |Δ| = {0} ✗ (more than 1e-5)', slot(0)),
    sum: vscode.l10n.t('Σ_j a_ij = {0}', slot(0)),
    stage4: vscode.l10n.t('4. Weighted sum of the values, then every head together'),
    stage4Formula: vscode.l10n.t('head(i) = Σ_j a_ij v_j'),
    stage4Help: vscode.l10n.t('Each head gives d_k numbers; the heads side by side make d = H × d_k numbers, and W_O mixes them back into the model’s d dimensions.'),
    headOutput: vscode.l10n.t('Output of head {0} for “{1}” ({2} numbers)', slot(0), slot(1), slot(2)),
    concat: vscode.l10n.t('Concat(head_0, …, head_{0}): {1} = {2} × {3} numbers, this head outlined', slot(0), slot(1), slot(2), slot(3)),
    concatFormula: vscode.l10n.t('MultiHead = Concat(head_0, …, head_{0}) W_O + b_O', slot(0)),
    projected: vscode.l10n.t('· W_O + b_O = the attention output of “{0}” ({1} numbers), added to the residual stream', slot(0), slot(1)),
    projectedFormula: vscode.l10n.t('· W_O + b_O'),
    allHeads: vscode.l10n.t('The same query in every head of layer {0}', slot(0)),
    allHeadsHelp: vscode.l10n.t('One row per head: the weights of “{0}” over the tokens j (the model’s rows). Click a head to follow it.', slot(0)),
    cell: vscode.l10n.t('{0}[{1}] = {2}', slot(0), slot(1), slot(2)),
    numbers: vscode.l10n.t('The numbers'),
    weightOf: vscode.l10n.t('{0}: weight {1}', slot(0), slot(1)),
    loading: vscode.l10n.t('Computing…'),
  };
}
