import type { AttentionHighlighter, AttentionHighlightState } from '../editor/attentionHighlight';

/** "Toggle Attention Highlight in Editor": on/off (or as given); resolves to the highlight's state. */
export function toggleAttentionHighlightCommand(highlighter: AttentionHighlighter) {
  return (arg?: unknown): Promise<AttentionHighlightState> => highlighter.toggle(typeof arg === 'boolean' ? arg : undefined);
}

/** The highlight's state now (for tests): which token is under the cursor and which tokens are lit. */
export function attentionHighlightState(highlighter: AttentionHighlighter): () => AttentionHighlightState {
  return () => highlighter.state;
}
