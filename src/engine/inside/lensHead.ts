/**
 * The logit lens's head session: the model's output head alone (graph/headGraph.ts), built through
 * the graph cache (key: weights identity + `{ variant: 'lensHead' }`) and opened once per loaded
 * model, on the device its inspect session runs on. `readThroughHead` sends rows of states through
 * it in chunks, so N × V log-probabilities never exist at once.
 */
import { cachedGraph, checkpointIdentity, findCachedGraph, graphCacheKey } from '../graph/graphCache';
import { defineHeadGraph } from '../graph/headGraph';
import { graphFamilyConfig } from '../graph/modelGraph';
import type { ModelDir } from '../models/modelDir';
import { Checkpoint } from '../models/weights';
import type { DevicePreference, InferenceBackend, InferenceSession } from '../runtime/types';
import { TaskError } from '../tasks/errors';
import { perModel } from '../tasks/modelExtras';
import type { LoadedModel } from '../tasks/openModel';
import { readHeadWeights } from './modelTables';

export interface LensHeadOptions {
  device: DevicePreference;
  gpuId?: number;
  graphCacheDir: string;
  /** Called when the head graph has to be built (not in the cache yet). */
  onBuild?: () => void;
}

/** `outputs: 2`: the head with `target_nll` and the rank over logits (graphs cached before it lack them). */
const LENS_HEAD = { variant: 'lensHead', outputs: 2 } as const;

const headSessions = perModel<InferenceSession>((session) => session.release());

/** The head graph of a model folder, from the graph cache or built into it (the lens and the surprisal path share it). */
export async function headGraphPath(model: ModelDir, graphCacheDir: string, onBuild?: () => void): Promise<string> {
  const checkpoint = await Checkpoint.open(model.weightFiles);
  let key: string;
  try {
    key = graphCacheKey(checkpointIdentity(checkpoint.filePaths(), graphCacheDir), { ...LENS_HEAD, family: graphFamilyConfig(model.config) });
  } finally {
    await checkpoint.close();
  }
  const cached = findCachedGraph(graphCacheDir, key);
  if (cached !== undefined) return cached;
  onBuild?.();
  const { family, head } = await readHeadWeights(model);
  return cachedGraph(graphCacheDir, key, () => defineHeadGraph(family, head)).path;
}

/** The head session of `model` (opened on the first call; released with the model). */
export function openLensHead(model: LoadedModel, backend: InferenceBackend, options: LensHeadOptions): Promise<InferenceSession> {
  return headSessions.get(model, async () => {
    const path = await headGraphPath(model.model, options.graphCacheDir, options.onBuild);
    return backend.createSession(path, options.gpuId === undefined ? { device: options.device } : { device: options.device, gpuId: options.gpuId });
  });
}

/** What the head reads off one row: the top k (natural-log probabilities) and one target's log-probability and rank. */
export interface HeadReading {
  topIds: number[];
  topLogProbs: number[];
  targetLogProb: number;
  targetRank: number;
  /** −log P(target), its log-sum-exp taken in float64 (surprisal averages thousands of these). */
  targetNll: number;
}

export interface HeadRunHooks {
  signal?: AbortSignal;
  /** Rows done so far, of `total`. */
  onProgress?: (done: number, total: number) => void;
}

/** Rows per head run: bounds the N × V log-softmax the graph holds at once (256 × 50,257 × 4 B ≈ 51 MB). */
export const HEAD_CHUNK_ROWS = 256;

/**
 * Reads `states` (N rows of d) through the head: per row the top `k` and the target's
 * log-probability and rank (a target < 0 reads token 0; the caller ignores it).
 */
export async function readThroughHead(head: InferenceSession, states: Float32Array, d: number, targets: readonly number[], k: number, hooks: HeadRunHooks = {}): Promise<HeadReading[]> {
  const rows = states.length / d;
  if (!Number.isInteger(rows) || rows !== targets.length) throw new Error(`readThroughHead: ${states.length} values are not ${targets.length} rows of ${d}`);
  const readings: HeadReading[] = [];
  for (let start = 0; start < rows; start += HEAD_CHUNK_ROWS) {
    if (hooks.signal?.aborted) throw new TaskError('cancelled');
    const end = Math.min(rows, start + HEAD_CHUNK_ROWS);
    const n = end - start;
    const out = await head.run(
      {
        states: { type: 'float32', dims: [n, d], data: states.subarray(start * d, end * d) },
        targets: { type: 'int64', dims: [n], data: BigInt64Array.from(targets.slice(start, end), (t) => BigInt(Math.max(0, t))) },
        k: { type: 'int64', dims: [1], data: BigInt64Array.of(BigInt(k)) },
      },
      ['top_logprobs', 'top_ids', 'target_logprob', 'target_rank', 'target_nll'],
    );
    const topLogProbs = out['top_logprobs']?.data as Float32Array;
    const topIds = out['top_ids']?.data as BigInt64Array;
    const targetLogProb = out['target_logprob']?.data as Float32Array;
    const targetRank = out['target_rank']?.data as Float32Array;
    const targetNll = out['target_nll']?.data as Float64Array;
    if (!topLogProbs || !topIds || topLogProbs.length !== n * k || !targetLogProb || !targetRank || !targetNll) throw new Error('the lens head returned outputs of unexpected shapes');
    for (let r = 0; r < n; r++) {
      readings.push({
        topIds: Array.from(topIds.subarray(r * k, (r + 1) * k), Number),
        topLogProbs: Array.from(topLogProbs.subarray(r * k, (r + 1) * k)),
        targetLogProb: targetLogProb[r],
        targetRank: targetRank[r],
        targetNll: targetNll[r],
      });
    }
    hooks.onProgress?.(end, rows);
  }
  return readings;
}
