/**
 * Which `InferenceBackend` the model host runs on, chosen by `--backend=NAME` or the
 * `TREX_MODEL_BACKEND` environment variable: `onnx` (onnxruntime-node, the default) or `fake`
 * (tests). onnxruntime-node is loaded only when the `onnx` backend is created, so a host on the
 * fake backend never loads the native library.
 */
import type { InferenceBackend } from '../engine/runtime/types';
import { FakeBackend } from '../engine/runtime/fakeBackend';

export const BACKEND_NAMES = ['onnx', 'fake'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** The backend name from the command line (`--backend=NAME`), else the environment, else `onnx`. */
export function backendNameFrom(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const flag = argv.find((a) => a.startsWith('--backend='));
  return flag?.slice('--backend='.length) || env['TREX_MODEL_BACKEND'] || 'onnx';
}

/** Creates the named backend; throws a one-line message naming the known ones otherwise. */
export function createBackend(name: string): InferenceBackend {
  switch (name) {
    case 'onnx': {
      // Lazy: loads the native library now, not when the host starts (esbuild keeps this lazy too).
      const runtime: typeof import('../engine/runtime/onnxRuntime') = require('../engine/runtime/onnxRuntime');
      return new runtime.OnnxRuntimeBackend();
    }
    case 'fake':
      return new FakeBackend();
    default:
      throw new Error(`backend "${name}" is not available in this build (known: ${BACKEND_NAMES.join(', ')})`);
  }
}
