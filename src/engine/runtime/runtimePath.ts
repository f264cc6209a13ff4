/**
 * `TREX_ONNXRUNTIME_PATH`: the folder of another copy of onnxruntime-node for the model host to
 * load — the copy in the extension's storage that **Enable GPU Acceleration** completed with the
 * CUDA provider (see cudaProviderInstall.ts). Without it, the onnxruntime-node next to the extension.
 * In its own file so the extension side can name it without loading the runtime.
 */
export const ONNXRUNTIME_PATH_ENV = 'TREX_ONNXRUNTIME_PATH';
