/** The transformers.js export: its files, the graph's input metadata it relies on, and the same logits as the golden. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { TinyModelSpec, writeTinyModelFolder } from '../../../support/tinyModelFolder';
import { exportForTransformersJs } from '../../../support/transformersJsExport';
import { OnnxRuntimeBackend } from '../../../../src/engine/runtime/onnxRuntime';
import type { TensorData } from '../../../../src/engine/runtime/types';
import { int64, readFixture, rowsOf } from '../../../support/graphGolden';
import { REPO_ROOT } from '../../../support/repoRoot';

function inputDims(model: Uint8Array): Record<string, Array<string | number>> {
  const decoded = onnx.ModelProto.decode(model);
  const dims: Record<string, Array<string | number>> = {};
  for (const input of decoded.graph?.input ?? []) {
    dims[input.name ?? ''] = (input.type?.tensorType?.shape?.dim ?? []).map((d) => d.dimParam || Number(d.dimValue));
  }
  return dims;
}

test('GPT-2 export: files transformers.js loads, past dims it understands, golden logits', async () => {
  const spec = readFixture<TinyModelSpec & { text: string; inputs: number[][] }>('gpt2-real-vocab.spec.json');
  const work = mkdtempSync(join(tmpdir(), 'trex-export-'));
  const modelDir = join(work, 'tiny-gpt2');
  writeTinyModelFolder(modelDir, spec);
  copyFileSync(join(REPO_ROOT, 'dist', 'tokenizers', 'gpt2.json'), join(modelDir, 'tokenizer.json'));
  const out = await exportForTransformersJs(modelDir, join(work, 'models'), 'tiny-gpt2');
  assert.equal(out, join(work, 'models', 'tiny-gpt2'));
  for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'onnx/model.onnx']) assert.ok(existsSync(join(out, file)), file);
  assert.equal(JSON.parse(readFileSync(join(out, 'tokenizer_config.json'), 'utf8')).tokenizer_class, 'GPT2Tokenizer');
  assert.equal(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).n_head, 4);

  const model = readFileSync(join(out, 'onnx', 'model.onnx'));
  const dims = inputDims(model);
  assert.deepEqual(dims.input_ids, ['batch_size', 'sequence_length']);
  assert.deepEqual(dims.attention_mask, ['batch_size', 'total_sequence_length']);
  assert.deepEqual(dims['past_key_values.1.value'], ['batch_size', 4, 'past_sequence_length', 8]);

  const s = await new OnnxRuntimeBackend().createSession(join(out, 'onnx', 'model.onnx'), { device: 'cpu' });
  assert.ok(!s.outputNames.some((n) => n.startsWith('attentions.')), 'the lean graph');
  const ids = spec.inputs[0];
  const T = ids.length;
  const feeds: Record<string, TensorData> = { input_ids: int64(ids, [1, T]), attention_mask: int64(ids.map(() => 1), [1, T]), position_ids: int64([...ids.keys()], [1, T]) };
  for (let i = 0; i < 2; i++) for (const k of ['key', 'value']) feeds[`past_key_values.${i}.${k}`] = { type: 'float32', dims: [1, 4, 0, 8], data: new Float32Array(0) };
  const logits = await s.run(feeds, ['logits']);
  const golden = readFixture<{ cases: Array<{ argmax: number[] }> }>('gpt2-real-vocab-golden.json').cases[0];
  assert.deepEqual(rowsOf(logits.logits).map((row) => row.indexOf(row.reduce((a, b) => Math.max(a, b), -Infinity))), golden.argmax);
  await s.release();
});

test('BERT export: a tokenizer_config with the mask token and token_type_ids as an input', async () => {
  const spec = readFixture<TinyModelSpec>('bert-real-vocab.spec.json');
  const work = mkdtempSync(join(tmpdir(), 'trex-export-'));
  const modelDir = join(work, 'tiny-bert');
  writeTinyModelFolder(modelDir, spec);
  copyFileSync(join(REPO_ROOT, 'dist', 'tokenizers', 'bert-base-uncased.json'), join(modelDir, 'tokenizer.json'));
  const out = await exportForTransformersJs(modelDir, join(work, 'models'), 'tiny-bert');
  const config = JSON.parse(readFileSync(join(out, 'tokenizer_config.json'), 'utf8'));
  assert.deepEqual([config.tokenizer_class, config.mask_token], ['BertTokenizer', '[MASK]']);
  assert.ok(!existsSync(join(out, 'generation_config.json')));
  assert.deepEqual(Object.keys(inputDims(readFileSync(join(out, 'onnx', 'model.onnx')))), ['input_ids', 'attention_mask', 'token_type_ids']);
});
