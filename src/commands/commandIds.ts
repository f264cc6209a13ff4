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
  /** fillMaskCommand (fillMask.ts) → the FillMaskShown (model, text read, mode, result). */
  FillMask = 'transformerExplorer.fillMask',
  /** mlmDemoCommand (mlmDemo.ts) → the MlmDemoResult. */
  MlmDemo = 'transformerExplorer.mlmDemo',
  /** completeTextCommand (completeText.ts) → the CompletionOutcome (inserted text, finish reason). */
  CompleteText = 'transformerExplorer.completeText',
  /** stopCompletionCommand (completeText.ts) → true when a completion was running. */
  StopCompletion = 'transformerExplorer.stopCompletion',
  /** showSurprisalCommand (showSurprisal.ts) → the SurprisalShown (tokens coloured, PPL). */
  ShowSurprisal = 'transformerExplorer.showSurprisal',
  /** clearSurprisalCommand (showSurprisal.ts) → true when colours were cleared. */
  ClearSurprisal = 'transformerExplorer.clearSurprisal',
  /** compareAtCursorCommand (compareAtCursor.ts) → the CompareAtCursorResult. */
  CompareAtCursor = 'transformerExplorer.compareAtCursor',
  /** showAttentionCommand (attentionShow.ts) → the AttentionShown (status, text and model, what was drawn). */
  ShowAttention = 'transformerExplorer.showAttention',
  /** showAttentionCommand with the Positions tab (attentionShow.ts) → the AttentionShown. */
  ShowPositionalEncodings = 'transformerExplorer.showPositionalEncodings',
  /** compareAttentionCommand (attentionCompare.ts) → the CompareShown (both columns drawn). */
  CompareAttention = 'transformerExplorer.compareAttention',
  /** saveAttentionImageCommand (attentionExport.ts) → `{ path }` of the PNG/SVG written. */
  SaveAttentionImage = 'transformerExplorer.saveAttentionImage',
  /** saveAttentionSnapshotCommand (attentionExport.ts) → `{ path }` of the JSON written. */
  SaveAttentionSnapshot = 'transformerExplorer.saveAttentionSnapshot',
  /** openAttentionSnapshotCommand (attentionExport.ts) → the AttentionSnapshot read. */
  OpenAttentionSnapshot = 'transformerExplorer.openAttentionSnapshot',
  /** toggleAttentionHighlightCommand (attentionHighlight.ts) → the AttentionHighlightState. */
  ToggleAttentionHighlight = 'transformerExplorer.toggleAttentionHighlight',
  /** attentionHighlightState (attentionHighlight.ts), not in the palette → the AttentionHighlightState. */
  AttentionHighlightState = 'transformerExplorer.attentionHighlightState',
  /** The token count's TokenCountState (tokenCountStatusBar.ts), not in the palette: what the status bar item shows. */
  TokenCountState = 'transformerExplorer.tokenCountState',
}
