import { readConfig } from '../config';
import type { ParamsOf } from '../host/protocol';
import type { WeightPrecision } from '../engine/runtime/types';

/** The host's load request for the model folder `dir`: the configured device, GPU and precision, unless `precision` is given (the memory bound is a host option). */
export function loadRequest(dir: string, precision: WeightPrecision = readConfig().precision): ParamsOf<'model/load'> {
  const { device, gpuId } = readConfig();
  return { spec: dir, device, ...(device === 'cpu' ? {} : { gpuId }), ...(precision === 'float32' ? {} : { precision }) };
}
