/** Full-sequence logits of token-id rows (no text, no tokenizer): the inspect graph run on a batch. */
import { feedsForIds, type TaskModel } from './inputs';

export interface IdsLogits {
  /** float32 [B, T, V], row-major. */
  data: Float32Array;
  batch: number;
  length: number;
  vocab: number;
}

export async function logitsOfIds(model: Pick<TaskModel, 'session' | 'hiddenSize' | 'numHeads'>, rows: readonly (readonly number[])[]): Promise<IdsLogits> {
  const outputs = await model.session.run(feedsForIds(model, rows), ['logits']);
  const out = outputs['logits'];
  const B = rows.length, T = rows[0].length;
  if (!out || out.type !== 'float32' || out.dims.length !== 3 || out.dims[0] !== B || out.dims[1] !== T) {
    throw new Error(`logits: expected float32 [${B}, ${T}, V], got ${out ? `${out.type} [${out.dims.join(', ')}]` : 'nothing'}`);
  }
  return { data: out.data as Float32Array, batch: B, length: T, vocab: out.dims[2] };
}

/** Row (b, t) of [B, T, V] logits, as a view. */
export function logitsRow(l: IdsLogits, b: number, t: number): Float32Array {
  const at = (b * l.length + t) * l.vocab;
  return l.data.subarray(at, at + l.vocab);
}
