/**
 * Hugging Face tensor names of the BERT-like encoder families with a masked-LM head. One table per
 * family so the graph builder and the random-weight generator agree. nn.Linear weights are [out, in].
 */
export type EncoderModelType = 'bert' | 'roberta' | 'distilbert';

export interface EncoderConfig {
  modelType: EncoderModelType;
  vocabSize: number;
  hiddenSize: number;
  nLayer: number;
  nHead: number;
  intermediateSize: number;
  maxPositions: number;
  /** 0 when the family has no token-type embeddings (DistilBERT). */
  typeVocabSize: number;
  layerNormEpsilon: number;
  /** RoBERTa counts positions from pad_token_id + 1 and gives padding the position pad_token_id. */
  padTokenId: number;
}

export interface EncoderLayerNames {
  query: string; key: string; value: string; attentionOutput: string; attentionNorm: string;
  intermediate: string; output: string; outputNorm: string;
}

export interface EncoderNames {
  /** The base-model prefix, also accepted missing (`bert.`, `roberta.`, `distilbert.`). */
  prefix: string;
  wordEmbeddings: string;
  positionEmbeddings: string;
  tokenTypeEmbeddings?: string;
  embeddingNorm: string;
  /** The layers' common root (`encoder.layer`): layer i's tensors are `<layers>.<i>.…`. */
  layers: string;
  layer(i: number): EncoderLayerNames;
  /** MLM head, outside the prefix: dense → GELU → LayerNorm → decoder tied to the word embeddings. */
  headDense: string;
  headNorm: string;
  headBias: string;
  /** An untied decoder weight, used when present. */
  headDecoder: string;
}

const BERT_LAYER = (root: string) => (i: number): EncoderLayerNames => {
  const p = `${root}.${i}`;
  return {
    query: `${p}.attention.self.query`, key: `${p}.attention.self.key`, value: `${p}.attention.self.value`,
    attentionOutput: `${p}.attention.output.dense`, attentionNorm: `${p}.attention.output.LayerNorm`,
    intermediate: `${p}.intermediate.dense`, output: `${p}.output.dense`, outputNorm: `${p}.output.LayerNorm`,
  };
};

export function encoderNames(modelType: EncoderModelType): EncoderNames {
  switch (modelType) {
    case 'bert':
    case 'roberta': {
      const bert = modelType === 'bert';
      return {
        prefix: `${modelType}.`,
        wordEmbeddings: 'embeddings.word_embeddings', positionEmbeddings: 'embeddings.position_embeddings',
        tokenTypeEmbeddings: 'embeddings.token_type_embeddings', embeddingNorm: 'embeddings.LayerNorm',
        layers: 'encoder.layer',
        layer: BERT_LAYER('encoder.layer'),
        headDense: bert ? 'cls.predictions.transform.dense' : 'lm_head.dense',
        headNorm: bert ? 'cls.predictions.transform.LayerNorm' : 'lm_head.layer_norm',
        headBias: bert ? 'cls.predictions.bias' : 'lm_head.bias',
        headDecoder: bert ? 'cls.predictions.decoder' : 'lm_head.decoder',
      };
    }
    case 'distilbert':
      return {
        prefix: 'distilbert.',
        wordEmbeddings: 'embeddings.word_embeddings', positionEmbeddings: 'embeddings.position_embeddings',
        embeddingNorm: 'embeddings.LayerNorm',
        layers: 'transformer.layer',
        layer: (i) => {
          const p = `transformer.layer.${i}`;
          return {
            query: `${p}.attention.q_lin`, key: `${p}.attention.k_lin`, value: `${p}.attention.v_lin`,
            attentionOutput: `${p}.attention.out_lin`, attentionNorm: `${p}.sa_layer_norm`,
            intermediate: `${p}.ffn.lin1`, output: `${p}.ffn.lin2`, outputNorm: `${p}.output_layer_norm`,
          };
        },
        headDense: 'vocab_transform', headNorm: 'vocab_layer_norm', headBias: 'vocab_projector.bias', headDecoder: 'vocab_projector',
      };
  }
}
