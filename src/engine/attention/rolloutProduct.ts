/**
 * The rollout's steps in onnxruntime (multithreaded, vectorised) rather than in JavaScript: one
 * graph takes a layer's attention `[H, n, n]` and the rollout so far `[n, n]` and gives
 * `((mean over heads + I) / 2, rows renormalised) · rollout` (rollout.ts's formula), with a dynamic
 * side. One session per backend, opened on the first rollout and kept for the host's life (it holds
 * no weights). Host side only (it builds an ONNX graph); analysis.ts's JavaScript path
 * (matrix.ts's `multiply`) stays the reference and the fallback.
 */
import { GraphBuilder } from '../graph/onnxBuilder';
import type { InferenceBackend, InferenceSession } from '../runtime/types';
import type { SquareMatrix } from './matrix';

/** `rolled [n, n] = withResidual(mean_h attn [H, n, n]) · prev [n, n]`. */
export function rolloutStepGraphBytes(): Uint8Array {
  const g = new GraphBuilder('attention_rollout_step');
  const attn = g.input('attn', 'float32', ['heads', 'n', 'n']);
  const prev = g.input('prev', 'float32', ['n', 'n']);
  const mean = g.op('ReduceMean', [attn], { axes: [0], keepdims: 0 });
  const half = g.scalar('half', 0.5);
  const residual = g.op('Add', [g.op('Mul', [mean, half]), g.op('Mul', [g.op('EyeLike', [mean]), half])]);
  const rows = g.op('ReduceSum', [residual, g.int64('row_axis', [1])], { keepdims: 1 });
  const normalized = g.op('Div', [residual, rows]);
  g.output('rolled', g.op('MatMul', [normalized, prev]), 'float32', ['n', 'n']);
  return g.toBytes();
}

const sessions = new WeakMap<InferenceBackend, Promise<InferenceSession>>();

/** One step of the rollout through the backend's session (opened once per backend). */
export type RolloutStep = (attn: Float32Array, heads: number, prev: SquareMatrix) => Promise<SquareMatrix>;

export function sessionRolloutStep(backend: InferenceBackend): RolloutStep {
  return async (attn, heads, prev) => {
    const n = prev.n;
    if (attn.length !== heads * n * n) throw new RangeError(`attention of ${attn.length} values for ${heads} heads of ${n}×${n}`);
    let session = sessions.get(backend);
    if (!session) {
      session = backend.createSession(rolloutStepGraphBytes(), { device: 'cpu' });
      sessions.set(backend, session);
      session.catch(() => sessions.delete(backend));
    }
    const out = await (await session).run({ attn: { type: 'float32', dims: [heads, n, n], data: attn }, prev: { type: 'float32', dims: [n, n], data: prev.data } }, ['rolled']);
    const data = out['rolled']?.data;
    if (!(data instanceof Float32Array) || data.length !== n * n) throw new Error('the rollout session returned no float32 [n, n]');
    return { n, data };
  };
}
