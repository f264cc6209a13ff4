/**
 * A training problem said in the UI's language: the engine's messages are English (plain Node, also
 * the CLI's), so the editor rebuilds each from its kind and figures; what has no figures (an
 * option the engine refused, Python's own last line) keeps the engine's words inside a localized frame.
 */
import * as vscode from 'vscode';
import type { TrainingProblem } from '../engine/training/types';

const n = (x: number | undefined): string => (x ?? 0).toLocaleString(vscode.env.language);

export function problemText(p: TrainingProblem, python = ''): string {
  const f = p.facts ?? {};
  switch (p.kind) {
    case 'corpus-too-small':
      if (!f.part) return vscode.l10n.t('The text ({0} characters) is one paragraph: it cannot be split into training and validation text. Give it more lines or paragraphs.', n(f.characters));
      return f.part === 'training'
        ? vscode.l10n.t('The training text has {0} tokens for {1}, fewer than one context of {2} + 1: give more text, or a shorter context.', n(f.tokens), f.model === 'mlm' ? 'BERT' : 'GPT-2', n(f.context))
        : vscode.l10n.t('The validation text has {0} tokens for {1}, fewer than one context of {2} + 1: give more text, or a shorter context.', n(f.tokens), f.model === 'mlm' ? 'BERT' : 'GPT-2', n(f.context));
    case 'no-torch':
      return vscode.l10n.t('PyTorch is not installed for {0}.', python);
    case 'no-python':
      return vscode.l10n.t('{0} does not run as Python 3 ({1}).', python, p.message);
    case 'busy':
      return vscode.l10n.t('A training run is already going in this window: stop it first.');
    case 'crashed':
      return f.ended
        ? vscode.l10n.t('The training process stopped ({0}) before saving its model. Its last words: {1}', f.ended, p.detail?.split('\n').at(-1) ?? '')
        : vscode.l10n.t('The training failed: {0}', p.message);
    case 'bad-options':
      return vscode.l10n.t('These settings cannot run: {0}', p.message);
  }
}
