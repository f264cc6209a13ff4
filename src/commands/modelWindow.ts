import type { TokenizerService } from '../editor/tokenizerService';
import { tokenWindow, type CharRange, type TokenWindow } from '../editor/contextWindow';
import type { ModelInfo } from '../models/modelTypes';

/**
 * The part of `text` that `model` can read in one pass and that holds `keep` (see tokenWindow):
 * the text is tokenized here with the model's own tokenizer, and the limit is its context (at
 * most `maxTokens`) less the special tokens an encoder adds ([CLS], [SEP]). `limit` is what the
 * model reads at most.
 */
export async function modelWindow(tokenizers: TokenizerService, model: ModelInfo, text: string, keep: CharRange, maxTokens: number): Promise<TokenWindow & { limit: number }> {
  const tokenizer = await tokenizers.load(model.tokenizerSpec, 'background');
  const tokens = tokenizer.encode(text, { special: false }).tokens;
  const limit = Math.min(model.contextLength, maxTokens) - (model.family === 'gpt2' ? 0 : 2);
  return { ...tokenWindow(tokens, text.length, keep, limit), limit };
}
