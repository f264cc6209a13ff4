/**
 * The attention snapshot: what "Save Snapshot" writes into the workspace so a lesson can keep a
 * view and open it again. One JSON object:
 *
 * ```json
 * { "format": "transformer-explorer.attention-snapshot", "version": 1,
 *   "model": { "id": "gpt2", "label": "gpt2", "family": "gpt2", "revision": "607a30d…" },
 *   "text": "The cat sat", "tokens": ["The", "cat", "sat"],
 *   "layer": 3, "head": 5, "causal": true,
 *   "options": { "hideSpecial": false, "mergeSubwords": false },
 *   "weights": [[1, 0, 0], [0.4, 0.6, 0], [0.2, 0.3, 0.5]],
 *   "created": "2026-11-24T02:00:00.000Z" }
 * ```
 *
 * `head` is a head number, `"mean"` (mean over heads) or `"rollout"` (rollout up to `layer`);
 * `weights[i][j]` is the attention of row token `i` to column token `j`.
 */
export const SNAPSHOT_FORMAT = 'transformer-explorer.attention-snapshot';
export const SNAPSHOT_VERSION = 1;

export type SnapshotHead = number | 'mean' | 'rollout';

export interface AttentionSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  version: typeof SNAPSHOT_VERSION;
  model: { id: string; label: string; family: string; revision?: string };
  text: string;
  tokens: string[];
  layer: number;
  head: SnapshotHead;
  causal: boolean;
  options: { hideSpecial: boolean; mergeSubwords: boolean };
  weights: number[][];
  created: string;
}

export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotError';
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Row-major Float32Array → nested rows, rounded to 6 decimals (enough for any display, half the bytes). */
export function toRows(data: Float32Array, n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * n, (i + 1) * n), (v) => Math.round(v * 1e6) / 1e6));
}

/** Nested rows → row-major Float32Array. */
export function fromRows(rows: readonly (readonly number[])[]): Float32Array {
  const n = rows.length;
  const out = new Float32Array(n * n);
  rows.forEach((r, i) => out.set(r, i * n));
  return out;
}

/** The Hub revision (commit) of an HF-cache snapshot folder `…/snapshots/<commit>`, if it is one. */
export function revisionOfFolder(dir: string): string | undefined {
  const m = /[\\/]snapshots[\\/]([0-9a-f]{7,64})[\\/]?$/i.exec(dir);
  return m ? m[1] : undefined;
}

/**
 * Parses and checks a snapshot: the format tag and version, every field's type, a square
 * matrix with one row and one column per token, finite weights in [0, 1]. Throws a SnapshotError
 * saying what is wrong.
 */
export function parseSnapshot(json: string | unknown): AttentionSnapshot {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json) as unknown;
    } catch (e) {
      throw new SnapshotError(`not JSON: ${(e as Error).message}`);
    }
  }
  if (!isRecord(value)) throw new SnapshotError('not a JSON object');
  if (value.format !== SNAPSHOT_FORMAT) throw new SnapshotError(`not an attention snapshot (format should be "${SNAPSHOT_FORMAT}")`);
  if (value.version !== SNAPSHOT_VERSION) throw new SnapshotError(`unsupported snapshot version ${String(value.version)} (this version reads ${SNAPSHOT_VERSION})`);
  const { model, text, tokens, layer, head, causal, options, weights, created } = value;
  if (!isRecord(model) || typeof model.id !== 'string' || typeof model.label !== 'string' || typeof model.family !== 'string') {
    throw new SnapshotError('"model" must have string "id", "label" and "family"');
  }
  if (model.revision !== undefined && typeof model.revision !== 'string') throw new SnapshotError('"model.revision" must be a string');
  if (typeof text !== 'string') throw new SnapshotError('"text" must be a string');
  if (!Array.isArray(tokens) || !tokens.every((t): t is string => typeof t === 'string')) throw new SnapshotError('"tokens" must be a list of strings');
  if (!Number.isInteger(layer) || (layer as number) < 0) throw new SnapshotError('"layer" must be a non-negative integer');
  if (!(head === 'mean' || head === 'rollout' || (Number.isInteger(head) && (head as number) >= 0))) {
    throw new SnapshotError('"head" must be a head number, "mean" or "rollout"');
  }
  if (typeof causal !== 'boolean') throw new SnapshotError('"causal" must be true or false');
  if (!isRecord(options) || typeof options.hideSpecial !== 'boolean' || typeof options.mergeSubwords !== 'boolean') {
    throw new SnapshotError('"options" must have boolean "hideSpecial" and "mergeSubwords"');
  }
  if (!Array.isArray(weights) || weights.length !== tokens.length) {
    throw new SnapshotError(`"weights" must have one row per token (${tokens.length})`);
  }
  weights.forEach((r: unknown, i) => {
    if (!Array.isArray(r) || r.length !== tokens.length) throw new SnapshotError(`row ${i} of "weights" must have ${tokens.length} values`);
    r.forEach((w: unknown, j) => {
      if (typeof w !== 'number' || !Number.isFinite(w) || w < 0 || w > 1 + 1e-4) throw new SnapshotError(`weights[${i}][${j}] must be a number between 0 and 1`);
    });
  });
  if (typeof created !== 'string') throw new SnapshotError('"created" must be a date string');
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    model: { id: model.id, label: model.label, family: model.family, ...(typeof model.revision === 'string' ? { revision: model.revision } : {}) },
    text,
    tokens: tokens as string[],
    layer: layer as number,
    head: head as SnapshotHead,
    causal,
    options: { hideSpecial: options.hideSpecial, mergeSubwords: options.mergeSubwords },
    weights: weights as number[][],
    created,
  };
}
