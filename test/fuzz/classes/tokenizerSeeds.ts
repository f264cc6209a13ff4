/**
 * Valid tokenizer.json files cases start from: the bundled GPT-2 and BERT ones (built into
 * dist/tokenizers), the built-in models', the test fixtures' (WordPiece, Unigram), and smaller
 * ones derived from them so that most cases load in milliseconds: GPT-2 and BERT cut to their
 * first tokens, a RoBERTa-style and a WordLevel one, and the camembert SentencePiece model rebuilt.
 */
import { byteLevelBpeTokenizerJson } from '../../../src/engine/tokenizers/fromVocabFiles';
import { tokenizerJsonFromSentencePiece } from '../../../src/engine/tokenizers/fromSentencePiece';
import { isPlainObject, registerRef, type Json } from '../mutate/jsonEdits';
import { once, repoFile, repoJson } from '../seeds';

type Obj = { [key: string]: Json };

/** Base name → how often cases start from it. */
export const TOKENIZER_BASES: ReadonlyArray<readonly [string, number]> = [
  ['file:test/fixtures/wordpiece-toy/tokenizer.json', 12], ['file:test/fixtures/unigram-toy/tokenizer.json', 12],
  ['file:models/trex-bert-kjv/tokenizer.json', 8], ['file:models/trex-gpt2-kjv/tokenizer.json', 6],
  ['gen:gpt2-small', 12], ['gen:bert-small', 8], ['gen:roberta-small', 8], ['gen:wordlevel', 8], ['gen:camembert', 5],
  ['file:dist/tokenizers/gpt2.json', 0.5], ['file:dist/tokenizers/bert-base-uncased.json', 0.5],
];

/** GPT-2 cut to its byte alphabet and the first `merges` merges (ids renumbered in order). */
function gpt2Small(merges = 400): { vocab: Record<string, number>; merges: string[] } {
  const full = repoJson('dist/tokenizers/gpt2.json') as Obj;
  const model = full.model as Obj;
  const byId = Object.entries(model.vocab as Record<string, number>).sort((a, b) => a[1] - b[1]);
  const kept = new Set(byId.filter(([, id]) => id < 256).map(([t]) => t));
  const keptMerges: string[] = [];
  for (const m of (model.merges as string[]).slice(0, merges)) {
    const [a, b] = m.split(' ');
    if (kept.has(a) && kept.has(b)) {
      kept.add(a + b);
      keptMerges.push(m);
    }
  }
  const vocab: Record<string, number> = {};
  for (const [token] of byId) if (kept.has(token)) vocab[token] = Object.keys(vocab).length;
  return { vocab, merges: keptMerges };
}

function gpt2SmallJson(): Obj {
  const full = repoJson('dist/tokenizers/gpt2.json') as Obj;
  const { vocab, merges } = gpt2Small();
  const eot = Object.keys(vocab).length;
  const added = { id: eot, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: true, special: true };
  return { ...full, added_tokens: [added], model: { ...(full.model as Obj), vocab: { ...vocab, '<|endoftext|>': eot }, merges } };
}

function robertaSmallJson(): Obj {
  const { vocab, merges } = gpt2Small(300);
  const n = Object.keys(vocab).length;
  const withSpecials = { '<s>': 0, '<pad>': 1, '</s>': 2, '<unk>': 3, ...Object.fromEntries(Object.entries(vocab).map(([t, id]) => [t, id + 4])), '<mask>': n + 4 };
  return byteLevelBpeTokenizerJson(withSpecials, merges, 'roberta', true) as Obj;
}

function bertSmallJson(size = 3000): Obj {
  const full = repoJson('dist/tokenizers/bert-base-uncased.json') as Obj;
  const model = full.model as Obj;
  const vocab = Object.fromEntries(Object.entries(model.vocab as Record<string, number>).filter(([, id]) => id < size));
  const added = (full.added_tokens as Obj[]).filter((t) => (t.id as number) < size);
  return { ...full, added_tokens: added, model: { ...model, vocab } };
}

function wordLevelJson(): Obj {
  const words = ['[UNK]', 'hello', 'world', 'the', 'quick', 'brown', 'fox', 'le', 'café', ',', '.', '!', 'a', 'b', 'c', 'd'];
  return {
    version: '1.0', truncation: null, padding: null,
    added_tokens: [{ id: 0, content: '[UNK]', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
    normalizer: { type: 'Lowercase' }, pre_tokenizer: { type: 'Whitespace' }, post_processor: null, decoder: null,
    model: { type: 'WordLevel', vocab: Object.fromEntries(words.map((w, i) => [w, i])), unk_token: '[UNK]' },
  };
}

function camembertJson(): Obj {
  return tokenizerJsonFromSentencePiece(repoFile('test/fixtures/camembert-spm/sentencepiece.bpe.model'), 'camembert', 'sentencepiece.bpe.model') as Obj;
}

export function tokenizerBase(name: string): Json {
  return once(`tok:${name}`, (): Json => {
    switch (name) {
      case 'gen:gpt2-small': return gpt2SmallJson();
      case 'gen:roberta-small': return robertaSmallJson();
      case 'gen:bert-small': return bertSmallJson();
      case 'gen:wordlevel': return wordLevelJson();
      case 'gen:camembert': return camembertJson();
      default:
        if (name.startsWith('file:')) return repoJson(name.slice(5));
        throw new Error(`fuzz: unknown tokenizer base ${name}`);
    }
  });
}

/** The camembert model's charsmap (base64), for cases that move it into another tokenizer. */
export function camembertCharsmap(): string {
  const normalizer = (tokenizerBase('gen:camembert') as Obj).normalizer as Obj;
  const first = (normalizer.normalizers as Obj[]).find((n) => n.type === 'Precompiled');
  return isPlainObject(first ?? null) ? String((first as Obj).precompiled_charsmap) : '';
}

registerRef('camembert-charsmap', camembertCharsmap);
