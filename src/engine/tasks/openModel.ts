/**
 * Model spec → a LoadedModel ready for tasks: folder (or cached Hub id) → readModelDir → the
 * *inspect* graph (with attention outputs) through the on-disk graph cache → an inference session
 * on the backend, plus the model's own tokenizer.
 */
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { checkCheckpointAgainstConfig } from '../graph/checkpointCheck';
import { cachedGraph, checkpointIdentity, findCachedGraph, graphCacheKey, type GraphCacheLog } from '../graph/graphCache';
import { defineModelGraph, graphFamilyConfig, graphPrecisionFor, readGraphWeights, type GraphPrecision, type ModelGraphOptions } from '../graph/modelGraph';
import type { WeightPrecision } from '../graph/precision';
import type { ModelFamily } from '../models/config';
import { ModelDirError, readModelDir, type ModelDir } from '../models/modelDir';
import type { HubSettings } from '../models/hub/settings';
import { Checkpoint } from '../models/weights';
import type { DevicePreference, InferenceBackend, InferenceSession } from '../runtime/types';
import { loadTokenizer } from '../tokenizers/load';
import type { TextTokenizer } from '../tokenizers/textTokenizer';
import { locateModel } from './modelSpec';
import { specialTokenId } from './tokenText';

export type OpenStage = 'buildingGraph' | 'creatingSession';

export interface OpenModelOptions {
  device: DevicePreference;
  gpuId?: number;
  /** Folder of built graphs (see defaultGraphCacheDir). */
  graphCacheDir: string;
  /** Where Hub ids are looked up (the HF cache); from the environment when absent. */
  hub?: HubSettings;
  onStage?: (stage: OpenStage) => void;
  /** One-line notes worth a log (a damaged cached graph removed and built again). */
  onLog?: GraphCacheLog;
  signal?: AbortSignal;
  /** float32 (default), or weight-only int8/int4 graphs (precision.ts). */
  precision?: WeightPrecision;
}

export interface LoadedModel {
  /** Absolute model folder. */
  dir: string;
  label: string;
  repoId?: string;
  family: ModelFamily;
  model: ModelDir;
  tokenizerSpec: string;
  tokenizer: TextTokenizer;
  /** The tokenizer's mask token, for encoder (masked-LM) families. */
  maskToken?: string;
  numLayers: number;
  numHeads: number;
  /** d */
  hiddenSize: number;
  contextLength: number;
  vocabSize: number;
  /** The inspect graph's .onnx file (external data next to it). */
  graphPath: string;
  /** Bytes of the graph files on disk: roughly the memory the session holds. */
  graphBytes: number;
  /** The weights' precision in the graphs it runs: the one asked for, or float16 when a float32 model runs on CUDA. */
  precision: GraphPrecision;
  session: InferenceSession;
}

/** `<base>/graphs`, base = TREX_CACHE_DIR or ~/.cache/transformer-explorer. */
export function defaultGraphCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env['TREX_CACHE_DIR'] || join(homedir(), '.cache', 'transformer-explorer'), 'graphs');
}

function aborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Error('cancelled');
}

