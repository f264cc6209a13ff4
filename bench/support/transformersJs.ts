/**
 * The bench workers' peer: @huggingface/transformers (transformers.js), loaded offline
 * (`allowRemoteModels = false`, `localModelPath`) on the export of the same weights, fp32 on the
 * CPU. Only the few calls the workers use are typed here.
 */

export interface TjsTensor {
  dims: number[];
  data: Float32Array | BigInt64Array;
}
export type TjsFeeds = Record<string, TjsTensor>;
export interface TjsTokenizer {
  (text: string): TjsFeeds;
}
export interface TjsModel {
  (feeds: TjsFeeds): Promise<{ logits: TjsTensor }>;
  generate(options: Record<string, unknown>): Promise<TjsTensor>;
  dispose(): Promise<unknown>;
}
/** A pipeline; what it resolves to depends on its task (the caller states it). */
export interface TjsPipeline {
  (text: string, options?: Record<string, unknown>): Promise<unknown>;
  tokenizer: TjsTokenizer;
  model: TjsModel;
  dispose(): Promise<unknown>;
}
export interface Tjs {
  env: { allowRemoteModels: boolean; allowLocalModels: boolean; localModelPath: string };
  pipeline(task: 'fill-mask' | 'text-generation', name: string, options: Record<string, unknown>): Promise<TjsPipeline>;
  AutoTokenizer: { from_pretrained(name: string): Promise<TjsTokenizer> };
  AutoModelForCausalLM: { from_pretrained(name: string, options: Record<string, unknown>): Promise<TjsModel> };
  Tensor: new (type: 'int64', data: BigInt64Array, dims: number[]) => TjsTensor;
}

export const MODEL_OPTIONS = { dtype: 'fp32', device: 'cpu' };

/** transformers.js, reading models only from `root` (offline). */
export async function loadTjs(root: string): Promise<Tjs> {
  const specifier = '@huggingface/transformers';
  const tjs = (await import(specifier)) as Tjs;
  tjs.env.allowRemoteModels = false;
  tjs.env.allowLocalModels = true;
  tjs.env.localModelPath = root.endsWith('/') ? root : `${root}/`;
  return tjs;
}

/** The ids of an int64 tensor (`input_ids`, generate()'s output). */
export const idsOf = (t: TjsTensor): number[] => Array.from(t.data as BigInt64Array, Number);
