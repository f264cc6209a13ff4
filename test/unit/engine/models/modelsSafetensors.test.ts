/**
 * The safetensors reader: round trips of files written here (every dtype), float16/bfloat16
 * conversion edge cases, sharded checkpoints, and every kind of damaged file → a one-line
 * SafetensorsError naming the problem.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SafetensorsError, SafetensorsFile, MAX_HEADER_BYTES, type SafetensorsDtype } from '../../../../src/engine/models/safetensors';
import { encodeSafetensors, encodeValues, float32ToBfloat16Bits, float32ToFloat16Bits } from '../../../../src/engine/models/safetensorsWriter';
import { Checkpoint, toFloat16Bits, toFloat32 } from '../../../../src/engine/models/weights';

const dir = mkdtempSync(join(tmpdir(), 'trex-safetensors-'));
let counter = 0;
function write(bytes: Uint8Array, name = `f${counter++}.safetensors`, folder = dir): string {
  const path = join(folder, name);
  writeFileSync(path, bytes);
  return path;
}

/** A file with a hand-written header (as JSON text) and `dataBytes` zero bytes of data. */
function rawFile(header: string, dataBytes: number, declaredLength?: number): Uint8Array {
  const json = Buffer.from(header, 'utf8');
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(declaredLength ?? json.length), true);
  out.set(json, 8);
  return out;
}

async function rejects(bytes: Uint8Array, pattern: RegExp): Promise<void> {
  const path = write(bytes);
  await assert.rejects(SafetensorsFile.open(path), (e: unknown) => {
    assert.ok(e instanceof SafetensorsError, `not a SafetensorsError: ${String(e)}`);
    assert.match(e.message, pattern);
    assert.ok(e.message.includes(path), `message does not name the file: ${e.message}`);
    assert.ok(!e.message.includes('\n'), `not one line: ${e.message}`);
    return true;
  });
}

test('round trip: every dtype, shapes incl. scalar and empty, metadata, file order', async () => {
  const cases: Array<[string, SafetensorsDtype, number[], number[]]> = [
    ['f64', 'F64', [2], [1.5, -1e300]],
    ['f32', 'F32', [2, 3], [0, 1, -2, 3.25, 1e-30, -7]],
    ['f16', 'F16', [3], [1, -0.5, 65504]],
    ['bf16', 'BF16', [2], [1, -256]],
    ['i64', 'I64', [2], [-3, 2 ** 40]],
    ['i32', 'I32', [1, 2], [-7, 123456]],
    ['i16', 'I16', [1], [-300]],
    ['i8', 'I8', [2], [-128, 127]],
    ['u8', 'U8', [3], [0, 1, 255]],
    ['bool', 'BOOL', [2], [1, 0]],
    ['scalar', 'F32', [], [42]],
    ['empty', 'F16', [0, 4], []],
  ];
  const tensors = Object.fromEntries(cases.map(([name, dtype, shape, values]) => [name, { dtype, shape, bytes: encodeValues(values, dtype) }]));
  const path = write(encodeSafetensors(tensors, { format: 'pt', note: 'héllo' }));
  const file = await SafetensorsFile.open(path);
  try {
    assert.deepEqual(file.metadata, { format: 'pt', note: 'héllo' });
    assert.deepEqual(file.names(), cases.map((c) => c[0]));
    for (const [name, dtype, shape, values] of cases) {
      const info = file.info(name);
      assert.equal(info.dtype, dtype);
      assert.deepEqual(info.shape, shape);
      assert.equal(info.numel, values.length);
      const raw = await file.read(name);
      assert.deepEqual([...toFloat32(raw)], values.map((v) => Math.fround(v)), name);
    }
    assert.throws(() => file.info('nope'), /no tensor named "nope"/);
  } finally {
    await file.close();
  }
  await assert.rejects(file.read('f32'), /after close/);
});

test('float16 → float32: zeros, subnormals, normals, max, inf, NaN — all 65,536 patterns round-trip', () => {
  const halves = new Uint16Array(65536).map((_, i) => i);
  const values = toFloat32({ dtype: 'F16', bytes: new Uint8Array(halves.buffer) });
  const known: Array<[number, number]> = [
    [0x0000, 0], [0x3c00, 1], [0xc000, -2], [0x7bff, 65504], [0x0001, 2 ** -24], [0x03ff, 1023 * 2 ** -24],
    [0x0400, 2 ** -14], [0x7c00, Infinity], [0xfc00, -Infinity], [0x3555, 0.333251953125],
  ];
  for (const [bits, value] of known) assert.equal(values[bits], value, `0x${bits.toString(16)}`);
  assert.ok(Object.is(values[0x8000], -0), '0x8000 is -0');
  assert.ok(Number.isNaN(values[0x7e00]) && Number.isNaN(values[0xfc01]));
  let nans = 0;
  for (let h = 0; h < 65536; h++) {
    if (Number.isNaN(values[h])) {
      nans++;
      assert.equal(float32ToFloat16Bits(values[h]) & 0x7c00, 0x7c00);
      continue;
    }
    assert.equal(float32ToFloat16Bits(values[h]), h, `0x${h.toString(16)} does not round-trip`);
  }
  assert.equal(nans, 2 * 1023);
});

