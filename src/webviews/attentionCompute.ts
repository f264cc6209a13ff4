import type { HeadChoice } from '../engine/attention/analysis';
import { contentLimit as modelContentLimit, fitWindow, isCut, windowLines, type CursorWindow } from '../engine/attention/cursorWindow';
import { dequantizeBlocks } from '../engine/attention/quantize';
import { revisionOfFolder } from '../engine/attention/snapshot';
import type { TokenSpan } from '../engine/tokenizers/types';
import type { TokenizerService } from '../editor/tokenizerService';
import type { AttentionViewResult } from '../host/attentionViewHandlers';
import { HostRequestError } from '../host/protocol';
import type { ModelHostService } from '../models/modelHostService';
import type { ModelInfo } from '../models/modelTypes';
import type { AttentionModelView, AttentionWindowView, GridResult, GroupOptionsView } from '../protocol/attention';

/** The viewer stops at this many tokens (the 1,024), or the model's context when shorter. */
export const MAX_VIEW_TOKENS = 1024;

export interface ComputedAttention {
  /** The analysis, kept in the model host: ask it for what is drawn. */
  analysis: HostAnalysis;
  tokens: TokenSpan[];
  /** The text analysed: the source's window around the cursor when the source is longer than the model's context. */
  text: string;
  /** Where `text` lies in the source's text (`window.start`) and which tokens it holds. */
  window: CursorWindow;
  /** What the view says of the window, when the text is cut. */
  windowView?: AttentionWindowView;
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

/** A text to analyse: `cursor` is a character offset in it; `firstLine` (1-based) the document line of its first character; `clipped` when it is itself a part of a longer text. */
export interface SourceText {
  text: string;
  cursor: number;
  firstLine?: number;
  clipped?: boolean;
}

/** The tokens the viewer shows of a text: the model's context without its special tokens, and at most MAX_VIEW_TOKENS. */
export function contentLimit(model: Pick<ModelInfo, 'family' | 'contextLength'>): number {
  return modelContentLimit(model, MAX_VIEW_TOKENS);
}

/**
 * The part of `source` the model reads: all of it when its tokens (with the model's special
 * tokens) fit the model and the viewer, else a window of tokens centred on the cursor's, cut at
 * token boundaries (engine/attention/cursorWindow.ts).
 */
export async function fitToContext(tokenizers: TokenizerService, model: ModelInfo, source: SourceText): Promise<{ text: string; window: CursorWindow; windowView?: AttentionWindowView }> {
  const tokenizer = await tokenizers.load(model.tokenizerSpec, 'background');
  const { window, text } = fitWindow((t) => tokenizer.encode(t, { special: false }).tokens, source.text, source.cursor, contentLimit(model));
  if (!isCut(window) && !source.clipped) return { text, window };
  const { fromLine, toLine } = windowLines(source.text, window, source.firstLine ?? 1);
  const windowView: AttentionWindowView = {
    firstToken: window.first + 1,
    lastToken: window.first + window.count,
    totalTokens: window.total,
    more: source.clipped === true,
    fromLine,
    toLine,
  };
  return { text, window, windowView };
}

/**
 * One text's attention as the model host keeps it (host/attentionViewHandlers.ts): the extension
 * holds its id and asks for what it draws. When the host no longer keeps it (`unknownAnalysis`:
 * evicted by newer texts, or the host restarted), the text is analysed again, once, and the
 * request retried; with `reload`, also when the host lost the model (`unknownModel`): on the
 * model `reload` gives.
 */
export class HostAnalysis {
  private again: Promise<string> | undefined;

  constructor(
    private readonly host: ModelHostService,
    private modelValue: ModelInfo,
    readonly text: string,
    private id: string,
    readonly numLayers: number,
    readonly numHeads: number,
    private readonly reload?: () => Promise<ModelInfo>,
  ) {}

  get model(): ModelInfo {
    return this.modelValue;
  }

  get causal(): boolean {
    return this.model.family === 'gpt2';
  }

  /** One layer's grouped matrices, one per head choice (float32). */
  view(layer: number, heads: readonly HeadChoice[], options: GroupOptionsView): Promise<AttentionViewResult> {
    const { hideSpecial, mergeSubwords } = options;
    return this.call((analysisId) => this.host.request('attention/view', { modelId: this.model.modelId, analysisId, layer, heads: [...heads], hideSpecial, mergeSubwords }));
  }

  /** The model view's thumbnails (crossing as bytes, returned as values) and the heads' statistics: every layer's, or `layer`'s only. */
  async grid(max: number, options: GroupOptionsView, layer?: number): Promise<GridResult> {
    const { hideSpecial, mergeSubwords } = options;
    const params = { max, hideSpecial, mergeSubwords, ...(layer === undefined ? {} : { layer }) };
    const r = await this.call((analysisId) => this.host.request('attention/grid', { modelId: this.model.modelId, analysisId, ...params }));
    return { side: r.side, thumbs: dequantizeBlocks(r.thumbs, r.scales), stats: r.stats };
  }

  /** Token `row`'s attention over the tokens (not grouped) for a layer and head choice. */
  async row(layer: number, head: HeadChoice, row: number): Promise<Float32Array> {
    return (await this.call((analysisId) => this.host.request('attention/row', { modelId: this.model.modelId, analysisId, layer, head, row }))).weights;
  }

  private async call<T>(work: (analysisId: string) => Promise<T>): Promise<T> {
    const id = this.id;
    try {
      return await work(id);
    } catch (e) {
      const lostModel = e instanceof HostRequestError && e.code === 'unknownModel' && this.reload !== undefined;
      if (!(e instanceof HostRequestError && e.code === 'unknownAnalysis') && !lostModel) throw e;
      if (this.id === id) {
        this.again ??= (async () => {
          if (lostModel && this.reload) this.modelValue = await this.reload();
          return (await this.host.request('attention/analyse', { modelId: this.model.modelId, text: this.text })).analysisId;
        })();
        try {
          this.id = await this.again;
        } finally {
          this.again = undefined;
        }
      }
      return work(this.id);
    }
  }
}

/** Analyses `source` (its window around the cursor when it is longer than the model reads) with `model` in the model host (kept there); cancelled with `signal`. */
export async function computeAttention(
  host: ModelHostService,
  tokenizers: TokenizerService,
  model: ModelInfo,
  source: string | SourceText,
  signal: AbortSignal,
  reload?: () => Promise<ModelInfo>,
): Promise<ComputedAttention> {
  const { text, window, windowView } = await fitToContext(tokenizers, model, typeof source === 'string' ? { text: source, cursor: 0 } : source);
  const started = Date.now();
  const result = await host.request('attention/analyse', { modelId: model.modelId, text }, { signal });
  const modelMs = Date.now() - started;
  const analysis = new HostAnalysis(host, model, text, result.analysisId, result.numLayers, result.numHeads, reload);
  return { analysis, tokens: result.tokens, text, window, ...(windowView ? { windowView } : {}), modelMs };
}
