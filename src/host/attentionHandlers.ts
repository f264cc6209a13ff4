/**
 * The attention viewer's host requests: `model/positions`, the learned position embeddings of a
 * loaded model (GPT-2's `wpe`, BERT's `embeddings.position_embeddings`), read from its weights.
 */
import { Checkpoint } from '../engine/models/weights';
import type { TensorData } from '../engine/runtime/types';
import type { LoadedModel } from '../engine/tasks/openModel';
import { HostRequestError } from './hostErrors';
import type { LoadedModels } from './loadedModels';
import { optionalPositiveInt, requireString } from './params';
import { runTask, type Handlers } from './requestKit';

/** The attention viewer's requests, with their params and results (part of the protocol's `HostRequests`). */
export interface AttentionRequests {
  /**
   * The learned position embeddings of a loaded model (`wpe` / `position_embeddings`): the first
   * `rows` rows (all when absent) as float32 [rows, d]; `offset` = the table rows skipped (RoBERTa's 2).
   */
  'model/positions': {
    params: { modelId: string; rows?: number };
    result: { name: string; offset: number; table: TensorData };
  };
}

/** Where each family keeps its position table; the first one the checkpoint has is read. */
const POSITION_TABLES = ['wpe.weight', 'embeddings.position_embeddings.weight'];
const PREFIXES = ['', 'transformer.', 'bert.', 'roberta.', 'distilbert.'];

/** Reads the first `rows` rows (all when absent) of the model's learned position embeddings: `[rows, d]`. */
export async function readPositionEmbeddings(model: Pick<LoadedModel, 'model' | 'family'>, rows?: number): Promise<{ name: string; rows: number; dim: number; data: Float32Array; offset: number }> {
  const checkpoint = await Checkpoint.open(model.model.weightFiles);
  try {
    const name = POSITION_TABLES.map((t) => checkpoint.resolve(t, PREFIXES)).find((n) => n !== undefined);
    if (!name) throw new HostRequestError('invalidInput', 'this model has no learned position embeddings in its weights');
    const { shape, data } = await checkpoint.readFloat32(name);
    if (shape.length !== 2) throw new HostRequestError('invalidInput', `${name} has shape [${shape.join(', ')}], not [positions, d]`);
    // RoBERTa numbers positions from padding_idx + 1 = 2: rows 0 and 1 are never used.
    const offset = model.family === 'roberta' ? 2 : 0;
    const available = shape[0] - offset;
    const n = Math.max(0, Math.min(available, rows ?? available));
    const dim = shape[1];
    return { name, rows: n, dim, data: data.slice(offset * dim, (offset + n) * dim), offset };
  } finally {
    await checkpoint.close();
  }
}

export function createAttentionHandlers(models: LoadedModels): Handlers<AttentionRequests> {
  return {
    'model/positions': async (params, ctx) => {
      const rows = optionalPositiveInt(params.rows, 'rows');
      return models.use(requireString(params, 'modelId'), ctx.signal, async (model) => {
        const table = await runTask(ctx.signal, () => readPositionEmbeddings(model, rows));
        return { name: table.name, offset: table.offset, table: { type: 'float32', dims: [table.rows, table.dim], data: table.data } };
      });
    },
  };
}
