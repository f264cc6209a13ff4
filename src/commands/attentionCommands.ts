import { AttentionHighlighter, type AttentionHighlightState } from '../editor/attentionHighlight';
import type { FeatureFactory } from '../feature';
import { AttentionViewProvider } from '../webviews/attentionView';
import { ATTENTION_VIEW_ID } from '../webviews/viewTypes';
import { openAttentionSnapshotCommand, saveAttentionImageCommand, saveAttentionSnapshotCommand } from './attentionExport';
import { showAttentionCommand } from './attentionShow';
import { CommandId } from './commandIds';

/**
 * The attention viewer (issue 5): the side view, the editor highlight that follows it, and their
 * commands. The compare panel is a feature of its own (webviews/attentionCompare.ts).
 */
export const attentionFeature: FeatureFactory = ({ context, panels, models, host }) => {
  const view = new AttentionViewProvider(panels, models, host);
  const highlighter = new AttentionHighlighter(view, context.globalState);
  context.subscriptions.push(view, highlighter);
  return {
    views: { [ATTENTION_VIEW_ID]: view },
    commands: {
      'transformerExplorer.showAttention': showAttentionCommand(view),
      'transformerExplorer.showPositionalEncodings': showAttentionCommand(view, 'positions'),
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
