/**
 * config.json against its checkpoint, for the four families (GPT-2, BERT, DistilBERT, RoBERTa and
 * its camembert / xlm-roberta types): every size field bounded and typed, and a config that
 * disagrees with the weights → a one-line ModelConfigError naming the field and the tensor, raised
 * before anything sized by the config is built (no heap exhaustion, no "internal error").
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_MESSAGE_CHARS } from '../../../../src/engine/errorText';
import { checkCheckpointAgainstConfig } from '../../../../src/engine/graph/checkpointCheck';
import { GraphBuildError } from '../../../../src/engine/graph/modelGraph';
import { hfConfigJson, tinyModelWeights, type TinyModelSpec } from '../../../support/tinyModelFolder';
import { ModelConfigError, readModelConfig } from '../../../../src/engine/models/config';
import { readModelCard, type ModelDir } from '../../../../src/engine/models/modelDir';
import { encodeSafetensors, encodeValues, type TensorToWrite } from '../../../../src/engine/models/safetensorsWriter';
import { Checkpoint } from '../../../../src/engine/models/weights';
import { modelGraphPath } from '../../../../src/engine/tasks/openModel';
import { readFixture } from '../../../support/graphGolden';

const root = mkdtempSync(join(tmpdir(), 'trex-config-ckpt-'));
// 160 MB of model folders per run: gone with the run.
after(() => rmSync(root, { recursive: true, force: true }));
let count = 0;

type Family = 'gpt2' | 'bert' | 'distilbert' | 'roberta' | 'camembert' | 'xlm-roberta';
const SPEC_OF: Record<Family, string> = { gpt2: 'gpt2', bert: 'bert', distilbert: 'distilbert', roberta: 'roberta', camembert: 'roberta', 'xlm-roberta': 'roberta' };

function spec(family: Family): TinyModelSpec {
  return readFixture<TinyModelSpec>(`${SPEC_OF[family]}-tiny.spec.json`);
}

/** A model folder of the family's tiny spec: config.json with `overrides` (undefined deletes a key), weights edited by `edit`. */
function modelFolder(family: Family, overrides: Record<string, unknown> = {}, edit?: (w: Map<string, TensorToWrite>) => void): string {
  const s = spec(family);
  const config: Record<string, unknown> = { ...hfConfigJson(s), ...(family === SPEC_OF[family] ? {} : { model_type: family }) };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete config[k];
    else config[k] = v;
  }
  const tensors = new Map<string, TensorToWrite>();
  for (const [name, { dims, data }] of tinyModelWeights(s)) tensors.set(name, { dtype: 'F32', shape: dims, bytes: encodeValues(data, 'F32') });
  edit?.(tensors);
  const dir = join(root, `${family}-${count++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  writeFileSync(join(dir, 'model.safetensors'), encodeSafetensors(Object.fromEntries(tensors)));
  return dir;
}

async function check(dir: string): Promise<void> {
  const config = await readModelConfig(join(dir, 'config.json'));
  const checkpoint = await Checkpoint.open({ kind: 'single', file: join(dir, 'model.safetensors') });
  try {
    checkCheckpointAgainstConfig(config, checkpoint);
  } finally {
    await checkpoint.close();
  }
}

function userError(type: new (m: string) => Error, pattern: RegExp) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof type, `not a ${type.name}: ${String(e)}`);
    assert.match(e.message, pattern);
    assert.ok(!/[\n\r]/.test(e.message) && e.message.length <= MAX_MESSAGE_CHARS, `not one bounded line: ${e.message.slice(0, 200)}`);
    return true;
  };
}

test('the tiny folders of every family pass the check as written', async () => {
  for (const family of Object.keys(SPEC_OF) as Family[]) await check(modelFolder(family));
});

/** A config field that disagrees with the weights, per family: [family, overrides, message]. */
const disagreements: Array<[Family, Record<string, unknown>, RegExp]> = [
  ['gpt2', { n_positions: 2048, n_ctx: 2048 }, /config\.json: "n_positions" is 2048 but "wpe\.weight" in model\.safetensors has 64 rows$/],
  ['gpt2', { vocab_size: 50257 }, /"vocab_size" is 50257 but "wte\.weight" in model\.safetensors has 96 rows$/],
  ['gpt2', { n_embd: 64 }, /"n_embd" is 64 but "wte\.weight" in model\.safetensors has 32 columns$/],
  ['gpt2', { n_layer: 12 }, /"n_layer" is 12 but model\.safetensors holds 2 layers \(h\.0 to h\.1\)$/],
  ['gpt2', { n_layer: 1 }, /"n_layer" is 1 but model\.safetensors holds 2 layers/],
  ['gpt2', { n_layer: 1024 }, /"n_layer" is 1024 but model\.safetensors holds 2 layers/],
  ['gpt2', { n_inner: 100 }, /"n_inner" is 100 but "h\.0\.mlp\.c_fc\.weight" in model\.safetensors has 128 columns$/],
  ['gpt2', { n_embd: undefined, hidden_size: 48, n_head: 4 }, /"hidden_size" is 48 but "wte\.weight"/],
  ['bert', { max_position_embeddings: 512 }, /"max_position_embeddings" is 512 but "bert\.embeddings\.position_embeddings\.weight" in model\.safetensors has 40 rows$/],
  ['bert', { hidden_size: 64 }, /"hidden_size" is 64 but "bert\.embeddings\.word_embeddings\.weight" in model\.safetensors has 32 columns$/],
  ['bert', { intermediate_size: 3072 }, /"intermediate_size" is 3072 but "bert\.encoder\.layer\.0\.intermediate\.dense\.weight" in model\.safetensors has 64 rows$/],
  ['bert', { type_vocab_size: 16 }, /"type_vocab_size" is 16 but "bert\.embeddings\.token_type_embeddings\.weight" in model\.safetensors has 2 rows$/],
  ['bert', { type_vocab_size: 0 }, /"type_vocab_size" is 0 but "bert\.embeddings\.token_type_embeddings\.weight" .* has 2 rows$/],
  ['bert', { num_hidden_layers: 24 }, /"num_hidden_layers" is 24 but model\.safetensors holds 2 layers \(encoder\.layer\.0 to encoder\.layer\.1\)$/],
  ['bert', { vocab_size: 30522 }, /"vocab_size" is 30522 but "bert\.embeddings\.word_embeddings\.weight" in model\.safetensors has 96 rows$/],
  ['distilbert', { max_position_embeddings: 512 }, /"max_position_embeddings" is 512 but "distilbert\.embeddings\.position_embeddings\.weight" .* has 40 rows$/],
  ['distilbert', { max_position_embeddings: undefined }, /"max_position_embeddings" is not set, so 512, but "distilbert\.embeddings\.position_embeddings\.weight" .* has 40 rows$/],
  ['distilbert', { dim: 64 }, /"dim" is 64 but "distilbert\.embeddings\.word_embeddings\.weight" .* has 32 columns$/],
  ['distilbert', { hidden_dim: 3072 }, /"hidden_dim" is 3072 but "distilbert\.transformer\.layer\.0\.ffn\.lin1\.weight" .* has 64 rows$/],
  ['distilbert', { n_layers: 6 }, /"n_layers" is 6 but model\.safetensors holds 2 layers \(transformer\.layer\.0 to transformer\.layer\.1\)$/],
  ['distilbert', { vocab_size: 30522 }, /"vocab_size" is 30522 but "distilbert\.embeddings\.word_embeddings\.weight" .* has 96 rows$/],
  ['roberta', { max_position_embeddings: 514 }, /"max_position_embeddings" is 514 but "roberta\.embeddings\.position_embeddings\.weight" .* has 40 rows$/],
  ['roberta', { type_vocab_size: undefined }, /"type_vocab_size" is not set, so 2, but "roberta\.embeddings\.token_type_embeddings\.weight" .* has 1 rows$/],
  ['camembert', { vocab_size: 32005 }, /"vocab_size" is 32005 but "roberta\.embeddings\.word_embeddings\.weight" .* has 96 rows$/],
  ['camembert', { intermediate_size: 3072 }, /"intermediate_size" is 3072 but "roberta\.encoder\.layer\.0\.intermediate\.dense\.weight"/],
  ['xlm-roberta', { num_hidden_layers: 12 }, /"num_hidden_layers" is 12 but model\.safetensors holds 2 layers/],
  ['xlm-roberta', { hidden_size: 16, num_attention_heads: 4 }, /"hidden_size" is 16 but "roberta\.embeddings\.word_embeddings\.weight" .* has 32 columns$/],
];

test('a config.json that disagrees with its weights names the field and the tensor (ModelConfigError)', async () => {
  for (const [family, overrides, pattern] of disagreements) {
    await assert.rejects(check(modelFolder(family, overrides)), userError(ModelConfigError, pattern), `${family} ${JSON.stringify(overrides)}`);
  }
});

test('a tensor missing or misshapen on its own names the tensor and the file (GraphBuildError)', async () => {
  const cases: Array<[Family, (w: Map<string, TensorToWrite>) => void, RegExp]> = [
    ['gpt2', (w) => w.set('h.1.attn.c_proj.weight', { dtype: 'F32', shape: [32, 16], bytes: new Uint8Array(32 * 16 * 4) }), /^model\.safetensors: tensor "h\.1\.attn\.c_proj\.weight" has shape \[32,16\], but .*config\.json implies \[32, 32\]$/],
    ['gpt2', (w) => w.delete('h.1.ln_2.bias'), /no tensor "h\.1\.ln_2\.bias"/],
    ['gpt2', (w) => w.set('h.0.attn.c_attn.weight', { dtype: 'F32', shape: [32 * 96], bytes: new Uint8Array(32 * 96 * 4) }), /tensor "h\.0\.attn\.c_attn\.weight" has shape \[3072\]/],
    ['bert', (w) => w.delete('bert.encoder.layer.1.output.dense.weight'), /no tensor "bert\.encoder\.layer\.1\.output\.dense\.weight"/],
    ['bert', (w) => w.set('cls.predictions.decoder.weight', { dtype: 'F32', shape: [96, 31], bytes: new Uint8Array(96 * 31 * 4) }), /tensor "cls\.predictions\.decoder\.weight" has shape \[96,31\]/],
    ['distilbert', (w) => w.set('vocab_transform.weight', { dtype: 'F32', shape: [32, 33], bytes: new Uint8Array(32 * 33 * 4) }), /tensor "vocab_transform\.weight" has shape \[32,33\]/],
  ];
  for (const [family, edit, pattern] of cases) await assert.rejects(check(modelFolder(family, {}, edit)), userError(GraphBuildError, pattern), pattern.source);
  // A layer beyond the config's: the checkpoint holds more layers than config.json says.
  const extra = (w: Map<string, TensorToWrite>): void => void w.set('h.7.ln_1.weight', { dtype: 'F32', shape: [32], bytes: new Uint8Array(128) });
  await assert.rejects(check(modelFolder('gpt2', {}, extra)), userError(ModelConfigError, /"n_layer" is 2 but model\.safetensors holds 8 layers \(h\.0 to h\.7\)/));
});

/** The size keys of each family's config.json. */
const SIZE_KEYS: Record<Family, string[]> = {
  gpt2: ['n_layer', 'n_embd', 'n_head', 'n_inner', 'vocab_size', 'n_positions'],
  bert: ['num_hidden_layers', 'hidden_size', 'num_attention_heads', 'intermediate_size', 'vocab_size', 'max_position_embeddings', 'type_vocab_size'],
  distilbert: ['n_layers', 'dim', 'n_heads', 'hidden_dim', 'vocab_size', 'max_position_embeddings'],
  roberta: ['num_hidden_layers', 'hidden_size', 'num_attention_heads', 'intermediate_size', 'vocab_size', 'max_position_embeddings', 'type_vocab_size'],
  camembert: ['num_hidden_layers', 'vocab_size', 'max_position_embeddings'],
  'xlm-roberta': ['hidden_size', 'intermediate_size', 'type_vocab_size'],
};

/** As JSON text: JSON.stringify cannot write the 5,000-deep array that JSON.parse reads. */
const ODD_VALUES: string[] = ['"32"', '32.5', '-1', '1e8', '1e300', '1e999', String(2 ** 53), 'true', '[32]', '{"n": 32}', JSON.stringify('x'.repeat(5_000_000)), `${'['.repeat(5000)}1${']'.repeat(5000)}`];

test('odd values of every size field (strings, floats, negative, huge, nested) → ModelConfigError naming the field', async () => {
  for (const family of Object.keys(SIZE_KEYS) as Family[]) {
    const base = { ...hfConfigJson(spec(family)), ...(family === SPEC_OF[family] ? {} : { model_type: family }) };
    for (const key of SIZE_KEYS[family]) {
      for (const value of ODD_VALUES) {
        const dir = join(root, `odd-${count++}`);
        mkdirSync(dir);
        writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...base, [key]: '<odd>' }).replace('"<odd>"', value));
        await assert.rejects(readModelConfig(join(dir, 'config.json')), userError(ModelConfigError, new RegExp(`"${key}" should be an integer from \\d+ to \\d+, got `)), `${family} ${key}`);
      }
    }
  }
});

test('token ids, epsilons and strings are checked too; JSON that is not JSON is one line', async () => {
  const cases: Array<[Record<string, unknown> | string, RegExp]> = [
    [{ pad_token_id: -1 }, /"pad_token_id" should be a token id from 0 to \d+, got -1/],
    [{ eos_token_id: [1, 2] }, /"eos_token_id" should be a token id .*, got \[1,2\]/],
    [{ bos_token_id: 1e12 }, /"bos_token_id" should be a token id/],
    [{ layer_norm_eps: 'small' }, /"layer_norm_eps" should be a positive number at most 1, got "small"/],
    [{ layer_norm_eps: 5 }, /"layer_norm_eps" should be a positive number at most 1, got 5/],
    [{ hidden_act: { a: 1 } }, /"hidden_act" should be a string, got \{"a":1\}/],
    [{ tie_word_embeddings: 'yes' }, /"tie_word_embeddings" should be true or false/],
    [{ position_embedding_type: `relative\n${'k'.repeat(10_000)}` }, /position_embedding_type "relative\\nk+… \(10009 characters\) is not supported/],
    [{ model_type: `llama\n${'x'.repeat(10_000)}` }, /unsupported model_type "llama\\nx+… \(10006 characters\)/],
    [`{"model_type": "bert",\n\n "hidden_size": NaN}`, /config\.json is not valid JSON \(.*\)$/],
  ];
  const base = hfConfigJson(spec('bert'));
  for (const [edit, pattern] of cases) {
    const dir = join(root, `odd-${count++}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'config.json'), typeof edit === 'string' ? edit : JSON.stringify({ ...base, ...edit }));
    await assert.rejects(readModelConfig(join(dir, 'config.json')), userError(ModelConfigError, pattern), pattern.source);
  }
  // hidden size not divisible by the heads, in each family's words.
  const heads: Array<[Family, Record<string, unknown>, RegExp]> = [
    ['gpt2', { n_head: 5 }, /hidden size 32 \("n_embd"\) is not divisible by the 5 heads \("n_head"\)/],
    ['bert', { num_attention_heads: 3 }, /\("hidden_size"\) is not divisible by the 3 heads \("num_attention_heads"\)/],
    ['distilbert', { n_heads: 64 }, /\("dim"\) is not divisible by the 64 heads \("n_heads"\)/],
  ];
  for (const [family, overrides, pattern] of heads) await assert.rejects(readModelConfig(join(modelFolder(family, overrides), 'config.json')), userError(ModelConfigError, pattern));
});

