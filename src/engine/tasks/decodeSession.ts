/**
 * The lean *decode* graph of a GPT-2-family model — no attention outputs, logits of the last
 * position only, past key/values in and present key/values out (the KV cache) — built through the
 * same on-disk graph cache as the inspect graph (key: weights identity + graph options) and opened
 * once per LoadedModel. decodeStep feeds only the new tokens and carries the cache along.
 */
import { graphFamilyConfig, type ModelGraphOptions } from '../graph/modelGraph';
import type { GraphPrecision } from '../graph/precision';
import type { ModelDir } from '../models/modelDir';
import type { DevicePreference, InferenceBackend, InferenceSession, TensorData } from '../runtime/types';
import { TaskError } from './errors';
import type { TaskModel } from './inputs';
import { perModel } from './modelExtras';
import { modelGraphPath, type LoadedModel } from './openModel';

export interface DecodeSession {
  /** The decode graph's .onnx file. */
  graphPath: string;
  session: InferenceSession;
}

/** What generation needs: a task model plus its decode session. */
export type GenerationModel = TaskModel & { decode: DecodeSession };

export interface DecodeSessionOptions {
  device: DevicePreference;
  gpuId?: number;
  graphCacheDir: string;
  signal?: AbortSignal;
  /** Called when the decode graph has to be built (not in the cache yet). */
  onBuild?: () => void;
}

export const DECODE_GRAPH: ModelGraphOptions = { variant: 'decode', lastLogitsOnly: true };

/** The decode graph of a GPT-2-family model folder, from the graph cache or built into it; float32 keeps its cache key. */
export async function decodeGraph(model: ModelDir, graphCacheDir: string, onBuild?: () => void, precision: GraphPrecision = 'float32'): Promise<string> {
  const family = graphFamilyConfig(model.config);
  if (family.family !== 'gpt2') throw new TaskError('generation needs a GPT-2-family (causal) model');
  return modelGraphPath(model, graphCacheDir, precision === 'float32' ? DECODE_GRAPH : { ...DECODE_GRAPH, precision }, onBuild);
}

const decodeSessions = perModel<DecodeSession>(async (decode, model) => {
  delete (model as LoadedModel & { decode?: DecodeSession }).decode;
  await decode.session.release();
});

/**
 * Opens the decode session of `model` (once: later and concurrent calls share it) and returns the
 * same LoadedModel object with `decode` set. Throws a TaskError for encoder families. It is
 * released with the model's other extras (releaseModelExtras).
 */
export async function openDecodeSession(model: LoadedModel, backend: InferenceBackend, options: DecodeSessionOptions): Promise<LoadedModel & GenerationModel> {
  if (model.family !== 'gpt2') throw new TaskError(`${model.label} is a masked (BERT-like) model: text completion needs a causal GPT-2-family model`);
  const decode = await decodeSessions.get(model, async () => {
    // The inspect graph's precision (float16 only where that session runs on CUDA).
    const graphPath = await decodeGraph(model.model, options.graphCacheDir, options.onBuild, model.precision);
    if (options.signal?.aborted) throw new TaskError('cancelled');
    const where = options.gpuId === undefined ? { device: options.device } : { device: options.device, gpuId: options.gpuId };
    const session = await backend.createSession(graphPath, { ...where, spinning: false });
    return { graphPath, session };
  });
  return Object.assign(model, { decode });
}

/** Releases the decode session opened for `model`, if any. */
export async function releaseDecodeSession(model: LoadedModel): Promise<void> {
  await decodeSessions.release(model);
}

/** The key/value cache of a batch of sequences: `past_key_values.{i}.key|value` [B, H, length, hd]. */
export interface KvCache {
  past: Record<string, TensorData>;
  batch: number;
  length: number;
}

function pastNames(numLayers: number): string[] {
  return Array.from({ length: numLayers }, (_, i) => [`past_key_values.${i}.key`, `past_key_values.${i}.value`]).flat();
}

function int64(B: number, T: number, f: (b: number, t: number) => number): TensorData {
  const data = new BigInt64Array(B * T);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) data[b * T + t] = BigInt(f(b, t));
  return { type: 'int64', dims: [B, T], data };
}

export interface DecodeStepResult {
  /** One row of V logits per sequence: the next-token logits after its last token. */
  logits: Float32Array[];
  cache: KvCache;
}

/**
 * Runs the decode graph on the new tokens of each sequence (`rows`: B rows of the same length),
 * after `cache` (none: an empty past). Positions continue from the cache's length.
 */
export async function decodeStep(model: Pick<GenerationModel, 'hiddenSize' | 'numHeads' | 'numLayers' | 'decode'>, rows: readonly (readonly number[])[], cache?: KvCache): Promise<DecodeStepResult> {
  const B = rows.length;
  const T = rows[0]?.length ?? 0;
  if (B === 0 || T === 0 || rows.some((r) => r.length !== T)) throw new Error('decodeStep: needs B ≥ 1 rows of the same length ≥ 1');
  if (cache && cache.batch !== B) throw new Error(`decodeStep: cache holds ${cache.batch} sequences, ${B} given`);
  const P = cache?.length ?? 0;
  const headDim = model.hiddenSize / model.numHeads;
  const names = pastNames(model.numLayers);
  const feeds: Record<string, TensorData> = {
    input_ids: int64(B, T, (b, t) => rows[b][t]),
    attention_mask: int64(B, P + T, () => 1),
  };
  const inputs = model.decode.session.inputNames;
  if (inputs.includes('position_ids')) feeds['position_ids'] = int64(B, T, (_, t) => P + t);
  for (const name of names) feeds[name] = cache?.past[name] ?? { type: 'float32', dims: [B, model.numHeads, 0, headDim], data: new Float32Array(0) };
  const fetch = ['logits', ...names.map((n) => n.replace('past_key_values.', 'present.'))];
  const out = await model.decode.session.run(feeds, fetch);
  const logits = out['logits'];
  if (!logits || logits.type !== 'float32' || logits.dims.length !== 3 || logits.dims[0] !== B) {
    throw new Error(`logits: expected float32 [${B}, 1, V], got ${logits ? `${logits.type} [${logits.dims.join(', ')}]` : 'nothing'}`);
  }
  const rowsOut = logits.dims[1];
  const V = logits.dims[2];
  const data = logits.data as Float32Array;
  const last = Array.from({ length: B }, (_, b) => data.slice(((b + 1) * rowsOut - 1) * V, (b + 1) * rowsOut * V));
  const past: Record<string, TensorData> = {};
  for (const name of names) {
    const present = out[name.replace('past_key_values.', 'present.')];
    if (!present || present.type !== 'float32' || present.dims[2] !== P + T) throw new Error(`${name}: expected float32 [${B}, H, ${P + T}, hd] from the graph`);
    past[name] = present;
  }
  return { logits: last, cache: { past, batch: B, length: P + T } };
}

/** The cache of sequences `rows` of `cache` (beam search: each new beam continues a parent). */
export function selectSequences(cache: KvCache, rows: readonly number[]): KvCache {
  const past: Record<string, TensorData> = {};
  for (const [name, t] of Object.entries(cache.past)) {
    const per = t.dims.slice(1).reduce((a, b) => a * b, 1);
    const src = t.data as Float32Array;
    const data = new Float32Array(rows.length * per);
    rows.forEach((r, i) => data.set(src.subarray(r * per, (r + 1) * per), i * per));
    past[name] = { type: 'float32', dims: [rows.length, ...t.dims.slice(1)], data };
  }
  return { past, batch: rows.length, length: cache.length };
}
