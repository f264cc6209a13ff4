/**
 * One text's attention, every layer and head, and the views the attention viewer draws from it:
 * one head, the mean over heads, the rollout, each through the token groups (hidden special
 * tokens, merged sub-words), thumbnails of all heads, per-head statistics. Derived matrices are
 * computed on first use and kept. Plain TypeScript (no Node, no DOM).
 */
import { headStats, type HeadStats } from './headStats';
import { downsample, headMatrix, identity, meanOverHeads, multiply, sideOf, type SquareMatrix } from './matrix';
import { withResidual } from './rollout';
import { aggregate, groupLabel, tokenGroups, type GroupOptions, type GroupToken } from './tokenGroups';

/** One head (by number), the mean over the layer's heads, or the rollout from layer 0 to this layer. */
export type HeadChoice = number | 'mean' | 'rollout';

export interface AttentionInput {
  text: string;
  tokens: readonly GroupToken[];
  /** One `[H, T, T]` tensor per layer, layer 0 first. */
  layers: readonly Float32Array[];
  numHeads: number;
  /** A causal (GPT) model: each token sees only itself and the tokens before it. */
  causal: boolean;
}

export interface AttentionView {
  /** One label per row/column (token, word, or special token). */
  labels: string[];
  /** The token indices behind each row/column. */
  groups: number[][];
  /** Whether each row/column is a special token. */
  special: boolean[];
  matrix: SquareMatrix;
}

/** Options of every view; hidden special tokens are renormalised (see tokenGroups.ts). */
export type ViewOptions = GroupOptions;

export class AttentionAnalysis {
  readonly n: number;
  private readonly means = new Map<number, SquareMatrix>();
  private readonly rollouts: SquareMatrix[] = [];
  private readonly statsCache = new Map<number, HeadStats[]>();

  constructor(readonly input: AttentionInput) {
    if (input.layers.length === 0) throw new RangeError('no layer of attention');
    this.n = sideOf(input.layers[0].length / input.numHeads);
    if (input.tokens.length !== this.n) throw new RangeError(`${input.tokens.length} tokens for ${this.n}×${this.n} attention`);
    for (const l of input.layers) if (l.length !== input.numHeads * this.n * this.n) throw new RangeError('layers of different shapes');
  }

  get numLayers(): number {
    return this.input.layers.length;
  }

  get numHeads(): number {
    return this.input.numHeads;
  }

  /** The `T × T` matrix of a layer for a head choice, before grouping. */
  raw(layer: number, head: HeadChoice): SquareMatrix {
    this.checkLayer(layer);
    if (head === 'mean') return this.mean(layer);
    if (head === 'rollout') return this.rollout(layer);
    return headMatrix(this.input.layers[layer], this.numHeads, head);
  }

  /** The mean over heads of a layer. */
  mean(layer: number): SquareMatrix {
    this.checkLayer(layer);
    let m = this.means.get(layer);
    if (!m) {
      m = meanOverHeads(this.input.layers[layer], this.numHeads);
      this.means.set(layer, m);
    }
    return m;
  }

  /** Rollout (with the residual identity, see rollout.ts) of layers 0 … `layer`. */
  rollout(layer: number): SquareMatrix {
    this.checkLayer(layer);
    const lowerTriangular = this.input.causal;
    for (let l = this.rollouts.length; l <= layer; l++) {
      const a = withResidual(this.mean(l));
      this.rollouts.push(l === 0 ? a : multiply(a, this.rollouts[l - 1], { lowerTriangular }));
    }
    return this.rollouts[layer];
  }

  /**
   * Computes the rollouts of layers 0 … `layer` with `step` (one layer's heads and the rollout so
   * far → the next rollout, e.g. onnxruntime in the model host: rolloutProduct.ts), so that
   * `rollout(layer)` is then a lookup. Layer 0 is stepped from the identity.
   */
  async prepareRollout(layer: number, step: (attn: Float32Array, heads: number, prev: SquareMatrix) => Promise<SquareMatrix>): Promise<void> {
    this.checkLayer(layer);
    for (let l = this.rollouts.length; l <= layer; l++) {
      const prev = l === 0 ? identity(this.n) : this.rollouts[l - 1];
      const rolled = await step(this.input.layers[l], this.numHeads, prev);
      if (this.rollouts.length === l) this.rollouts.push(rolled); // a concurrent call may have pushed it
    }
  }

  /** The bytes this analysis holds: the layers' tensors and the matrices derived so far. */
  get bytes(): number {
    const side = this.n * this.n * 4;
    return this.input.layers.reduce((s, l) => s + l.byteLength, 0) + (this.means.size + this.rollouts.length) * side;
  }

  groups(options: ViewOptions): number[][] {
    return tokenGroups(this.input.tokens, this.input.text, options);
  }

  labels(groups: readonly number[][]): string[] {
    return groups.map((g) => groupLabel(this.input.tokens, this.input.text, g));
  }

  view(layer: number, head: HeadChoice, options: ViewOptions): AttentionView {
    const groups = this.groups(options);
    return {
      labels: this.labels(groups),
      groups,
      special: groups.map((g) => g.length === 1 && this.input.tokens[g[0]].special),
      matrix: aggregate(this.raw(layer, head), groups, { renormalize: options.hideSpecial }),
    };
  }

  /** Statistics of every head of a layer, on the full matrices (special tokens included). */
  layerStats(layer: number): HeadStats[] {
    this.checkLayer(layer);
    let stats = this.statsCache.get(layer);
    if (!stats) {
      stats = Array.from({ length: this.numHeads }, (_, h) => headStats(this.headView(layer, h), this.input.tokens, { causal: this.input.causal }));
      this.statsCache.set(layer, stats);
    }
    return stats;
  }

  /** Statistics of every head, `[layer][head]`. */
  stats(): HeadStats[][] {
    return this.input.layers.map((_, l) => this.layerStats(l));
  }

  /** The heads of one layer, grouped, then averaged down to at most `max × max`: `[H, side, side]`. */
  layerThumbnails(options: ViewOptions, max: number, layer: number): { side: number; data: Float32Array } {
    const groups = this.groups(options);
    const side = Math.min(max, groups.length);
    const data = new Float32Array(this.numHeads * side * side);
    for (let h = 0; h < this.numHeads; h++) {
      data.set(downsample(aggregate(this.headView(layer, h), groups, { renormalize: options.hideSpecial }), max).data, h * side * side);
    }
    return { side, data };
  }

  /** Every head of every layer as thumbnails: `[L, H, side, side]` row-major. */
  thumbnails(options: ViewOptions, max: number): { side: number; data: Float32Array } {
    const parts = this.input.layers.map((_, l) => this.layerThumbnails(options, max, l));
    const side = parts[0].side;
    const data = new Float32Array(parts.reduce((n, p) => n + p.data.length, 0));
    parts.forEach((p, l) => data.set(p.data, l * p.data.length));
    return { side, data };
  }

  /** Head `h` of a layer as a view on the layer's tensor (no copy): for the read-only loops here. */
  private headView(layer: number, h: number): SquareMatrix {
    const size = this.n * this.n;
    return { n: this.n, data: this.input.layers[layer].subarray(h * size, (h + 1) * size) };
  }

  private checkLayer(layer: number): void {
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.numLayers) throw new RangeError(`layer ${layer} does not exist (0 to ${this.numLayers - 1})`);
  }
}
