/**
 * The command ids other modules name: the status bar items and the hover link to a command, and
 * the commands registered without a package.json entry (tests read state through them). Every
 * other command is declared in package.json `contributes.commands` only, and its handler is keyed
 * by that id in its feature module (src/features.ts lists them). A leaf module: it imports
 * nothing, so that the activation bundle can name a command without pulling in its handler.
 */
export enum CommandId {
  /** The token count's status bar item runs it (tokenizerCommands.ts). */
  SelectTokenizer = 'transformerExplorer.selectTokenizer',
  /** The model's status bar item runs it (selectModel.ts). */
  SelectModel = 'transformerExplorer.selectModel',
  /** The token hover's "Replay how this word is cut" link (bpePanel.ts). */
  ShowBpeMerges = 'transformerExplorer.showBpeMerges',
  /** attentionHighlightState (attentionCommands.ts), not in the palette → the AttentionHighlightState. */
  AttentionHighlightState = 'transformerExplorer.attentionHighlightState',
  /** The token count's TokenCountState (tokenCountStatusBar.ts), not in the palette: what the status bar item shows. */
  TokenCountState = 'transformerExplorer.tokenCountState',
  /** attentionStepsState (attentionStepsPanel.ts), not in the palette: what the step-by-step panel shows and drew. */
  AttentionStepsState = 'transformerExplorer.attentionStepsState',
  /** trainingState (trainingFeature.ts), not in the palette: where the training run is and what its panel drew. */
  TrainingState = 'transformerExplorer.trainingState',
  /** The training's status bar item runs it (trainingService.ts). */
  ShowTraining = 'transformerExplorer.showTraining',
}

/** Commands registered though package.json does not contribute them (for tests, not in the palette). */
export const UNLISTED_COMMANDS: readonly string[] = [CommandId.AttentionHighlightState, CommandId.TokenCountState, CommandId.AttentionStepsState, CommandId.TrainingState];
