/**
 * config.json of each supported checkpoint (as published on the Hub) → the normalized
 * ModelConfig; unknown model types and broken files → one-line ModelConfigError; parameter counts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelConfigError, parseModelConfig, readModelConfig, type ModelConfig } from '../../../../src/engine/models/config';
import { countParameters, courseEstimate, type TensorShapeInfo } from '../../../../src/engine/models/paramCount';

const gpt2 = {
  activation_function: 'gelu_new', architectures: ['GPT2LMHeadModel'], attn_pdrop: 0.1, bos_token_id: 50256, embd_pdrop: 0.1,
  eos_token_id: 50256, initializer_range: 0.02, layer_norm_epsilon: 1e-5, model_type: 'gpt2', n_ctx: 1024, n_embd: 768,
  n_head: 12, n_layer: 12, n_positions: 1024, resid_pdrop: 0.1, summary_activation: null, vocab_size: 50257,
};
const bertBaseUncased = {
  architectures: ['BertForMaskedLM'], attention_probs_dropout_prob: 0.1, hidden_act: 'gelu', hidden_dropout_prob: 0.1,
  hidden_size: 768, initializer_range: 0.02, intermediate_size: 3072, layer_norm_eps: 1e-12, max_position_embeddings: 512,
  model_type: 'bert', num_attention_heads: 12, num_hidden_layers: 12, pad_token_id: 0, position_embedding_type: 'absolute',
  type_vocab_size: 2, vocab_size: 30522,
};
const distilbert = {
  activation: 'gelu', architectures: ['DistilBertForMaskedLM'], attention_dropout: 0.1, dim: 768, dropout: 0.1, hidden_dim: 3072,
  max_position_embeddings: 512, model_type: 'distilbert', n_heads: 12, n_layers: 6, pad_token_id: 0, sinusoidal_pos_embds: false,
  tie_weights_: true, vocab_size: 30522,
};
const robertaBase = {
  architectures: ['RobertaForMaskedLM'], bos_token_id: 0, eos_token_id: 2, hidden_act: 'gelu', hidden_size: 768,
  intermediate_size: 3072, layer_norm_eps: 1e-5, max_position_embeddings: 514, model_type: 'roberta', num_attention_heads: 12,
  num_hidden_layers: 12, pad_token_id: 1, type_vocab_size: 1, vocab_size: 50265,
};

const rows: Array<{ name: string; json: Record<string, unknown>; expect: Partial<ModelConfig> }> = [
  { name: 'gpt2', json: gpt2, expect: { family: 'gpt2', numLayers: 12, hiddenSize: 768, numHeads: 12, intermediateSize: 3072, vocabSize: 50257, maxPositions: 1024, positionTableSize: 1024, positionOffset: 0, typeVocabSize: 0, layerNormEps: 1e-5, activation: 'gelu_new', bosTokenId: 50256, eosTokenId: 50256, tieWordEmbeddings: true } },
  { name: 'distilgpt2', json: { ...gpt2, n_layer: 6, architectures: ['GPT2LMHeadModel'] }, expect: { family: 'gpt2', numLayers: 6, hiddenSize: 768 } },
  { name: 'gpt2-medium', json: { ...gpt2, n_embd: 1024, n_head: 16, n_layer: 24, n_special: 0 }, expect: { family: 'gpt2', numLayers: 24, hiddenSize: 1024, numHeads: 16, intermediateSize: 4096 } },
  { name: 'gpt2 with n_inner and relu', json: { ...gpt2, n_inner: 100, activation_function: 'relu' }, expect: { intermediateSize: 100, activation: 'relu' } },
  { name: 'bert-base-uncased', json: bertBaseUncased, expect: { family: 'bert', modelType: 'bert', numLayers: 12, hiddenSize: 768, numHeads: 12, intermediateSize: 3072, vocabSize: 30522, maxPositions: 512, positionTableSize: 512, positionOffset: 0, typeVocabSize: 2, layerNormEps: 1e-12, activation: 'gelu', padTokenId: 0 } },
  { name: 'bert-base-multilingual-cased', json: { ...bertBaseUncased, vocab_size: 119547, directionality: 'bidi', pooler_type: 'first_token_transform' }, expect: { family: 'bert', vocabSize: 119547 } },
  { name: 'distilbert-base-uncased', json: distilbert, expect: { family: 'distilbert', numLayers: 6, hiddenSize: 768, numHeads: 12, intermediateSize: 3072, vocabSize: 30522, maxPositions: 512, typeVocabSize: 0, layerNormEps: 1e-12, activation: 'gelu', padTokenId: 0 } },
  { name: 'roberta-base', json: robertaBase, expect: { family: 'roberta', modelType: 'roberta', vocabSize: 50265, maxPositions: 512, positionTableSize: 514, positionOffset: 2, typeVocabSize: 1, layerNormEps: 1e-5, padTokenId: 1, bosTokenId: 0, eosTokenId: 2 } },
  { name: 'camembert-base', json: { ...robertaBase, architectures: ['CamembertForMaskedLM'], model_type: 'camembert', bos_token_id: 5, eos_token_id: 6, vocab_size: 32005 }, expect: { family: 'roberta', modelType: 'camembert', vocabSize: 32005, positionOffset: 2, maxPositions: 512 } },
  { name: 'xlm-roberta-base', json: { ...robertaBase, model_type: 'xlm-roberta', vocab_size: 250002 }, expect: { family: 'roberta', modelType: 'xlm-roberta', vocabSize: 250002 } },
];

test('config.json of each supported checkpoint normalizes to the same field names', () => {
  for (const { name, json, expect } of rows) {
    const config = parseModelConfig(json, `${name}/config.json`);
    for (const [key, value] of Object.entries(expect)) {
      assert.deepEqual(config[key as keyof ModelConfig], value, `${name}: ${key}`);
    }
    assert.equal(config.hiddenSize % config.numHeads, 0);
  }
});

function configError(json: unknown, pattern: RegExp): void {
  assert.throws(() => parseModelConfig(json, 'm/config.json'), (e: unknown) => {
    assert.ok(e instanceof ModelConfigError, `not a ModelConfigError: ${String(e)}`);
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes('\n'));
    return true;
  });
}

test('unknown model_type names the supported ones; missing or wrong fields are named', () => {
  configError({ model_type: 'llama', hidden_size: 4096 }, /^unsupported model_type "llama" in m\/config\.json \(supported: gpt2, bert, distilbert, roberta, camembert, xlm-roberta\)$/);
  configError({ n_embd: 768 }, /has no "model_type" \(supported: gpt2, bert/);
  configError([1], /is not a JSON object/);
  configError({ ...gpt2, n_embd: undefined }, /missing "n_embd" or "hidden_size"/);
  configError({ ...gpt2, n_head: 0 }, /"n_head" should be an integer from 1 to 1024, got 0/);
  configError({ ...gpt2, n_head: 10 }, /hidden size 768 \("n_embd"\) is not divisible by the 10 heads \("n_head"\)/);
  configError({ ...bertBaseUncased, layer_norm_eps: 'small' }, /"layer_norm_eps" should be a positive number/);
  configError({ ...bertBaseUncased, position_embedding_type: 'relative_key' }, /position_embedding_type "relative_key" is not supported/);
  configError({ ...gpt2, scale_attn_by_inverse_layer_idx: true }, /scale_attn_by_inverse_layer_idx.*not supported/);
  configError({ ...distilbert, dim: 'wide' }, /"dim" should be an integer/);
});

test('readModelConfig: a missing or broken config.json is a clear error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trex-config-'));
  await assert.rejects(readModelConfig(join(dir, 'config.json')), (e: unknown) => e instanceof ModelConfigError && /^no config\.json: .*config\.json does not exist$/.test(e.message));
  writeFileSync(join(dir, 'config.json'), '{"model_type": "gpt2",');
  await assert.rejects(readModelConfig(join(dir, 'config.json')), /config\.json is not valid JSON/);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(gpt2));
  assert.equal((await readModelConfig(join(dir, 'config.json'))).numLayers, 12);
});

/** The tensors of GPT-2's model.safetensors (shapes only), with the causal-mask buffers some copies store. */
function gpt2Tensors(L: number, d: number, V: number, P: number, extras: { buffers: boolean; lmHead: boolean }): TensorShapeInfo[] {
  const list: Array<[string, number[]]> = [['wte.weight', [V, d]], ['wpe.weight', [P, d]]];
  for (let i = 0; i < L; i++) {
    const h = `h.${i}`;
    list.push([`${h}.ln_1.weight`, [d]], [`${h}.ln_1.bias`, [d]], [`${h}.attn.c_attn.weight`, [d, 3 * d]], [`${h}.attn.c_attn.bias`, [3 * d]]);
    list.push([`${h}.attn.c_proj.weight`, [d, d]], [`${h}.attn.c_proj.bias`, [d]], [`${h}.ln_2.weight`, [d]], [`${h}.ln_2.bias`, [d]]);
    list.push([`${h}.mlp.c_fc.weight`, [d, 4 * d]], [`${h}.mlp.c_fc.bias`, [4 * d]], [`${h}.mlp.c_proj.weight`, [4 * d, d]], [`${h}.mlp.c_proj.bias`, [d]]);
    if (extras.buffers) list.push([`${h}.attn.bias`, [1, 1, P, P]], [`${h}.attn.masked_bias`, []]);
  }
  list.push(['ln_f.weight', [d]], ['ln_f.bias', [d]]);
  if (extras.lmHead) list.push(['lm_head.weight', [V, d]]);
  return list.map(([name, shape]) => {
    const numel = shape.reduce((a, b) => a * b, 1);
    return { name, dtype: 'F32', shape, numel, byteLength: numel * 4 };
  });
}

