/**
 * The machine's read bandwidth, measured the way a decode step reads its weights: onnxruntime's
 * ReduceSum (vectorized, on the same thread pool as a decode session) over a 512 MB float32 tensor
 * that is not in any cache; plus a plain JavaScript loop over the same bytes for comparison.
 * Best of `repeats` after a warm-up, in GB/s (10⁹ bytes).
 */
import { GraphBuilder } from '../../src/engine/graph/onnxBuilder';
import { OnnxRuntimeBackend } from '../../src/engine/runtime/onnxRuntime';
import { now } from './measure';
import { sessionWithOptions } from './ortOptionsSession';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BYTES = 512 * 1024 * 1024;

export interface Bandwidth {
  /** ReduceSum, the decode sessions' default thread pool. */
  ortGBs: number;
  /** ReduceSum, one intra-op thread. */
  ortOneThreadGBs: number;
  /** A JavaScript loop of float64 additions over a Float32Array. */
  jsGBs: number;
}

function reduceSumGraph(): Uint8Array {
  const g = new GraphBuilder('bandwidth');
  const x = g.input('x', 'float32', ['n']);
  g.output('sum', g.op('ReduceSum', [x], { keepdims: 0 }), 'float32', []);
  return g.toBytes();
}

export async function measureBandwidth(repeats = 5): Promise<Bandwidth> {
  const data = new Float32Array(BYTES / 4);
  for (let i = 0; i < data.length; i += 1024) data[i] = 1; // touch every page
  const feeds = { x: { type: 'float32' as const, dims: [data.length], data } };
  const dir = mkdtempSync(join(tmpdir(), 'trex-bandwidth-'));
  const path = join(dir, 'reduce.onnx');
  writeFileSync(path, reduceSumGraph());
  const best = async (run: () => Promise<unknown> | unknown): Promise<number> => {
    let ms = Infinity;
    for (let i = 0; i <= repeats; i++) {
      const t0 = now();
      await run();
      if (i > 0) ms = Math.min(ms, now() - t0);
    }
    return BYTES / (ms / 1000) / 1e9;
  };
  try {
    const session = await new OnnxRuntimeBackend().createSession(path, { device: 'cpu' });
    const ortGBs = await best(() => session.run(feeds, ['sum']));
    await session.release();
    const single = await sessionWithOptions(path, { intraOpNumThreads: 1 });
    const ortOneThreadGBs = await best(() => single.run(feeds, ['sum']));
    await single.release();
    const jsGBs = await best(() => {
      let s = 0;
      for (let i = 0; i < data.length; i++) s += data[i];
      return s;
    });
    return { ortGBs, ortOneThreadGBs, jsGBs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
