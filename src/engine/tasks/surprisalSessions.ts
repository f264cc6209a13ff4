/**
 * The lean surprisal path of a GPT-2-family model: the *body* graph (the blocks alone, whose only
 * output is the last block's state `residual_final`: no logits, no attentions, no key/values) and
 * the output head graph the logit lens runs (ln_f → LM head → log-softmax → top k, the target's
 * log-probability and rank, in the graph: inside/lensHead.ts). Surprisal runs the body on each
 * window and only the scored rows through the head, in chunks, so T × V logits never exist.
 * Both are built through the graph cache and opened once per LoadedModel (the head session is the
 * lens's own), released with the model's other extras.
 */
import { graphPrecisionFor, type ModelGraphOptions } from '../graph/modelGraph';
import type { ModelDir } from '../models/modelDir';
import type { DevicePreference, InferenceBackend, InferenceSession } from '../runtime/types';
import { headGraphPath, openLensHead } from '../inside/lensHead';
import { TaskError } from './errors';
import type { TaskModel } from './inputs';
import { perModel } from './modelExtras';
import { modelGraphPath, type LoadedModel } from './openModel';

export interface SurprisalSessions {
  /** token ids → `residual_final` [B, T, d]. */
  body: InferenceSession;
  /** The lens head: states [N, d] + targets → top k, target log-probability and rank. */
  head: InferenceSession;
}

/** What causal surprisal needs: a task model plus its lean sessions. */
export type SurprisalModel = TaskModel & { scoring?: SurprisalSessions };

export interface SurprisalSessionsOptions {
  device: DevicePreference;
  gpuId?: number;
  graphCacheDir: string;
  signal?: AbortSignal;
  /** Called when a graph has to be built (not in the cache yet). */
  onBuild?: () => void;
}

export const SURPRISAL_BODY_GRAPH: ModelGraphOptions = { variant: 'decode', finalHiddenOnly: true, queryBlocks: 4 };

/** The body and head graphs of a GPT-2-family model folder, from the graph cache or built into it. */
export async function surprisalGraphs(model: ModelDir, graphCacheDir: string, onBuild?: () => void, precision = graphPrecisionFor('cpu')): Promise<{ body: string; head: string }> {
  const options: ModelGraphOptions = precision === 'float16' ? { ...SURPRISAL_BODY_GRAPH, precision } : SURPRISAL_BODY_GRAPH;
  return { body: await modelGraphPath(model, graphCacheDir, options, onBuild), head: await headGraphPath(model, graphCacheDir, onBuild) };
}

const bodySessions = perModel<InferenceSession>(async (body, model) => {
  delete (model as LoadedModel & { scoring?: SurprisalSessions }).scoring;
  await body.release();
});

/**
 * Opens the surprisal sessions of a GPT-2-family `model` (once: later and concurrent calls share
 * them) and returns the same LoadedModel object with `scoring` set; an encoder model is returned
 * as it is (pseudo-perplexity reads its logits).
 */
export async function openSurprisalSessions(model: LoadedModel, backend: InferenceBackend, options: SurprisalSessionsOptions): Promise<LoadedModel & SurprisalModel> {
  if (model.family !== 'gpt2') return model;
  const where = options.gpuId === undefined ? { device: options.device } : { device: options.device, gpuId: options.gpuId };
  const body = await bodySessions.get(model, async () => {
    const { body: path } = await surprisalGraphs(model.model, options.graphCacheDir, options.onBuild, graphPrecisionFor(model.session.device));
    if (options.signal?.aborted) throw new TaskError('cancelled');
    return backend.createSession(path, where);
  });
  const head = await openLensHead(model, backend, { ...where, graphCacheDir: options.graphCacheDir, ...(options.onBuild ? { onBuild: options.onBuild } : {}) });
  return Object.assign(model, { scoring: { body, head } });
}
