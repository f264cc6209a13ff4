/**
 * Attention rollout (Abnar & Zuidema, "Quantifying Attention Flow in Transformers", 2020).
 *
 * A layer's output is its attention *plus* the residual connection, so each layer's head-averaged
 * attention `A_l` is replaced by `Ã_l = (A_l + I) / 2`, rows renormalised to sum to 1; the
 * rollout is the product `R = Ã_L · … · Ã_2 · Ã_1`: `R[i][j]` says how much of token `j` flows
 * into position `i` after all layers. A product of lower-triangular matrices is lower triangular,
 * so a causal model (GPT) keeps its empty upper triangle.
 *
 * Worked example, one layer `A = [[1, 0], [0.5, 0.5]]` → `Ã = [[1, 0], [0.25, 0.75]]`.
 */
import { multiply, normalizeRows, type SquareMatrix } from './matrix';

/** `(A + I) / 2` with rows renormalised. */
export function withResidual(a: SquareMatrix): SquareMatrix {
  const { n } = a;
  const data = new Float32Array(n * n);
  for (let k = 0; k < n * n; k++) data[k] = a.data[k] / 2;
  for (let i = 0; i < n; i++) data[i * n + i] += 0.5;
  return normalizeRows({ n, data });
}

/**
 * Rollout over `layers` (head-averaged, first layer first). `residual: false` multiplies the raw
 * attentions (the variant without the identity, for comparison).
 */
export function attentionRollout(layers: readonly SquareMatrix[], options: { residual?: boolean } = {}): SquareMatrix {
  if (layers.length === 0) throw new RangeError('rollout needs at least one layer');
  const residual = options.residual ?? true;
  let rolled: SquareMatrix | undefined;
  for (const layer of layers) {
    const a = residual ? withResidual(layer) : layer;
    rolled = rolled ? multiply(a, rolled) : a;
  }
  return rolled as SquareMatrix;
}
