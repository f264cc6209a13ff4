/** Next-token (GPT-2) or masked-LM (encoders) logits of a text: [T, V], or only the rows asked for. */
import type { TensorData } from '../runtime/types';
import type { TokenSpan } from '../tokenizers/types';
import { TaskError } from './errors';
import { ownBuffer } from './attention';
import { modelInput, type TaskModel } from './inputs';
import { topIds } from './softmax';

export interface LogitsResult {
  tokens: TokenSpan[];
  /** The token positions of the rows of `logits`. */
  positions: number[];
  /** float32 [positions.length, V] */
  logits: TensorData;
}

export async function runLogits(model: TaskModel, text: string, positions?: readonly number[]): Promise<LogitsResult> {
  const { tokens, feeds } = modelInput(model, text);
  const T = tokens.length;
  const rows = positions === undefined ? [...Array(T).keys()] : [...positions];
  for (const p of rows) {
    if (!Number.isInteger(p) || p < -T || p >= T) throw new TaskError(`position ${String(p)} is outside the text's ${T} tokens (0 to ${T - 1}, or negative from the end)`);
  }
  const outputs = await model.session.run(feeds, ['logits']);
  const out = outputs['logits'];
  if (!out || out.type !== 'float32' || out.dims.length !== 3 || out.dims[1] !== T) {
    throw new Error(`logits: expected float32 [1, ${T}, V], got ${out ? `${out.type} [${out.dims.join(', ')}]` : 'nothing'}`);
  }
  const V = out.dims[2];
  const all = out.data as Float32Array;
  const at = rows.map((p) => (p < 0 ? T + p : p));
  if (positions === undefined) return { tokens, positions: at, logits: { type: 'float32', dims: [T, V], data: ownBuffer(all) } };
  const data = new Float32Array(at.length * V);
  at.forEach((p, i) => data.set(all.subarray(p * V, (p + 1) * V), i * V));
  return { tokens, positions: at, logits: { type: 'float32', dims: [at.length, V], data } };
}

/** The k largest entries of a row, largest first (ties: smaller id first). */
export function topK(row: Float32Array, k: number): Array<{ id: number; logit: number }> {
  return topIds(row, k).map((id) => ({ id, logit: row[id] }));
}