test('n_layer: 1e8 fails at once, and a config that disagrees stops before any graph is built or cached', async () => {
  const started = Date.now();
  await assert.rejects(readModelConfig(join(modelFolder('gpt2', { n_layer: 1e8 }), 'config.json')), userError(ModelConfigError, /"n_layer" should be an integer from 1 to 1024, got 100000000/));
  assert.ok(Date.now() - started < 2000);
  const cache = join(root, `graphs-${count++}`);
  for (const [family, overrides] of [['gpt2', { n_positions: 2048 }], ['bert', { num_hidden_layers: 1024 }]] as const) {
    const dir = modelFolder(family, overrides);
    const model: ModelDir = { dir, config: await readModelConfig(join(dir, 'config.json')), tokenizerSpec: dir, tokenizerFiles: [], weightFiles: { kind: 'single', file: join(dir, 'model.safetensors') } };
    let built = false;
    await assert.rejects(modelGraphPath(model, cache, { variant: 'inspect' }, () => { built = true; }), userError(ModelConfigError, /config\.json: "(n_positions|num_hidden_layers)" is \d+ but/));
    assert.equal(built, false, 'no graph build started');
  }
  assert.ok(!existsSync(cache) || readdirSync(cache).every((n) => n === 'weights-sha256.json'), 'nothing cached');
});

test('the model card refuses a config that disagrees with the weights', async () => {
  const dir = modelFolder('roberta', { max_position_embeddings: 514 });
  writeFileSync(join(dir, 'tokenizer.json'), '{"model": {"type": "WordLevel", "vocab": {"a": 0}, "unk_token": "a"}}');
  await assert.rejects(readModelCard(dir), userError(ModelConfigError, /"max_position_embeddings" is 514 but "roberta\.embeddings\.position_embeddings\.weight"/));
});
