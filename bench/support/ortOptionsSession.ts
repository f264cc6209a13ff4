/**
 * A CPU session with extra onnxruntime options (intra-op threads, spinning), for the precision
 * bench's thread experiments: the backend's own options (graphOptimizationLevel 'all', CPU
 * provider) plus these, behind the engine's InferenceSession interface.
 */
import * as ort from 'onnxruntime-node';
import type { InferenceSession, TensorData } from '../../src/engine/runtime/types';

export async function sessionWithOptions(path: string, options: { intraOpNumThreads?: number; allowSpinning?: boolean }): Promise<InferenceSession> {
  const session = await ort.InferenceSession.create(path, {
    graphOptimizationLevel: 'all',
    executionProviders: ['cpu'],
    ...(options.intraOpNumThreads === undefined ? {} : { intraOpNumThreads: options.intraOpNumThreads }),
    ...(options.allowSpinning === undefined ? {} : { extra: { session: { intra_op: { allow_spinning: options.allowSpinning ? '1' : '0' } } } }),
  });
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    device: 'cpu',
    async run(feeds: Record<string, TensorData>, fetch: readonly string[]): Promise<Record<string, TensorData>> {
      const inputs: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) inputs[name] = new ort.Tensor(t.type, t.data as Float32Array, t.dims);
      const out = await session.run(inputs, [...fetch]);
      const result: Record<string, TensorData> = {};
      for (const name of fetch) result[name] = { type: out[name].type, dims: [...out[name].dims], data: out[name].data } as TensorData;
      return result;
    },
    release: () => session.release(),
  };
}
