/** Shared by the model-host tests: a client on the built host bundle running the fake backend. */
import { join } from 'node:path';
import { HostRequestError, ModelHostClient, type ModelHostClientOptions } from '../../src/host/client';
import type { TensorData } from '../../src/engine/runtime/types';

/** out/test/support → repository root. */
export const REPO_ROOT = join(__dirname, '..', '..', '..');
/** The bundle the extension forks (built by scripts/build.mjs before the unit tests run). */
export const HOST_SCRIPT = join(REPO_ROOT, 'dist', 'modelHost.js');

export function fakeHostClient(options: Partial<ModelHostClientOptions> = {}): ModelHostClient {
  return new ModelHostClient({ hostScript: HOST_SCRIPT, backend: 'fake', ...options });
}

/** A client on the built host bundle running onnxruntime-node (the default backend), its graphs cached under `cacheDir`. */
export function onnxHostClient(cacheDir: string): ModelHostClient {
  const env = { ...process.env };
  delete env['TREX_MODEL_BACKEND'];
  return new ModelHostClient({ hostScript: HOST_SCRIPT, env, cacheDir });
}

/** The protocol code of a host error, undefined for anything else. */
export const codeOf = (e: unknown): string | undefined => (e instanceof HostRequestError ? e.code : undefined);

export const f32 = (dims: number[], values: number[]): TensorData => ({ type: 'float32', dims, data: Float32Array.from(values) });
export const i32 = (value: number): TensorData => ({ type: 'int32', dims: [], data: Int32Array.of(value) });
export const i64 = (dims: number[], values: number[]): TensorData => ({
  type: 'int64',
  dims,
  data: BigInt64Array.from(values, (v) => BigInt(v)),
});