test('parameter count of GPT-2 small: exactly 124,439,808, course estimate 123,532,032; buffers and the tied head left out', () => {
  const config = parseModelConfig(gpt2);
  assert.equal(courseEstimate(config), 12 * 12 * 768 * 768 + 50257 * 768);
  const plain = countParameters(gpt2Tensors(12, 768, 50257, 1024, { buffers: false, lmHead: false }), config);
  assert.equal(plain.exact, 124_439_808);
  assert.equal(plain.estimate, 123_532_032);
  assert.equal(plain.bytes, 124_439_808 * 4);
  assert.deepEqual(plain.byDtype, { F32: 124_439_808 });
  const withExtras = countParameters(gpt2Tensors(12, 768, 50257, 1024, { buffers: true, lmHead: true }), config);
  assert.equal(withExtras.exact, 124_439_808);
  assert.deepEqual(withExtras.tied, ['lm_head.weight']);
  assert.equal(withExtras.buffers.length, 24);
  const untied = countParameters(gpt2Tensors(12, 768, 50257, 1024, { buffers: true, lmHead: true }), { ...config, tieWordEmbeddings: false });
  assert.equal(untied.exact, 124_439_808 + 50257 * 768);
  // gpt2-medium: 354,823,168 parameters.
  const medium = parseModelConfig({ ...gpt2, n_embd: 1024, n_head: 16, n_layer: 24 });
  assert.equal(countParameters(gpt2Tensors(24, 1024, 50257, 1024, { buffers: false, lmHead: false }), medium).exact, 354_823_168);
});

test('BERT: position_ids buffers (I64) are not parameters; the MLM decoder tied to the word embeddings counts once', () => {
  const config = parseModelConfig({ ...bertBaseUncased, num_hidden_layers: 1, hidden_size: 4, num_attention_heads: 2, intermediate_size: 8, vocab_size: 10 });
  const t = (name: string, shape: number[], dtype: TensorShapeInfo['dtype'] = 'F16'): TensorShapeInfo => {
    const numel = shape.reduce((a, b) => a * b, 1);
    return { name, dtype, shape, numel, byteLength: numel * (dtype === 'I64' ? 8 : 2) };
  };
  const counts = countParameters([
    t('bert.embeddings.word_embeddings.weight', [10, 4]),
    t('bert.embeddings.position_ids', [1, 512], 'I64'),
    t('cls.predictions.decoder.weight', [10, 4]),
    t('cls.predictions.bias', [10]),
  ], config);
  assert.equal(counts.exact, 50);
  assert.equal(counts.bytes, 100);
  assert.deepEqual(counts.buffers, ['bert.embeddings.position_ids']);
  assert.deepEqual(counts.tied, ['cls.predictions.decoder.weight']);
});
