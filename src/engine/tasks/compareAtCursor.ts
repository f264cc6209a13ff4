/**
 * BERT vs GPT at the cursor: for the word under the cursor, a masked model predicts it from both
 * sides (the word replaced by one mask per token, see maskWord) and a causal model predicts it
 * from the left context only (after `<|endoftext|>`). Both report the probability of the word
 * actually written — the joint probability of its tokens, filled left to right — and the rank of
 * its first token.
 */
import { TaskError } from './errors';
import { fillMask, maskWord } from './fillMask';
import { logitsOfIds, logitsRow } from './idsLogits';
import type { TaskModel } from './inputs';
import { logSumExp, rankOf, topIds } from './softmax';
import { endOfTextId, tokenChoice } from './tokenText';
import type { AlignedToken, CompareAtCursorResult } from './taskTypes';
import type { TextTokenizer } from '../tokenizers/textTokenizer';

/** Characters shown on each side of the word in the aligned tokens. */
const CONTEXT_CHARS = 48;

/** The stretch around the word: up to CONTEXT_CHARS on each side, cut at spaces, within the line. */
export function contextAround(text: string, word: { start: number; end: number }): { start: number; end: number; text: string } {
  const lineStart = text.lastIndexOf('\n', word.start - 1) + 1;
  const lineEnd = text.indexOf('\n', word.end) < 0 ? text.length : text.indexOf('\n', word.end);
  let start = Math.max(lineStart, word.start - CONTEXT_CHARS);
  let end = Math.min(lineEnd, word.end + CONTEXT_CHARS);
  if (start > lineStart) start = Math.min(word.start, text.indexOf(' ', start) + 1 || word.start);
  if (end < lineEnd) end = Math.max(word.end, text.lastIndexOf(' ', end));
  return { start, end, text: text.slice(start, end) };
}

/** The tokenizer's tokens of `text` that lie within `context` (ordinary tokens only). */
function alignedTokens(tokenizer: TextTokenizer, text: string, context: { start: number; end: number }, word: { start: number; end: number }): AlignedToken[] {
  return tokenizer
    .encode(text)
    .tokens.filter((t) => !t.special && t.start >= context.start && t.end <= context.end && t.end > t.start)
    .map((t) => ({ token: t.token, id: t.id, start: t.start, end: t.end, inWord: t.start < word.end && t.end > word.start }));
}

const WORD_CHAR = /[\p{L}\p{N}\p{M}_'’-]/u;

/** The word around `offset` (letters, digits, apostrophes, hyphens), or undefined. */
export function wordAt(text: string, offset: number): { start: number; end: number; text: string } | undefined {
  let start = Math.max(0, Math.min(offset, text.length));
  let end = start;
  while (start > 0 && WORD_CHAR.test(text[start - 1])) start--;
  while (end < text.length && WORD_CHAR.test(text[end])) end++;
  return start < end ? { start, end, text: text.slice(start, end) } : undefined;
}

export async function compareAtCursor(masked: TaskModel, causal: TaskModel, text: string, offset: number, topK = 10): Promise<CompareAtCursorResult> {
  if (causal.family !== 'gpt2') throw new TaskError(`${causal.label} is not a causal model: the GPT side needs a GPT-2-family model`);
  const word = wordAt(text, offset);
  if (!word) throw new TaskError('no word at the cursor: put the cursor on a word');

  const m = maskWord(masked, text, word.start, word.end);
  const filled = await fillMask(masked, m.text, { topK, targets: [word.text] });
  const target = filled.targets[0];
  const maskedSide = { model: masked.label, candidates: filled.masks[0].candidates, originalProb: target.prob, originalRank: target.rank };

  // GPT: the tokens of the text up to the word's end; the word's tokens are those overlapping it.
  const upTo = causal.tokenizer.encode(text.slice(0, word.end)).tokens;
  const firstOfWord = upTo.findIndex((t) => t.end > word.start && !t.special);
  const left = upTo.slice(0, firstOfWord).map((t) => t.id);
  const wordIds = upTo.slice(firstOfWord).map((t) => t.id);
  const bos = endOfTextId(causal.tokenizer);
  const room = causal.contextLength - wordIds.length - (bos === undefined ? 0 : 1);
  if (room < 0) throw new TaskError(`the word is longer than ${causal.label}'s context`);
  const context = [...(bos === undefined ? [] : [bos]), ...left.slice(Math.max(0, left.length - room))];
  if (context.length === 0) throw new TaskError('the word is at the start of the text and the causal model has no start token to predict it from');
  const ids = [...context, ...wordIds];
  const logits = await logitsOfIds(causal, [ids]);
  let prob = 1;
  let rank = 0;
  let candidates: CompareAtCursorResult['causal']['candidates'] = [];
  wordIds.forEach((id, j) => {
    const row = logitsRow(logits, 0, context.length - 1 + j);
    const lse = logSumExp(row);
    prob *= Math.exp(row[id] - lse);
    if (j === 0) {
      rank = rankOf(row, id);
      candidates = topIds(row, topK).map((c) => tokenChoice(causal.tokenizer, c, Math.exp(row[c] - lse)));
    }
  });
  const around = contextAround(text, word);
  return {
    word,
    context: around,
    maskedTokens: alignedTokens(masked.tokenizer, text, around, word),
    causalTokens: alignedTokens(causal.tokenizer, text, around, word),
    masked: maskedSide,
    causal: { model: causal.label, candidates, originalProb: prob, originalRank: rank },
  };
}
