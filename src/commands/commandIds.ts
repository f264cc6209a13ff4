/**
 * Every command the extension contributes (package.json `contributes.commands`), each with its
 * handler and what it resolves to. A leaf module: it imports nothing, so that the status bar items
 * of the activation bundle can name a command without pulling in its handler.
 */
export enum CommandId {
  /** tokenizeSelectionCommand (tokenizeSelection.ts) → the `Encoding` shown. */
  TokenizeSelection = 'transformerExplorer.tokenizeSelection',
  /** showBpeMergesCommand (showBpeMerges.ts) → the engine's traces. */
  ShowBpeMerges = 'transformerExplorer.showBpeMerges',
  /** learnBpeCommand (learnBpe.ts) → the `LearnBpeResult`. */
  LearnBpe = 'transformerExplorer.learnBpe',
  /** toggleTokenBoundariesCommand (toggleTokenBoundaries.ts) → the new state. */
  ToggleTokenBoundaries = 'transformerExplorer.toggleTokenBoundaries',
  /** selectTokenizerCommand (selectTokenizer.ts) → the spec now active. */
  SelectTokenizer = 'transformerExplorer.selectTokenizer',
  /** showSidePanelCommand (showSidePanel.ts) → what the side view shows. */
  ShowSidePanel = 'transformerExplorer.showSidePanel',
  /** selectModelCommand (selectModel.ts) → the model state afterwards (active model, status bar text). */
  SelectModel = 'transformerExplorer.selectModel',
  /** showModelCardCommand (showModelCard.ts) → the card's facts and Markdown. */
  ShowModelCard = 'transformerExplorer.showModelCard',
  /** enableGpuCommand (enableGpu.ts) → the driver found and what was (not) changed. */
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