function fileSize(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

/**
 * A token id past the embedding table is reported by the runtime mid-run as an out-of-bounds
 * Gather: say it now, naming both files. Ids may be sparse, so the highest one counts.
 */
function checkTokenizerFits(model: ModelDir, tokenizer: TextTokenizer): void {
  const { vocabSize } = model.config;
  if (tokenizer.info.idBound <= vocabSize) return;
  const key = model.config.keys?.vocabSize?.key ?? 'vocab_size';
  throw new ModelDirError(`${model.tokenizerFiles[0] ?? model.tokenizerSpec} has token ids up to ${tokenizer.info.idBound - 1} but ${model.config.file ?? 'config.json'} has "${key}" ${vocabSize}: the tokenizer does not belong to this model`);
}

/** The single special token the tokenizer makes of `[MASK]` or `<mask>`, if any. */
export function findMaskToken(tokenizer: TextTokenizer): string | undefined {
  return ['[MASK]', '<mask>'].find((candidate) => specialTokenId(tokenizer, candidate) !== undefined);
}

/**
 * The graph every loaded model runs: attention probabilities of every layer, and the internals the
 * inside-the-model views read (q, k, v, head outputs, hidden states…: see the builders). A run
 * fetches only the outputs it names.
 */
export const INSPECT_GRAPH: ModelGraphOptions = { variant: 'inspect', internals: true };

/** The inspect graph of a model folder, built (reading only the weights it needs) when not cached. */
export async function inspectGraph(model: ModelDir, graphCacheDir: string, onBuild?: () => void, precision: GraphPrecision = 'float32', onLog?: GraphCacheLog): Promise<string> {
  // float32 leaves `precision` out, so its cache key is the one it had before precision existed.
  const options: ModelGraphOptions = precision === 'float32' ? INSPECT_GRAPH : { ...INSPECT_GRAPH, precision };
  return modelGraphPath(model, graphCacheDir, options, onBuild, onLog);
}

/**
 * The graph of `options` for a model folder: from the graph cache (verified), or built into it
 * (reading only the weights it needs) once the checkpoint is checked against config.json.
 */
export async function modelGraphPath(model: ModelDir, graphCacheDir: string, options: ModelGraphOptions, onBuild?: () => void, onLog?: GraphCacheLog): Promise<string> {
  const checkpoint = await Checkpoint.open(model.weightFiles);
  try {
    checkCheckpointAgainstConfig(model.config, checkpoint); // first: a disagreement says more than an unsupported option
    const family = graphFamilyConfig(model.config);
    const key = graphCacheKey(checkpointIdentity(checkpoint.filePaths(), graphCacheDir), { ...options, family });
    const cached = findCachedGraph(graphCacheDir, key, onLog);
    if (cached !== undefined) return cached;
    onBuild?.();
    const weights = await readGraphWeights(family, checkpoint);
    return cachedGraph(graphCacheDir, key, () => defineModelGraph(family, weights, options), onLog).path;
  } finally {
    await checkpoint.close();
  }
}

/**
 * float16 weights on GPU: a session that turned out to run on CUDA moves to the float16 inspect
 * graph (see graphPrecisionFor). If that session cannot be opened on CUDA, the float32 one stays.
 */
async function onDevicePrecision(
  model: ModelDir,
  options: OpenModelOptions,
  backend: InferenceBackend,
  first: { graphPath: string; session: InferenceSession },
): Promise<{ graphPath: string; session: InferenceSession; precision: GraphPrecision }> {
  const precision = graphPrecisionFor(first.session.device);
  if (precision === 'float32' || options.signal?.aborted) return { ...first, precision: 'float32' };
  const graphPath = await inspectGraph(model, options.graphCacheDir, () => options.onStage?.('buildingGraph'), precision, options.onLog);
  const session = await backend
    .createSession(graphPath, options.gpuId === undefined ? { device: options.device } : { device: options.device, gpuId: options.gpuId })
    .catch(() => undefined);
  if (session?.device !== first.session.device) {
    await session?.release();
    return { ...first, precision: 'float32' };
  }
  await first.session.release();
  return { graphPath, session, precision };
}

export async function openModel(spec: string, backend: InferenceBackend, options: OpenModelOptions): Promise<LoadedModel> {
  const where = locateModel(spec, options.hub ? { hub: options.hub } : {});
  const model = await readModelDir(where.dir);
  const tokenizer = await loadTokenizer(model.tokenizerSpec);
  checkTokenizerFits(model, tokenizer);
  aborted(options.signal);
  const asked = options.precision ?? 'float32';
  const graphPath = await inspectGraph(model, options.graphCacheDir, () => options.onStage?.('buildingGraph'), asked, options.onLog);
  aborted(options.signal);
  options.onStage?.('creatingSession');
  const first = {
    graphPath,
    session: await backend.createSession(graphPath, options.gpuId === undefined ? { device: options.device } : { device: options.device, gpuId: options.gpuId }),
  };
  // A quantized graph stays what was asked for on any device (MatMulNBits has CPU and CUDA kernels).
  const opened = asked === 'float32' ? await onDevicePrecision(model, options, backend, first) : { ...first, precision: asked };
  const session = opened.session;
  if (options.signal?.aborted) {
    await session.release();
    aborted(options.signal);
  }
  const { config } = model;
  const maskToken = config.family === 'gpt2' ? undefined : findMaskToken(tokenizer);
  return {
    dir: where.dir,
    label: where.label,
    ...(where.repoId ? { repoId: where.repoId } : {}),
    family: config.family,
    model,
    tokenizerSpec: model.tokenizerSpec,
    tokenizer,
    ...(maskToken ? { maskToken } : {}),
    numLayers: config.numLayers,
    numHeads: config.numHeads,
    hiddenSize: config.hiddenSize,
    contextLength: config.maxPositions,
    vocabSize: config.vocabSize,
    graphPath: opened.graphPath,
    graphBytes: fileSize(opened.graphPath) + fileSize(`${opened.graphPath}.data`),
    precision: opened.precision,
    session,
  };
}