test('float32 → float16 rounds to nearest even, overflows to inf, underflows to (signed) zero', () => {
  assert.equal(float32ToFloat16Bits(1 + 2 ** -11), 0x3c00); // tie → even (down)
  assert.equal(float32ToFloat16Bits(1 + 3 * 2 ** -11), 0x3c02); // tie → even (up)
  assert.equal(float32ToFloat16Bits(65520), 0x7c00); // rounds past max → inf
  assert.equal(float32ToFloat16Bits(1e6), 0x7c00);
  assert.equal(float32ToFloat16Bits(2 ** -25), 0x0000); // half of the smallest subnormal: tie → 0
  assert.equal(float32ToFloat16Bits(1.5 * 2 ** -25), 0x0001);
  assert.equal(float32ToFloat16Bits(-1e-10), 0x8000);
});

test('bfloat16 ↔ float32: exact widening, rounding to nearest even, inf and NaN', () => {
  const bits = [0x3f80, 0xc380, 0x0001, 0x8001, 0x7f7f, 0x7f80, 0xff80, 0x7fc0, 0x0000, 0x8000];
  const values = toFloat32({ dtype: 'BF16', bytes: new Uint8Array(new Uint16Array(bits).buffer) });
  assert.deepEqual([...values.slice(0, 2)], [1, -256]);
  assert.equal(values[2], 2 ** -133); // subnormal
  assert.equal(values[3], -(2 ** -133));
  assert.equal(values[4], 3.3895313892515355e38);
  assert.deepEqual([values[5], values[6]], [Infinity, -Infinity]);
  assert.ok(Number.isNaN(values[7]));
  assert.ok(Object.is(values[9], -0));
  for (let i = 0; i < bits.length; i++) if (i !== 7) assert.equal(float32ToBfloat16Bits(values[i]), bits[i]);
  assert.equal(float32ToBfloat16Bits(1 + 2 ** -8), 0x3f80); // tie → even
  assert.equal(float32ToBfloat16Bits(1 + 3 * 2 ** -8), 0x3f82);
  assert.equal(float32ToBfloat16Bits(NaN) & 0x7fc0, 0x7fc0);
});

test('F32 reads are views of the freshly read bytes (no second copy); unaligned bytes still convert', () => {
  const bytes = encodeValues([1, 2, 3], 'F32');
  const view = toFloat32({ dtype: 'F32', bytes });
  assert.equal(view.buffer, bytes.buffer);
  const shifted = new Uint8Array(13);
  shifted.set(bytes, 1);
  assert.deepEqual([...toFloat32({ dtype: 'F32', bytes: shifted.subarray(1) })], [1, 2, 3]);
  const halfShifted = new Uint8Array(7);
  halfShifted.set(encodeValues([0.5, -3, 8], 'F16'), 1);
  assert.deepEqual([...toFloat32({ dtype: 'F16', bytes: halfShifted.subarray(1) })], [0.5, -3, 8]);
});

