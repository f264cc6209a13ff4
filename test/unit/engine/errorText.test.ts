/** Error text from untrusted values: bounded, one line, never recursive past a small depth. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_MESSAGE_CHARS, oneLine, quoteValue } from '../../../src/engine/errorText';

test('quoteValue renders small values as JSON', () => {
  assert.equal(quoteValue('F32'), '"F32"');
  assert.equal(quoteValue([1, 2]), '[1,2]');
  assert.equal(quoteValue({ a: null }), '{"a":null}');
  assert.equal(quoteValue(undefined), 'undefined');
  assert.equal(quoteValue('a\nb'), '"a\\nb"');
});

test('quoteValue cuts long strings, wide arrays and deep nesting', () => {
  const long = quoteValue('x'.repeat(5_000_000));
  assert.ok(long.length < 120, long);
  assert.match(long, /\(5000000 characters\)$/);
  assert.equal(quoteValue(Array.from({ length: 20 }, (_, i) => i)), '[0,1,2,3,4,5,6,7,…]');
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.equal(quoteValue(deep), '[[[[…]]]]');
  const wide = quoteValue({ k: 'y'.repeat(70), l: 'z'.repeat(70) });
  assert.ok(wide.length <= 81 && wide.endsWith('…'), wide);
});

test('oneLine flattens control characters and bounds the length', () => {
  assert.equal(oneLine('a\nb\r\nc\u2028d'), 'a b c d');
  const cut = oneLine('e'.repeat(10_000));
  assert.equal(cut.length, MAX_MESSAGE_CHARS);
  assert.ok(cut.endsWith('…'));
});
