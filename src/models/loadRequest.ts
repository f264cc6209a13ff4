import { readConfig } from '../config';
import type { ParamsOf } from '../host/protocol';

/** The host's load request for the model folder `dir`: the configured device, GPU and precision (the memory bound is a host option). */
export function loadRequest(dir: string): ParamsOf<'model/load'> {
  const { device, gpuId, precision } = readConfig();
  return { spec: dir, device, ...(device === 'cpu' ? {} : { gpuId }), ...(precision === 'float32' ? {} : { precision }) };
}
