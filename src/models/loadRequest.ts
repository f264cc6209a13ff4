import { readConfig } from '../config';
import type { ParamsOf } from '../host/protocol';

/** The host's load request for the model folder `dir`: the configured device, GPU and memory bound. */
export function loadRequest(dir: string, limits: { maxModels?: number } = {}): ParamsOf<'model/load'> {
  const { device, gpuId, modelCacheMemoryMB } = readConfig();
  return { spec: dir, device, ...(device === 'cpu' ? {} : { gpuId }), ...limits, maxBytes: modelCacheMemoryMB * 1024 * 1024 };
}
