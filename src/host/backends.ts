/**
 * Which `InferenceBackend` the model host runs on: `onnx` (onnxruntime-node), the only one a
 * production host knows, chosen by `--backend=NAME` or TREX_MODEL_BACKEND. onnxruntime-node is
 * loaded only when the backend is created, so a host that never runs a model never loads it.
 *
 * Test hook: `--test-module=/abs/path.js` loads a module (from test/support, never shipped) that may
 * supply its own backend (the fake one) and test-only methods beside the protocol's. Nothing of a
 * test backend is in the production bundle.
 */
import { createRequire } from 'node:module';
import type { InferenceBackend } from '../engine/runtime/types';
import type { RequestContext } from './requestKit';

export const BACKEND_NAMES = ['onnx'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Creates the named backend; throws a one-line message naming the known ones otherwise. */
export function createBackend(name: string): InferenceBackend {
  switch (name) {
    case 'onnx': {
      // Lazy: loads the native library now, not when the host starts (esbuild keeps this lazy too).
      const runtime: typeof import('../engine/runtime/onnxRuntime') = require('../engine/runtime/onnxRuntime');
      return new runtime.OnnxRuntimeBackend();
    }
    default:
      throw new Error(`backend "${name}" is not available in this build (known: ${BACKEND_NAMES.join(', ')})`);
  }
}

/** A test-only method: params checked by itself, errors with a protocol `code` pass through. */
export type TestMethod = (params: Record<string, unknown>, ctx: RequestContext) => Promise<unknown>;

/** What a `--test-module` may export. */
export interface TestModule {
  /** Its backend's name, said in `host/configure`'s answer. */
  backendName?: string;
  /** The backend the host runs instead of the named one. */
  createBackend?(): InferenceBackend;
  /** Methods tests call beside the protocol's (`backend` throws `backendUnavailable` like the host's). */
  createTestMethods?(backend: () => InferenceBackend): Record<string, TestMethod>;
}

/** Loads a `--test-module` (an absolute path to a built .js file). */
export function loadTestModule(path: string): TestModule {
  return createRequire(__filename)(path) as TestModule;
}
