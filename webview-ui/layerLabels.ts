// Which layer a hidden state comes after (pure, shared by the Logit Lens and Contextual Embeddings
// pages): state 0 is the embeddings, state i the output of layer i − 1. Layers are numbered from
// 0 everywhere, as in the Attention view and `trex attention`.

/** The layer whose output hidden state `state` is, or undefined for the embeddings (state 0). */
export function layerBefore(state: number): number | undefined {
  return state >= 1 ? state - 1 : undefined;
}

/** The label of hidden state `state` of `count`: the embeddings, "after layer ℓ", the last one marked as the output. */
export function stateLabel(state: number, count: number, labels: { embeddings: string; after: (layer: number) => string; output: (layer: number) => string }): string {
  const layer = layerBefore(state);
  if (layer === undefined) return labels.embeddings;
  return state === count - 1 ? labels.output(layer) : labels.after(layer);
}
