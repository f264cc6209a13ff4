import type { enableGpuCommand } from './enableGpu';
import type { learnBpeCommand } from './learnBpe';
import type { selectModelCommand } from './selectModel';
import type { selectTokenizerCommand } from './selectTokenizer';
import type { showModelCardCommand } from './showModelCard';
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
  /** {@link selectModelCommand} → the model state afterwards (active model, status bar text). */
  SelectModel = 'transformerExplorer.selectModel',
  /** {@link showModelCardCommand} → the card's facts and Markdown. */
  ShowModelCard = 'transformerExplorer.showModelCard',
  /** {@link enableGpuCommand} → the driver found and what was (not) changed. */
  EnableGpu = 'transformerExplorer.enableGpu',
}
