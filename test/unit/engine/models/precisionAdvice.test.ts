import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { advisePrecision, type ModelSize } from '../../../../src/engine/models/precisionAdvice';

const GiB = 2 ** 30;
/** GPT-2's published shapes: exact parameter counts, vocabulary 50,257, 1,024 positions. */
const gpt2 = (parameters: number, hiddenSize: number): ModelSize => ({ parameters, hiddenSize, vocabSize: 50257, contextLength: 1024 });
const SMALL = gpt2(124_439_808, 768);
const LARGE = gpt2(774_030_080, 1280);
const XL = gpt2(1_557_611_200, 1600);

test('weights per precision: float32 is 4 bytes a parameter; int4 of the gpt2-xl shape matches the graph measured on disk (1.24 GiB)', () => {
  const a = advisePrecision(XL, 24 * GiB);
  assert.equal(a.weightBytes.float32, 4 * XL.parameters);
  assert.ok(Math.abs(a.weightBytes.int4 / GiB - 1.24) < 0.02, `${a.weightBytes.int4 / GiB} GiB`);
  assert.ok(a.weightBytes.int4 < a.weightBytes.int8 && a.weightBytes.int8 < a.weightBytes.float32);
  assert.equal(a.float32LoadBytes, 2 * a.weightBytes.float32);
});

test('a 24 GiB machine: GPT-2-small and -large stay float32, the xl shape is offered int8', () => {
  assert.equal(advisePrecision(SMALL, 24 * GiB).suggested, 'float32');
  assert.equal(advisePrecision(LARGE, 24 * GiB).suggested, 'float32');
  assert.equal(advisePrecision(XL, 24 * GiB).suggested, 'int8');
});

test('smaller machines: -large is offered int8 on 16 GiB, the xl shape int4 on 8 GiB', () => {
  assert.equal(advisePrecision(LARGE, 16 * GiB).suggested, 'int8');
  assert.equal(advisePrecision(XL, 8 * GiB).suggested, 'int4');
  assert.equal(advisePrecision(SMALL, 8 * GiB).suggested, 'float32');
});
