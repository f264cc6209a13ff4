import * as vscode from 'vscode';
import type { TrainingStringKey } from '../protocol/training';
import type { LocalizedStrings } from '../protocol/wire';

const slot = (i: number): string => `{${i}}`;

/** The Training panel's words, localized by the host. */
export function trainingStrings(): LocalizedStrings<TrainingStringKey> {
  return {
    title: vscode.l10n.t('Training from scratch'),
    corpus: vscode.l10n.t('Text: {0}, {1} characters ({2} for training, {3} for validation)', slot(0), slot(1), slot(2), slot(3)),
    model: vscode.l10n.t('Model'),
    gpt2: vscode.l10n.t('GPT-2 (causal LM)'),
    bert: vscode.l10n.t('BERT (masked LM)'),
    parameters: vscode.l10n.t('{0} parameters (12·L·d² + V·d ≈ {1}), vocabulary {2}, {3} training tokens', slot(0), slot(1), slot(2), slot(3)),
    split: vscode.l10n.t('Split'),
    hyper: vscode.l10n.t('{0} layers, d = {1}, {2} heads, context {3} · {4} steps of {5} sequences · learning rate {6} · seed {7}', slot(0), slot(1), slot(2), slot(3), slot(4), slot(5), slot(6), slot(7)),
    python: vscode.l10n.t('Python {0}, PyTorch {1}, on {2}', slot(0), slot(1), slot(2)),
    trainingLoss: vscode.l10n.t('Training loss'),
    validationLoss: vscode.l10n.t('Validation loss'),
    perplexity: vscode.l10n.t('Perplexity'),
    pseudoPerplexity: vscode.l10n.t('Pseudo-perplexity'),
    step: vscode.l10n.t('Step {0} of {1}', slot(0), slot(1)),
    loss: vscode.l10n.t('Loss'),
    tokensPerSecond: vscode.l10n.t('{0} tokens/s', slot(0)),
    elapsed: vscode.l10n.t('{0} elapsed', slot(0)),
    remaining: vscode.l10n.t('{0} left', slot(0)),
    samples: vscode.l10n.t('What the model says as it learns'),
    noSamples: vscode.l10n.t('The first sample comes with the first evaluation.'),
    stop: vscode.l10n.t('Stop (keep the last step)'),
    stopping: vscode.l10n.t('Stopping: saving the last complete step…'),
    running: vscode.l10n.t('Training…'),
    done: vscode.l10n.t('Trained in {0}.', slot(0)),
    failed: vscode.l10n.t('The training failed: {0}', slot(0)),
    interrupted: vscode.l10n.t('This run ended when the window was reloaded; the model folder holds its last saved step.'),
    useModel: vscode.l10n.t('Use as the active model'),
    openReport: vscode.l10n.t('Open the report'),
    compare: vscode.l10n.t('Compare BERT and GPT attention'),
    waiting: vscode.l10n.t('Learning the tokenizer and starting Python…'),
    tokenizer: vscode.l10n.t('Tokenizer: {0} entries learned in {1} s', slot(0), slot(1)),
    stoppedEarly: vscode.l10n.t('stopped at step {0}', slot(0)),
    caveat: vscode.l10n.t('GPT-2’s perplexity and BERT’s pseudo-perplexity are not directly comparable: BERT sees both sides of each masked token.'),
    fix: vscode.l10n.t('To fix it: {0}', slot(0)),
  };
}
