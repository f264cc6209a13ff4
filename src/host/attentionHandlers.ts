/**
 * The attention viewer's host requests: `model/positions`, the learned position embeddings of a
 * loaded model (GPT-2's `wpe`, BERT's `embeddings.position_embeddings`), read from its weights.
 */
import { Checkpoint } from '../engine/models/weights';
import type { LoadedModel } from '../engine/tasks/openModel';
import type { LoadedModels } from './loadedModels';
import { HostRequestError, isObject, type HostHandlers } from './protocol';

type AttentionMethods = 'model/positions';

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

export function createAttentionHandlers(models: LoadedModels): Pick<HostHandlers, AttentionMethods> {
  return {
    'model/positions': async (params) => {
      const id = isObject(params) ? params['modelId'] : undefined;
      if (typeof id !== 'string') throw new HostRequestError('invalidParams', 'modelId must be a string');
      const rows = params.rows;
      if (rows !== undefined && !(Number.isInteger(rows) && rows >= 1)) throw new HostRequestError('invalidParams', 'rows must be a positive integer');
      const model = models.get(id);
      if (!model) throw new HostRequestError('unknownModel', `no model "${id}" (released, evicted to make room, or loaded by an earlier host)`);
      const table = await readPositionEmbeddings(model, rows);
      return { name: table.name, offset: table.offset, table: { type: 'float32', dims: [table.rows, table.dim], data: table.data } };
    },
  };
}
