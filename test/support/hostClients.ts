/**
 * Shared by the model-host tests: clients on the built host bundle, running the fake backend or
 * onnxruntime-node. The fake backend and the test-only `session/*` methods reach the host through
 * its test hook (`testModule`: test/support/fakeBackend.ts, sessionMethods.ts, built to out/).
 */
import { join } from 'node:path';
import { HostRequestError, ModelHostClient, type ModelHostClientOptions } from '../../src/host/client';
import type { TensorData } from '../../src/engine/runtime/types';
import { REPO_ROOT } from './repoRoot';

/** The bundle the extension forks (built by scripts/build.mjs before the unit tests run). */
export const HOST_SCRIPT = join(REPO_ROOT, 'dist', 'modelHost.js');

/** The test modules the host loads with `--test-module=` (built by tsc into out/test/support). */
export const FAKE_BACKEND_MODULE = join(REPO_ROOT, 'out', 'test', 'support', 'fakeBackend.js');
export const SESSION_METHODS_MODULE = join(REPO_ROOT, 'out', 'test', 'support', 'sessionMethods.js');

export function fakeHostClient(options: Partial<ModelHostClientOptions> = {}): ModelHostClient {
  return new ModelHostClient({ hostScript: HOST_SCRIPT, testModule: FAKE_BACKEND_MODULE, ...options });
}

/**
 * A client on the built host bundle running onnxruntime-node (the default backend), its graphs cached
 * under `cacheDir`, with `options` (the model-cache limits, the session methods' test module).
 */
export function onnxHostClient(cacheDir: string, options: Partial<ModelHostClientOptions> = {}): ModelHostClient {
  const env = { ...process.env };
  delete env['TREX_MODEL_BACKEND'];
  return new ModelHostClient({ hostScript: HOST_SCRIPT, env, cacheDir, ...options });
}

/** The host's state (`host/configure` without changes): pid, backend, models open, limits. */
export const hostState = (client: ModelHostClient) => client.request('host/configure', {});

/** The protocol code of a host error, undefined for anything else. */
export const codeOf = (e: unknown): string | undefined => (e instanceof HostRequestError ? e.code : undefined);

export const f32 = (dims: number[], values: number[]): TensorData => ({ type: 'float32', dims, data: Float32Array.from(values) });
export const i32 = (value: number): TensorData => ({ type: 'int32', dims: [], data: Int32Array.of(value) });
export const i64 = (dims: number[], values: number[]): TensorData => ({
  type: 'int64',
  dims,
  data: BigInt64Array.from(values, (v) => BigInt(v)),
});
