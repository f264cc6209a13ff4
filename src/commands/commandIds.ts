import type { learnBpeCommand } from './learnBpe';
import type { selectTokenizerCommand } from './selectTokenizer';
import type { showBpeMergesCommand } from './showBpeMerges';
import type { showSidePanelCommand } from './showSidePanel';
import type { toggleTokenBoundariesCommand } from './toggleTokenBoundaries';
import type { tokenizeSelectionCommand } from './tokenizeSelection';

/** Every command the extension contributes (package.json `contributes.commands`). */
export enum CommandId {
  /** {@link tokenizeSelectionCommand} → the `Encoding` shown. */
  TokenizeSelection = 'transformerExplorer.tokenizeSelection',
  /** {@link showBpeMergesCommand} → the engine's traces. */
  ShowBpeMerges = 'transformerExplorer.showBpeMerges',
  /** {@link learnBpeCommand} → the `LearnBpeResult`. */
  LearnBpe = 'transformerExplorer.learnBpe',
  /** {@link toggleTokenBoundariesCommand} → the new state. */
  ToggleTokenBoundaries = 'transformerExplorer.toggleTokenBoundaries',
  /** {@link selectTokenizerCommand} → the spec now active. */
  SelectTokenizer = 'transformerExplorer.selectTokenizer',
  /** {@link showSidePanelCommand} → what the side view shows. */
  ShowSidePanel = 'transformerExplorer.showSidePanel',
}
