/**
 * A tokenizer.json object rebuilt from a SentencePiece model (`sentencepiece.bpe.model`) for the two
 * families that ship one: camembert and xlm-roberta. The result is what the Hugging Face converters
 * (`CamembertConverter`, `XLMRobertaConverter`) write:
 *
 *   model          Unigram over the pieces and their scores, fairseq's ids in front:
 *                    camembert    <s>NOTUSED <pad> </s>NOTUSED <unk> <unk>NOTUSED, pieces[1:], <mask>
 *                    xlm-roberta  <s> <pad> </s> <unk>, pieces[3:], <mask>
 *                  unknown id 3
 *   normalizer     Precompiled (the model's own charsmap), then runs of spaces → one space
 *   pre-tokenizer  Metaspace ▁, always prepended;  post-processor  <s> $A </s>
 */
import { TokenizerError } from './errors';
import { parseSentencePieceModel, SENTENCEPIECE_MODEL_TYPES, type SentencePieceModel } from './sentencePieceModel';

type Json = Record<string, unknown>;

export type SentencePieceStyle = 'camembert' | 'xlm-roberta';

export const SENTENCEPIECE_STYLES: readonly SentencePieceStyle[] = ['camembert', 'xlm-roberta'];

/** The converter style for a folder's config.json model_type / tokenizer_config.json tokenizer_class. */
export function sentencePieceStyle(modelType: unknown, tokenizerClass: unknown): SentencePieceStyle | undefined {
  const cls = typeof tokenizerClass === 'string' ? tokenizerClass.toLowerCase() : '';
  if (modelType === 'camembert' || cls.startsWith('camembert')) return 'camembert';
  if (modelType === 'xlm-roberta' || cls.startsWith('xlmroberta')) return 'xlm-roberta';
  return undefined;
}

function vocabulary(model: SentencePieceModel, style: SentencePieceStyle): Array<[string, number]> {
  const pieces = model.pieces.map((p): [string, number] => [p.piece, p.score]);
  const head: Array<[string, number]> =
    style === 'camembert'
      ? [['<s>NOTUSED', 0], ['<pad>', 0], ['</s>NOTUSED', 0], ['<unk>', 0], ['<unk>NOTUSED', -100]]
      : [['<s>', 0], ['<pad>', 0], ['</s>', 0], ['<unk>', 0]];
  return [...head, ...pieces.slice(style === 'camembert' ? 1 : 3), ['<mask>', 0]];
}

/** The tokenizer.json of a parsed SentencePiece model, in the converter's style. */
export function sentencePieceTokenizerJson(model: SentencePieceModel, style: SentencePieceStyle, where = 'sentencepiece.bpe.model'): Json {
  if (model.modelType !== 1) {
    const kind = SENTENCEPIECE_MODEL_TYPES[model.modelType] ?? `type ${model.modelType}`;
    throw new TokenizerError(`${where} is a SentencePiece ${kind} model; only Unigram models are rebuilt — add the model's tokenizer.json`);
  }
  const vocab = vocabulary(model, style);
  const idOf = (token: string): number => {
    const id = vocab.findIndex(([piece]) => piece === token);
    if (id < 0) throw new TokenizerError(`${where} has no ${token} piece`);
    return id;
  };
  const specials = style === 'camembert'
    ? ['<s>NOTUSED', '<pad>', '</s>NOTUSED', '<unk>', '<unk>NOTUSED', '<s>', '</s>', '<mask>']
    : ['<s>', '<pad>', '</s>', '<unk>', '<mask>'];
  const addedTokens = specials
    .map((content) => ({ id: idOf(content), content, single_word: false, lstrip: content === '<mask>', rstrip: false, normalized: false, special: true }))
    .sort((a, b) => a.id - b.id);
  const [bos, eos] = [idOf('<s>'), idOf('</s>')];
  const charsmap = Buffer.from(model.precompiledCharsmap).toString('base64');
  const collapseSpaces = { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' };
  const metaspace = { replacement: '▁', prepend_scheme: 'always', split: true };
  const special = (id: string) => ({ SpecialToken: { id, type_id: 0 } });
  const sequence = (id: string) => ({ Sequence: { id, type_id: 0 } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: {
      type: 'Sequence',
      normalizers: charsmap === '' ? [collapseSpaces] : [{ type: 'Precompiled', precompiled_charsmap: charsmap }, collapseSpaces],
    },
    pre_tokenizer: { type: 'Metaspace', ...metaspace },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('<s>'), sequence('A'), special('</s>')],
      pair: [special('<s>'), sequence('A'), special('</s>'), special('</s>'), sequence('B'), special('</s>')],
      special_tokens: {
        '<s>': { id: '<s>', ids: [bos], tokens: ['<s>'] },
        '</s>': { id: '</s>', ids: [eos], tokens: ['</s>'] },
      },
    },
    decoder: { type: 'Metaspace', ...metaspace },
    model: { type: 'Unigram', unk_id: 3, vocab, byte_fallback: false },
  };
}

/** Parses the model file's bytes and rebuilds its tokenizer.json. */
export function tokenizerJsonFromSentencePiece(bytes: Uint8Array, style: SentencePieceStyle, where: string): Json {
  return sentencePieceTokenizerJson(parseSentencePieceModel(bytes, where), style, where);
}
