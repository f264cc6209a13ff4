import { AttentionHighlighter, type AttentionHighlightState } from '../editor/attentionHighlight';
import type { FeatureFactory } from '../feature';
import { AttentionBesidePanel } from '../webviews/attentionBeside';
import { AttentionController, AttentionSideView } from '../webviews/attentionView';
import { ATTENTION_VIEW_ID } from '../webviews/viewTypes';
import { openAttentionSnapshotCommand, saveAttentionImageCommand, saveAttentionSnapshotCommand } from './attentionExport';
import { openAttentionBesideCommand, showAttentionCommand } from './attentionShow';
import { CommandId } from './commandIds';

/**
 * The attention viewer (issue 5): one controller, shown in the side view and in the panel beside
 * the text (issue 15), the editor highlight that follows it, and their commands. The compare panel
 * is a feature of its own (webviews/attentionCompare.ts).
 */
export const attentionFeature: FeatureFactory = ({ context, panels, models, host }) => {
  const view = new AttentionController(panels, models, host);
  const side = new AttentionSideView(panels, view);
  const highlighter = new AttentionHighlighter(view, context.globalState);
  context.subscriptions.push(view, side, highlighter);
  return {
    views: { [ATTENTION_VIEW_ID]: side },
    revive: { [AttentionBesidePanel.viewType]: (panel) => void AttentionBesidePanel.revive(panels, panel, view) },
    commands: {
      'transformerExplorer.openAttentionBeside': openAttentionBesideCommand(view, panels),
      'transformerExplorer.showAttention': showAttentionCommand(view, panels),
      'transformerExplorer.showPositionalEncodings': showAttentionCommand(view, panels, 'positions'),
      'transformerExplorer.saveAttentionImage': saveAttentionImageCommand(view),
      'transformerExplorer.saveAttentionSnapshot': saveAttentionSnapshotCommand(view),
      'transformerExplorer.openAttentionSnapshot': openAttentionSnapshotCommand(view),
      'transformerExplorer.toggleAttentionHighlight': toggleAttentionHighlightCommand(highlighter),
      [CommandId.AttentionHighlightState]: (): AttentionHighlightState => highlighter.state,
    },
  };
};

/** "Toggle Attention Highlight in Editor": on/off (or as given); resolves to the highlight's state. */
export function toggleAttentionHighlightCommand(highlighter: AttentionHighlighter) {
  return (arg?: unknown): Promise<AttentionHighlightState> => highlighter.toggle(typeof arg === 'boolean' ? arg : undefined);
}
