/** Attention probabilities of a text: per layer [H, T, T], each row a distribution over the tokens. */
import type { TensorData } from '../runtime/types';
import type { TokenSpan } from '../tokenizers/types';
import { TaskError } from './errors';
import { modelInput, type TaskModel } from './inputs';

export interface AttentionResult {
  tokens: TokenSpan[];
  /** The layers returned, in the order of `attentions`. */
  layers: number[];
  /** One float32 [H, T, T] tensor per layer. */
  attentions: TensorData[];
}

/** Checks layer indices against the model; all layers when `layers` is absent. */
export function checkLayers(model: Pick<TaskModel, 'numLayers' | 'label'>, layers: readonly number[] | undefined): number[] {
  if (layers === undefined) return [...Array(model.numLayers).keys()];
  if (!Array.isArray(layers)) throw new TaskError('layers must be a list of layer numbers');
  for (const l of layers) {
    if (!Number.isInteger(l) || l < 0 || l >= model.numLayers) {
      throw new TaskError(`layer ${String(l)} does not exist: ${model.label} has layers 0 to ${model.numLayers - 1}`);
    }
  }
  return [...layers];
}

/** The array itself when it fills its buffer, else a copy: a view would send its whole buffer over IPC. */
export function ownBuffer(data: Float32Array): Float32Array {
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
}

export async function runAttention(model: TaskModel, text: string, layers?: readonly number[]): Promise<AttentionResult> {
  const wanted = checkLayers(model, layers);
  const { tokens, feeds } = modelInput(model, text);
  const names = wanted.map((l) => `attentions.${l}`);
  const missing = names.filter((n) => !model.session.outputNames.includes(n));
  if (missing.length) throw new TaskError(`the model's graph has no output ${missing.join(', ')} (not an inspect graph)`);
  const outputs = await model.session.run(feeds, names);
  const T = tokens.length;
  const attentions = names.map((name): TensorData => {
    const out = outputs[name];
    if (!out || out.type !== 'float32' || out.data.length !== model.numHeads * T * T) {
      throw new Error(`${name}: expected float32 [1, ${model.numHeads}, ${T}, ${T}], got ${out ? `${out.type} [${out.dims.join(', ')}]` : 'nothing'}`);
    }
    return { type: 'float32', dims: [model.numHeads, T, T], data: ownBuffer(out.data as Float32Array) };
  });
  return { tokens, layers: wanted, attentions };
}
