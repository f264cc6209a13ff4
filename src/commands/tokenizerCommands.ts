import * as vscode from 'vscode';
import { readConfig, SettingKey, writeSetting } from '../config';
import { browseForTokenizer, type BrowseTarget } from '../editor/browseTokenizer';
import { isBundled, tokenizerLabel, type TokenizerService } from '../editor/tokenizerService';
import type { FeatureFactory } from '../feature';
import { showError } from '../util/errors';
import { choiceFor } from '../webviews/tokenViews';
import { CommandId } from './commandIds';

/** The tokenizer commands without a panel: choose the tokenizer, toggle the boundaries, the token count's state (tests). */
export const tokenizerFeature: FeatureFactory = ({ panels, tokenCount }) => ({
  commands: {
    [CommandId.SelectTokenizer]: selectTokenizerCommand(panels.tokenizers),
    'transformerExplorer.toggleTokenBoundaries': toggleTokenBoundariesCommand(),
    [CommandId.TokenCountState]: () => tokenCount.state,
  },
});

/**
 * "Toggle Token Boundaries": flips the `tokenBoundaries.enabled` setting (the decorator follows
 * it). Resolves to the new state.
 */
export function toggleTokenBoundariesCommand() {
  return async (): Promise<boolean> => {
    const next = !readConfig().tokenBoundaries.enabled;
    await writeSetting(SettingKey.tokenBoundariesEnabled, next);
    return next;
  };
}

type Pick = vscode.QuickPickItem & ({ spec: string } | { browse: BrowseTarget });

/**
 * "Choose Tokenizer…": a quick pick of the bundled tokenizers, the custom ones used before, and
 * "Browse…" for a `tokenizer.json` or a model folder. The choice is validated by loading it and
 * saved in the `tokenizer` setting. With a spec argument it sets it without asking.
 * Resolves to the spec active afterwards (unchanged when cancelled or invalid).
 */
export function selectTokenizerCommand(tokenizers: TokenizerService) {
  return async (arg?: unknown): Promise<string> => {
    const spec = typeof arg === 'string' && arg.trim() !== '' ? arg.trim() : await pickSpec(tokenizers);
    if (spec === undefined) {
      return tokenizers.activeSpec;
    }
    try {
      const active = await tokenizers.activate(spec);
      const tok = tokenizers.peek(active);
      if (typeof arg !== 'string' && tok) {
        vscode.window.setStatusBarMessage(vscode.l10n.t('Tokenizer: {0}', tokenizerLabel(tok.info)), 4000);
      }
      return active;
    } catch (error) {
      showError(error);
      return tokenizers.activeSpec;
    }
  };
}

async function pickSpec(tokenizers: TokenizerService): Promise<string | undefined> {
  const active = tokenizers.activeSpec;
  const item = (spec: string): Pick => {
    const choice = choiceFor(spec);
    return {
      spec,
      label: `${spec === active ? '$(check) ' : ''}${choice.label}`,
      description: isBundled(spec) ? `${choice.detail} · ${vscode.l10n.t('bundled')}` : undefined,
      detail: isBundled(spec) ? undefined : spec,
    };
  };
  const recent = tokenizers.recent.filter((s) => !isBundled(s));
  if (!isBundled(active) && !recent.includes(active)) {
    recent.unshift(active);
  }
  const items: Array<Pick | vscode.QuickPickItem> = [
    { label: vscode.l10n.t('Bundled'), kind: vscode.QuickPickItemKind.Separator },
    item('gpt2'),
    item('bert-base-uncased'),
    ...(recent.length > 0
      ? [{ label: vscode.l10n.t('Recent'), kind: vscode.QuickPickItemKind.Separator }, ...recent.map(item)]
      : []),
    { label: vscode.l10n.t('Other'), kind: vscode.QuickPickItemKind.Separator },
    { browse: 'file', label: `$(file) ${vscode.l10n.t('Browse for tokenizer.json…')}` },
    { browse: 'folder', label: `$(folder) ${vscode.l10n.t('Browse for model folder…')}` },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Choose Tokenizer'),
    placeHolder: vscode.l10n.t('Tokenizer used by the hover, the status bar, the side view and the panels'),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picked) {
    return undefined;
  }
  if ('browse' in picked) {
    return browseForTokenizer(tokenizers, picked.browse);
  }
  return 'spec' in picked ? picked.spec : undefined;
}
