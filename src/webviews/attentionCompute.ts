import * as vscode from 'vscode';
import { AttentionAnalysis } from '../engine/attention/analysis';
import { revisionOfFolder } from '../engine/attention/snapshot';
import type { TokenSpan } from '../engine/tokenizers/types';
import type { TokenizerService } from '../editor/tokenizerService';
import type { ModelHostService } from '../models/modelHostService';
import type { ModelInfo } from '../models/modelTypes';
import type { AttentionModelView } from '../protocol/attention';

/** The viewer stops at this many tokens (the 512), or the model's context when shorter. */
export const MAX_VIEW_TOKENS = 512;

export interface ComputedAttention {
  analysis: AttentionAnalysis;
  tokens: TokenSpan[];
  /** The text analysed: cut to the model's context when longer. */
  text: string;
  truncated: boolean;
  modelMs: number;
}

export function modelView(model: ModelInfo): AttentionModelView {
  const revision = revisionOfFolder(model.dir);
  return {
    label: model.label,
    family: model.family,
    causal: model.family === 'gpt2',
    numLayers: model.numLayers,
    numHeads: model.numHeads,
    ...(revision ? { revision } : {}),
  };
}

/** Cuts `text` so that its tokens (with the model's special tokens) fit the model and the viewer. */
export async function fitToContext(tokenizers: TokenizerService, model: ModelInfo, text: string): Promise<{ text: string; truncated: boolean }> {
  const tokenizer = await tokenizers.load(model.tokenizerSpec, 'background');
  const content = tokenizer.encode(text, { special: false }).tokens;
  const specials = model.family === 'gpt2' ? 0 : 2;
  const limit = Math.min(model.contextLength, MAX_VIEW_TOKENS) - specials;
  if (content.length <= limit) return { text, truncated: false };
  return { text: text.slice(0, content[limit].start).trimEnd(), truncated: true };
}

/** Every layer's attention of `text` for `model`, from the model host; cancelled with `signal`. */
export async function computeAttention(
  host: ModelHostService,
  tokenizers: TokenizerService,
  model: ModelInfo,
  source: string,
  signal: AbortSignal,
): Promise<ComputedAttention> {
  const { text, truncated } = await fitToContext(tokenizers, model, source);
  const started = Date.now();
  const result = await host.request('model/attention', { modelId: model.modelId, text }, { signal });
  const modelMs = Date.now() - started;
  const layers = result.attentions.map((a) => {
    if (!(a.data instanceof Float32Array)) throw new Error(vscode.l10n.t('The model host sent attention that is not float32.'));
    return a.data;
  });
  const analysis = new AttentionAnalysis({ text, tokens: result.tokens, layers, numHeads: model.numHeads, causal: model.family === 'gpt2' });
  return { analysis, tokens: result.tokens, text, truncated, modelMs };
}
