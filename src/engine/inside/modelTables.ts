/**
 * The weights the inside-the-model views read straight from a model's checkpoint: the output
 * head's tensors (for the logit lens's head graph) and the static input embeddings (the word
 * embedding table, for "contextual vs static" and the nearest vocabulary tokens).
 */
import { checkCheckpointAgainstConfig, requireStoredName } from '../graph/checkpointCheck';
import { encoderNames } from '../graph/encoderNames';
import type { HeadWeights } from '../graph/headGraph';
import { graphFamilyConfig, type GraphFamilyConfig } from '../graph/modelGraph';
import type { WeightTensor } from '../graph/weights';
import type { ModelDir } from '../models/modelDir';
import { Checkpoint } from '../models/weights';
import { perModel } from '../tasks/modelExtras';
import type { LoadedModel } from '../tasks/openModel';

async function tensor(checkpoint: Checkpoint, name: string, prefixes: readonly string[]): Promise<WeightTensor> {
  const { shape, data } = await checkpoint.readFloat32(requireStoredName(checkpoint, name, prefixes));
  return { dims: [...shape], data };
}

/** Where the word embedding table is, per family (the tied LM head / decoder). */
function wordEmbeddingName(f: GraphFamilyConfig): { name: string; prefixes: string[] } {
  if (f.family === 'gpt2') return { name: 'wte.weight', prefixes: ['', 'transformer.'] };
  const n = encoderNames(f.encoder.modelType);
  return { name: `${n.wordEmbeddings}.weight`, prefixes: [n.prefix, ''] };
}

async function withCheckpoint<T>(model: ModelDir, work: (checkpoint: Checkpoint, f: GraphFamilyConfig) => Promise<T>): Promise<T> {
  const checkpoint = await Checkpoint.open(model.weightFiles);
  try {
    checkCheckpointAgainstConfig(model.config, checkpoint);
    return await work(checkpoint, graphFamilyConfig(model.config));
  } finally {
    await checkpoint.close();
  }
}

/** The output head's tensors: GPT-2's ln_f and wte; an encoder's MLM transform and decoder. */
export async function readHeadWeights(model: ModelDir): Promise<{ family: GraphFamilyConfig; head: HeadWeights }> {
  return withCheckpoint(model, async (checkpoint, f) => {
    const words = wordEmbeddingName(f);
    if (f.family === 'gpt2') {
      const norm = { weight: await tensor(checkpoint, 'ln_f.weight', words.prefixes), bias: await tensor(checkpoint, 'ln_f.bias', words.prefixes) };
      return { family: f, head: { decoder: await tensor(checkpoint, words.name, words.prefixes), norm } };
    }
    const n = encoderNames(f.encoder.modelType);
    const untied = checkpoint.has(`${n.headDecoder}.weight`);
    const decoder = untied ? await tensor(checkpoint, `${n.headDecoder}.weight`, ['']) : await tensor(checkpoint, words.name, words.prefixes);
    const biasName = checkpoint.has(n.headBias) ? n.headBias : `${n.headDecoder}.bias`;
    return {
      family: f,
      head: {
        decoder,
        decoderBias: await tensor(checkpoint, biasName, ['']),
        norm: { weight: await tensor(checkpoint, `${n.headNorm}.weight`, ['']), bias: await tensor(checkpoint, `${n.headNorm}.bias`, ['']) },
        dense: { weight: await tensor(checkpoint, `${n.headDense}.weight`, ['']), bias: await tensor(checkpoint, `${n.headDense}.bias`, ['']) },
      },
    };
  });
}

/** The static input embeddings: the word embedding table [V, d] (no position, no LayerNorm). */
export interface EmbeddingTable {
  rows: number;
  dim: number;
  data: Float32Array;
  /** The Euclidean norm of each row [V]. */
  norms: Float32Array;
}

export async function readEmbeddingTable(model: ModelDir): Promise<EmbeddingTable> {
  return withCheckpoint(model, async (checkpoint, f) => {
    const words = wordEmbeddingName(f);
    const { dims, data } = await tensor(checkpoint, words.name, words.prefixes);
    const [rows, dim] = dims;
    const norms = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = r * dim; c < (r + 1) * dim; c++) s += data[c] * data[c];
      norms[r] = Math.sqrt(s);
    }
    return { rows, dim, data, norms };
  });
}

const tables = perModel<EmbeddingTable>(() => undefined);

/** The static embedding table of a loaded model, read once and kept until the model is released. */
export function embeddingTableOf(model: LoadedModel): Promise<EmbeddingTable> {
  return tables.get(model, () => readEmbeddingTable(model.model));
}