test('damaged files: each gives a one-line SafetensorsError naming the file and the problem', async () => {
  const good = encodeSafetensors({ a: { dtype: 'F32', shape: [2, 2], bytes: encodeValues([1, 2, 3, 4], 'F32') } });
  await rejects(new Uint8Array(0), /shorter than the 8-byte header length/);
  await rejects(new Uint8Array([1, 2, 3]), /shorter than the 8-byte header length/);
  await rejects(good.subarray(0, good.length - 3), /cover 16 of the 13 data bytes|past the end/);
  await rejects(good.subarray(0, 20), /points past the end of the file/);
  await rejects(rawFile('{}', 0, 1e12), /larger than the 100000000-byte limit/);
  await rejects(rawFile('{"a":1}', 0, 500), /points past the end of the file \(\d+ bytes; truncated\?\)/);
  const garbage = new Uint8Array(64).map((_, i) => (i * 37 + 11) & 0xff);
  new DataView(garbage.buffer).setBigUint64(0, 20n, true);
  await rejects(garbage, /not valid UTF-8|does not start with "\{"/);
  await rejects(rawFile('{"a": {"dtype": "F32",', 0), /not valid JSON/);
  await rejects(rawFile('[1, 2]', 0), /does not start with "\{"/);
  // The reference refuses a byte-order mark: it is not "{" (TextDecoder would drop it silently).
  await rejects(rawFile('\ufeff{}', 0), /does not start with "\{"/);
  await rejects(rawFile('{"__metadata__": {"n": 3}}', 0), /__metadata__\.n is not a string/);
  await rejects(rawFile('{"a": {"dtype": "F8_E4M3", "shape": [1], "data_offsets": [0, 1]}}', 1), /tensor "a": unsupported dtype "F8_E4M3" \(supported: F64, F32, F16, BF16/);
  await rejects(rawFile('{"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}', 4), /shape \[-1\] is not a list of non-negative integers/);
  await rejects(rawFile('{"a": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}}', 4), /not a list of non-negative integers/);
  await rejects(rawFile('{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}', 4), /point past the end of the file/);
  await rejects(rawFile('{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}', 4), /holds 4 bytes but shape \[2\] of F32 needs 8/);
  await rejects(rawFile('{"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}}', 4), /end before they begin/);
  await rejects(rawFile('{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0]}}', 4), /not a pair of non-negative integers/);
  await rejects(
    rawFile('{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}', 8),
    /tensor "b" overlaps the tensor before it/,
  );
  await rejects(rawFile('{"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}', 8), /gap in the data section before tensor "a"/);
  await rejects(rawFile('{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}', 12), /cover 4 of the 12 data bytes/);
  await rejects(rawFile('{"a": "F32"}', 0), /tensor "a": entry is not an object/);
  assert.equal(MAX_HEADER_BYTES, 100_000_000);
  await assert.rejects(SafetensorsFile.open(join(dir, 'missing.safetensors')), /cannot open .*missing\.safetensors: ENOENT/);
});

test('tensors listed out of offset order are accepted and returned in file order', async () => {
  const header = '{"late": {"dtype": "U8", "shape": [2], "data_offsets": [2, 4]}, "early": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]}}';
  const bytes = rawFile(header, 4);
  bytes.set([1, 2, 3, 4], bytes.length - 4);
  const file = await SafetensorsFile.open(write(bytes));
  assert.deepEqual(file.names(), ['early', 'late']);
  assert.deepEqual([...(await file.read('late')).bytes], [3, 4]);
  await file.close();
});

test('sharded checkpoint: names resolve across shards, each shard opened once; missing shard or tensor → clear error', async () => {
  const folder = join(dir, 'sharded');
  mkdirSync(folder);
  const t = (values: number[], dtype: SafetensorsDtype = 'F32') => ({ dtype, shape: [values.length], bytes: encodeValues(values, dtype) });
  write(encodeSafetensors({ 'wte.weight': t([1, 2]), 'h.0.w': t([3], 'F16') }), 'model-00001-of-00002.safetensors', folder);
  write(encodeSafetensors({ 'h.1.w': t([4, 5, 6], 'BF16') }), 'model-00002-of-00002.safetensors', folder);
  const weightMap = { 'wte.weight': 'model-00001-of-00002.safetensors', 'h.0.w': 'model-00001-of-00002.safetensors', 'h.1.w': 'model-00002-of-00002.safetensors' };
  const index = join(folder, 'model.safetensors.index.json');
  writeFileSync(index, JSON.stringify({ metadata: { total_size: 18 }, weight_map: weightMap }));
  const ckpt = await Checkpoint.open({ kind: 'sharded', index });
  try {
    assert.deepEqual(ckpt.names(), ['wte.weight', 'h.0.w', 'h.1.w']);
    assert.equal(ckpt.filePaths().length, 2);
    assert.equal(ckpt.info('h.1.w').file, join(folder, 'model-00002-of-00002.safetensors'));
    assert.deepEqual([...(await ckpt.readFloat32('h.1.w')).data], [4, 5, 6]);
    assert.deepEqual([...(await ckpt.readFloat32('h.0.w')).data], [3]);
    assert.deepEqual((await ckpt.readFloat32('wte.weight')).shape, [2]);
    assert.throws(() => ckpt.info('lm_head.weight'), /no tensor named "lm_head.weight"/);
  } finally {
    await ckpt.close();
  }
  const writeIndex = (map: unknown) => writeFileSync(index, JSON.stringify({ weight_map: map }));
  writeIndex({ ...weightMap, 'h.2.w': 'model-00003-of-00003.safetensors' });
  await assert.rejects(Checkpoint.open({ kind: 'sharded', index }), /lists shards that are missing from .*: model-00003-of-00003\.safetensors/);
  writeIndex({ ...weightMap, 'h.9.w': 'model-00002-of-00002.safetensors' });
  await assert.rejects(Checkpoint.open({ kind: 'sharded', index }), /maps "h\.9\.w" to model-00002-of-00002\.safetensors, which has no such tensor/);
  writeIndex({ 'a': '../elsewhere.safetensors' });
  await assert.rejects(Checkpoint.open({ kind: 'sharded', index }), /is not a file name in the folder/);
  writeIndex({});
  await assert.rejects(Checkpoint.open({ kind: 'sharded', index }), /the weight_map is empty/);
  writeFileSync(index, '{"metadata": {}}');
  await assert.rejects(Checkpoint.open({ kind: 'sharded', index }), /no "weight_map" object/);
  writeFileSync(index, 'not json');
  await assert.rejects(Checkpoint.open({ kind: 'sharded', index }), /cannot read the shard index/);
});

test('the format documentation examples (Python bindings tests) read as written', async () => {
  const header = '{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}';
  assert.equal(header.length, 0x3c); // the documented length byte '<'
  const plain = rawFile(header, 16);
  plain.set([1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0], plain.length - 16);
  const file = await SafetensorsFile.open(write(plain));
  assert.deepEqual([...toFloat32(await file.read('test'))], [1, 2, 3, 4]);
  await file.close();
  const withMetadata = `{"__metadata__":{"framework":"pt"},"test1":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}${' '.repeat(7)}`;
  assert.equal(withMetadata.length, 0x66); // the documented length byte 'f' (JSON + 7 spaces)
  const meta = await SafetensorsFile.open(write(rawFile(withMetadata, 16)));
  assert.deepEqual(meta.metadata, { framework: 'pt' });
  assert.deepEqual(meta.info('test1').shape, [2, 2]);
  await meta.close();
  // Our writer pads its header with spaces to a multiple of 8 bytes (95 → 96 here).
  const ours = encodeSafetensors({ test1: { dtype: 'I32', shape: [2, 2], bytes: new Uint8Array(16) } }, { framework: 'pt' });
  assert.equal(new DataView(ours.buffer).getBigUint64(0, true), 96n);
  assert.equal(Buffer.from(ours.subarray(8, 8 + 96)).toString('utf8'), `${withMetadata.trimEnd()} `);
  assert.equal(ours.length, 8 + 96 + 16);
});

test('a float16 / bfloat16 checkpoint reads as float32 weights; buffers left out; names resolve with a prefix', async () => {
  const values = [0.1, -2.5, 1e-5, 60000, -0.0001, 3];
  const path = write(encodeSafetensors({
    'transformer.wte.weight': { dtype: 'F16', shape: [2, 3], bytes: encodeValues(values, 'F16') },
    'transformer.wpe.weight': { dtype: 'BF16', shape: [3, 2], bytes: encodeValues(values, 'BF16') },
    'transformer.h.0.attn.bias': { dtype: 'BOOL', shape: [1, 1, 2, 2], bytes: encodeValues([1, 0, 1, 1], 'BOOL') },
    'transformer.h.0.attn.c_attn.bias': { dtype: 'F32', shape: [6], bytes: encodeValues(values, 'F32') },
  }));
  const ckpt = await Checkpoint.open({ kind: 'single', file: path });
  try {
    assert.equal(ckpt.resolve('wte.weight', ['', 'transformer.']), 'transformer.wte.weight');
    assert.equal(ckpt.resolve('lm_head.weight', ['', 'transformer.']), undefined);
    const map = await ckpt.readFloat32Map();
    assert.deepEqual([...map.keys()], ['transformer.wte.weight', 'transformer.wpe.weight', 'transformer.h.0.attn.c_attn.bias']);
    const wte = map.get('transformer.wte.weight');
    assert.deepEqual(wte?.dims, [2, 3]);
    // float16 keeps ~3 significant digits; 1e-5 is a float16 subnormal.
    assert.deepEqual([...(wte?.data ?? [])], [0.0999755859375, -2.5, 0.000010013580322265625, 60000, -0.0001000165939331054688, 3]);
    assert.deepEqual([...(map.get('transformer.wpe.weight')?.data ?? [])], [0.10009765625, -2.5, 0.000010013580322265625, 59904, -0.0001001358032226562500, 3]);
    assert.deepEqual([...(map.get('transformer.h.0.attn.c_attn.bias')?.data ?? [])], values.map(Math.fround));
    // A weight stored with a non-float dtype is an error, not silently converted.
    await assert.rejects(ckpt.readFloat32Map(() => true), /tensor "transformer\.h\.0\.attn\.bias" is BOOL, not a float weight \(F32, F16, BF16, F64\)/);
    assert.deepEqual([...toFloat32(await ckpt.read('transformer.h.0.attn.bias'))], [1, 0, 1, 1]);
    const half = toFloat16Bits(await ckpt.read('transformer.wte.weight'));
    assert.deepEqual([...half], values.map(float32ToFloat16Bits));
    assert.deepEqual([...toFloat16Bits(await ckpt.read('transformer.h.0.attn.c_attn.bias'))], values.map(float32ToFloat16Bits));
  } finally {
    await ckpt.close();
  }
});
